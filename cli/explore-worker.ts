/** An exploration worker: runs the seeds it is sent and posts each result back. */
import { parentPort, workerData } from "node:worker_threads";
import type { Implementation } from "../protocol/index.ts";
import { runSeed } from "../properties/coverage/explore.ts";
import type { FromWorker, ToWorker, WorkerSetup } from "./explore-runner.ts";
import { openImplementation } from "./impl.ts";
import { adoptProcessRegistry } from "../adapters/index.ts";
import { errorMessage } from "../adapters/errors.ts";

const port = parentPort;
if (port === null) throw new Error("explore-worker.ts runs only as a worker thread");
const { settings, implSpec, registry } = workerData as WorkerSetup;
adoptProcessRegistry(registry);
const seen = new Set<string>();
let impl: Implementation | undefined;

port.on("message", (m: ToWorker) => {
  if (m.type === "stop") {
    impl?.dispose?.();
    port.close();
    return;
  }
  let reply: FromWorker;
  try {
    impl ??= openImplementation(implSpec);
    reply = { type: "result", result: runSeed(impl, settings, m.task, seen) };
  } catch (e) {
    reply = { type: "error", message: errorMessage(e) };
  }
  port.postMessage(reply);
});
