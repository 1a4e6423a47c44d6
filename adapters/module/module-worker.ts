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
import { implementationFromModule } from "./load.ts";

export interface ModuleWorkerData {
  readonly entry: string;
  readonly buffer: SharedArrayBuffer;
  /** Absolute path of the module. */
  readonly path: string;
  /** How the user named it (for messages). */
  readonly label: string;
  readonly stderrLimit: number;
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
 * process.exit() in the module ends the step with an error (a crash) rather than the thread, so
 * the worker serves the next run without being reloaded.
 */
process.exit = ((code?: number | string | null) => {
  throw new Error(`the module called process.exit(${code ?? ""})`);
}) as typeof process.exit;

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
  server = new WireServer(implementationFromModule(mod, data.label));
} catch (e) {
  loadError = e instanceof Error ? (e.message.split("\n")[0] ?? e.name) : String(e);
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
      for (const line of op.lines) p.answered.push(server?.answer(line) ?? JSON.stringify({ id: null, kind: "error", message: loadError }));
      pending = undefined;
      replier.reply(op.seq, Status.line, p.answered.join("\n"));
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
