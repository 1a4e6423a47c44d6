/**
 * Adapters: implementations that do not run on the harness thread. Both speak the wire protocol
 * (docs/protocol.md, "Driving an implementation over stdio") and give the harness an ordinary,
 * synchronous `Implementation` whose every step is bounded by a timeout.
 *
 * How: the harness is synchronous (HarnessRun, fast-check's modelRun), so an adapter cannot await.
 * Each transport has a worker thread that does the asynchronous part (owns the child process and
 * its pipes, or runs the module); the harness thread posts it a batch of request lines and blocks
 * in `Atomics.wait` on a SharedArrayBuffer until the answers are there or the step timeout passes
 * (transport/channel.ts). A timeout kills the process group (or terminates the worker), so a step
 * never blocks longer than the timeout and nothing is left running. Child pids are recorded in a
 * shared registry (transport/registry.ts) so that the CLI's main thread, which stays free while the
 * harness runs in its own thread (cli/bin.mjs), can kill them on SIGINT/SIGTERM.
 *
 * wire/       the protocol: request/answer types, decoding answers, the client (an Implementation
 *             over a transport), the server (the protocol for an in-process Implementation)
 * transport/  the harness↔worker channel, the process registry, the worker bootstrap
 * stdio/      a child process as a transport (io-worker.ts owns it)
 * module/     a TypeScript/JavaScript module in a worker thread as a transport
 */
import { ChildTransport, type ChildOptions } from "./stdio/transport.ts";
import { ModuleTransport, type ModuleOptions } from "./module/transport.ts";
import { WireImplementation, type WireOptions } from "./wire/client.ts";

export type StdioOptions = WireOptions & ChildOptions;

/**
 * Start `command` (run by /bin/sh, in its own process group) and shake hands with it over
 * stdin/stdout. Throws SetupError when it cannot start or does not answer hello. Call
 * `dispose()` when done: it closes stdin, waits a second, kills what is left and reaps it.
 */
export function stdioImplementation(command: string, options: StdioOptions = {}): WireImplementation {
  return new WireImplementation(new ChildTransport(command, options), options).open();
}

/**
 * Load a module (TypeScript or JavaScript) whose default or `implementation` export is an
 * Implementation, in a worker thread, so that a step that never returns times out instead of
 * hanging the harness. Throws SetupError when it cannot be loaded. Call `dispose()` when done.
 */
export function moduleImplementation(path: string, options: WireOptions & ModuleOptions = {}): WireImplementation {
  return new WireImplementation(new ModuleTransport(path, options), options).open();
}

export { WireImplementation, DEFAULT_STEP_TIMEOUT_MS, nameOf, type WireOptions } from "./wire/client.ts";
export { WireServer } from "./wire/serve.ts";
export { decodeAnswer } from "./wire/decode.ts";
export type { Answer, Request } from "./wire/messages.ts";
export { SetupError } from "./errors.ts";
export { implementationFromModule, problemWith } from "./module/load.ts";
export { processRegistry, adoptProcessRegistry, killRecorded, livePids } from "./transport/registry.ts";
export type { ChildOptions } from "./stdio/transport.ts";
export type { ModuleOptions } from "./module/transport.ts";
