/**
 * An exhaustive-search worker: opens the implementation as told (a module's export called with an
 * argument), then expands every chunk of states it is sent and posts the children back, waking
 * the search thread, which waits synchronously (search-pool.ts).
 */
import { workerData, type MessagePort } from "node:worker_threads";
import type { Implementation } from "../../protocol/index.ts";
import { Expander } from "./expand.ts";
import { pack, transferables } from "./child-table.ts";
import type { PoolSetup, ToWorker, FromWorker } from "./search-pool.ts";

const setup = workerData as PoolSetup;
const port = setup.port as MessagePort;
const signal = new Int32Array(setup.signal);
// This worker runs (the pool gives up on one that never gets here).
Atomics.add(signal, 2, 1);

const post = (m: FromWorker, transfer: ArrayBuffer[] = []): void => {
  port.postMessage(m, transfer);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
};

process.on("exit", () => {
  Atomics.store(signal, 1, 1);
  Atomics.notify(signal, 0);
});

let expander: Expander | undefined;
try {
  const mod = (await import(setup.open.module)) as Record<string, unknown>;
  const open = mod[setup.open.export];
  if (typeof open !== "function") throw new Error(`${setup.open.module} has no function ${setup.open.export}`);
  const impl = (open as (argument: unknown) => Implementation | undefined)(setup.open.argument);
  if (impl === undefined) throw new Error(`${setup.open.export}(${JSON.stringify(setup.open.argument)}) gave no implementation`);
  expander = new Expander(impl, setup.settings);
} catch (e) {
  post({ type: "error", id: -1, message: e instanceof Error ? e.message : String(e) });
}

port.on("message", (m: ToWorker) => {
  if (m.type === "stop") {
    port.close();
    return;
  }
  try {
    if (expander === undefined) throw new Error("the implementation did not open");
    expander.learn(m.dictionary, m.mark);
    const chunk = expander.expandChunk(m.states, m.depthLeft);
    const children = pack(chunk.children);
    const transfer = [chunk.states, chunk.provisional].flatMap((e) => [e.bytes.buffer as ArrayBuffer, e.ends.buffer as ArrayBuffer]);
    post({ type: "children", id: m.id, children, states: chunk.states, provisional: chunk.provisional }, [...transferables(children), ...transfer]);
  } catch (e) {
    post({ type: "error", id: m.id, message: e instanceof Error ? e.message : String(e) });
  }
});
