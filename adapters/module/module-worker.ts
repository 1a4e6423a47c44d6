/**
 * The worker thread that runs a TypeScript (or JavaScript) module's Implementation behind the
 * wire protocol. Running it here rather than on the harness thread is what lets the harness stop
 * a step that never returns (the worker is terminated) and survive `process.exit()` in the module
 * (reported as a crash). What the module prints is captured.
 */
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import { StderrTail } from "../stdio/stderr-tail.ts";
import { Replier } from "../transport/reply.ts";
import { Status, type Op } from "../transport/status.ts";
import { WireServer } from "../wire/serve.ts";
import { implementationFromModule, problemWith } from "./load.ts";
import type { Implementation } from "../../protocol/index.ts";
import { describeThrown, SetupError } from "../errors.ts";

export interface ModuleWorkerData {
  readonly entry: string;
  readonly buffer: SharedArrayBuffer;
  /** Absolute path of the module. */
  readonly path: string;
  /** How the user named it (for messages). */
  readonly label: string;
  readonly stderrLimit: number;
  /** The export that holds the Implementation (default: `default`, then `implementation`). */
  readonly exportName?: string;
}

const data = workerData as ModuleWorkerData;
const replier = new Replier(data.buffer);
const port = parentPort;
if (port === null) throw new Error("module-worker must run in a worker thread");

let output = new StderrTail(data.stderrLimit);
const capture = (chunk: unknown): boolean => {
  output.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return true;
};
process.stdout.write = capture as typeof process.stdout.write;
process.stderr.write = capture as typeof process.stderr.write;

/**
 * Ending the thread or the process from the module (process.exit, process.reallyExit, which
 * process.exit calls, process.abort, which would end the whole harness) ends the step instead:
 * the call throws, and even if the module catches that, the step is answered as an exit (a
 * crash), and the harness starts a fresh worker for the next run.
 */
let exitCall: { code: number | null; text: string } | undefined;
const refuse = (what: string, code: unknown): never => {
  const n = typeof code === "number" ? code : typeof code === "string" && /^\d+$/.test(code) ? Number(code) : null;
  exitCall ??= { code: n, text: `called ${what}(${typeof code === "number" || typeof code === "string" ? code : ""})` };
  throw new Error(`the module ${exitCall.text}`);
};
/**
 * What the module throws outside any step (a timer, a rejected promise) ends it like an exit:
 * described here, safely, instead of reaching the worker's own error path (which would have to
 * serialize the value, a Proxy or an object without a prototype, for the harness thread).
 */
const outside = (e: unknown): void => {
  exitCall ??= { code: null, text: `threw outside any step: ${describeThrown(e)}` };
};
process.on("uncaughtException", outside);
process.on("unhandledRejection", outside);
process.exit = ((code?: number | string | null) => refuse("process.exit", code)) as typeof process.exit;
process.abort = (() => refuse("process.abort", undefined)) as typeof process.abort;
(process as unknown as { reallyExit: (code?: number) => never }).reallyExit = (code?: number) => refuse("process.reallyExit", code);

let pending: { seq: number; answered: string[] } | undefined;
process.on("exit", (code) => {
  if (pending !== undefined) replier.reply(pending.seq, Status.exited, { code, signal: null, answered: pending.answered });
});

let server: WireServer | undefined;
let loadError: string | undefined;
try {
  // tsx's tsImport loads the module and what it imports as TypeScript or JavaScript, ESM or
  // CommonJS by the module's own extension and package type (.ts under "type": "commonjs" is
  // CommonJS; .mts, .cts, .mjs, .cjs as named); a plain import() cannot load CommonJS TypeScript
  // that requires an ES module such as cellgate itself (docs/packaging.md).
  const mod = (await tsImport(pathToFileURL(data.path).href, import.meta.url)) as Record<string, unknown>;
  server = new WireServer(data.exportName === undefined ? implementationFromModule(mod, data.label) : namedExport(mod, data.exportName, data.label));
} catch (e) {
  loadError = exitCall !== undefined ? `it ${exitCall.text} while loading` : e instanceof SetupError ? e.message : describeThrown(e);
}

/** The Implementation under `name`; SetupError (one line) when there is none of the right shape. */
function namedExport(mod: Readonly<Record<string, unknown>>, name: string, label: string) {
  const x = mod[name] ?? (mod.default as Record<string, unknown> | undefined)?.[name];
  if (x === undefined) throw new SetupError(`${label} has no export "${name}"`);
  const problem = problemWith(x);
  if (problem !== undefined) throw new SetupError(`${label}: its "${name}" export is not an Implementation: ${problem}`);
  return x as Implementation;
}

port.on("message", (op: Op) => {
  switch (op.op) {
    case "start":
      if (server === undefined) replier.reply(op.seq, Status.startFailed, { message: loadError ?? "not loaded" });
      else replier.reply(op.seq, Status.started, {});
      return;
    case "send": {
      if (op.newRun) output = new StderrTail(data.stderrLimit);
      const p = { seq: op.seq, answered: [] as string[] };
      pending = p;
      for (const line of op.lines) {
        if (exitCall !== undefined) break;
        p.answered.push(server?.answer(line) ?? JSON.stringify({ id: null, kind: "error", message: loadError }));
        // The answer of the request during which it called exit is not an answer.
        if (exitCall !== undefined) p.answered.pop();
      }
      pending = undefined;
      if (exitCall !== undefined) replier.reply(op.seq, Status.exited, { code: exitCall.code, signal: null, answered: p.answered, why: exitCall.text });
      else replier.reply(op.seq, Status.line, p.answered.join("\n"));
      return;
    }
    case "stderr":
      replier.reply(op.seq, Status.stderr, output.read());
      return;
    case "stop":
      replier.reply(op.seq, Status.stopped, { code: 0, signal: null });
      port.close();
      return;
  }
});
