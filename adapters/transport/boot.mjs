// Entry of every adapter worker thread: registers tsx in this thread when the entry is TypeScript
// (the sources, unbuilt; loader hooks do not carry over to workers), then loads the worker module
// named in workerData.entry. The built package (dist/) runs its .js entries without tsx; a user's
// module is loaded by the module worker itself (module-worker.ts, through tsx's tsImport).
import { workerData } from "node:worker_threads";

if (workerData.entry.endsWith(".ts")) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(workerData.entry);
