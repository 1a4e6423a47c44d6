// Entry of an exploration worker thread: a worker does not inherit the main thread's loader
// hooks, so it registers tsx itself (resolved from this package), then loads the TypeScript side.
import { register } from "tsx/esm/api";

register();
await import("./explore-worker.ts");
