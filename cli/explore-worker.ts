/** An exploration worker: runs the seeds it is sent and posts each result back. */
import { parentPort, workerData } from "node:worker_threads";
import { runSeed } from "../properties/explore.ts";
import type { FromWorker, ToWorker, WorkerSetup } from "./explore-runner.ts";
import { resolveImplementation } from "./impl.ts";

const port = parentPort;
if (port === null) throw new Error("explore-worker.ts runs only as a worker thread");
const { settings, implSpec } = workerData as WorkerSetup;
const seen = new Set<string>();

port.on("message", (m: ToWorker) => {
  if (m.type === "stop") {
    port.close();
    return;
  }
  let reply: FromWorker;
  try {
    const impl = resolveImplementation(implSpec);
    reply = { type: "result", result: runSeed(impl, settings, m.task, seen) };
  } catch (e) {
    reply = { type: "error", message: e instanceof Error ? (e.message.split("\n")[0] ?? e.name) : String(e) };
  }
  port.postMessage(reply);
});
