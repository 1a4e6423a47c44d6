/**
 * The dispatch capability over the wire (protocol version 2): a version 2 implementation declares
 * `"dispatch": true` in its hello answer, and only then does the harness generate nested tool
 * calls (`js_tool_call`, and the `invoke_tool`, `cancel_tool` and `dispatch` messages they lead
 * to). A version 2 implementation that does not declare it, and every version 1 implementation,
 * is driven without a single one; a version 1 hello answer with `dispatch` is refused. The module
 * adapter (a worker thread behind WireServer) carries the capability through.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as cellgate from "../index.ts";
import type { CoreInput, HostInput, Message, Party } from "../index.ts";
import { decodeAnswer } from "../adapters/index.ts";
import { ProtocolError } from "../properties/run/run.ts";
import { cli } from "./support/cli.ts";
import { PYTHON } from "./support/processes.ts";
import { wireSchemas } from "./support/schema.ts";
import { removeScratch } from "./support/scratch.ts";
import { invalidLines, play, recorded } from "./support/wire.ts";

const scratch = mkdtempSync(join(tmpdir(), "cellgate-wire-dispatch-"));
afterAll(() => removeScratch(scratch));

const EXAMPLE = `${PYTHON} examples/python/cellgate_impl.py`;
const V2 = `${PYTHON} test/fixtures/stdio/v2.py`;
const DISPATCH = `${V2} dispatch`;
const schemas = wireSchemas(readFileSync("docs/protocol.md", "utf8"));
const TOOL_TYPES = ["js_tool_call", "invoke_tool", "cancel_tool", "dispatch"];

const c1 = cellgate.cellId(1);
/** A tool call before readiness: held, then let through at readiness; a second one passes at once; completion. */
const SCRIPT: readonly (readonly [Party, HostInput | CoreInput])[] = [
  ["core", { type: "exec_create", cell: c1, req: 1 }],
  ["host", { type: "create_cell", cell: c1 }],
  ["core", { type: "created", cell: c1 }],
  ["host", { type: "js_tool_call", cell: c1, req: 1 }],
  ["core", { type: "invoke_tool", cell: c1, req: 1 }],
  ["host", { type: "dispatch", cell: c1, req: 1, decision: "held" }],
  ["core", { type: "mark_ready", cell: c1 }],
  ["host", { type: "dispatch", cell: c1, req: 1, decision: "passed" }],
  ["host", { type: "js_tool_call", cell: c1, req: 2 }],
  ["host", { type: "js_complete", cell: c1 }],
  ["core", { type: "invoke_tool", cell: c1, req: 2 }],
  ["core", { type: "cancel_tool", cell: c1, req: 2 }],
];
/** What SCRIPT's steps emit (the reference's semantics). */
const EMITTED: readonly (readonly Message[])[] = [
  [{ type: "create_cell", cell: c1 }],
  [{ type: "created", cell: c1 }],
  [],
  [{ type: "invoke_tool", cell: c1, req: 1 }],
  [{ type: "dispatch", cell: c1, req: 1, decision: "held" }],
  [],
  [{ type: "dispatch", cell: c1, req: 1, decision: "passed" }],
  [],
  [{ type: "invoke_tool", cell: c1, req: 2 }],
  [{ type: "cancel_tool", cell: c1, req: 2 }, { type: "commit", cell: c1 }],
  [{ type: "dispatch", cell: c1, req: 2, decision: "passed" }],
  [],
];

/** How many times each tool-call type crosses the wire: as a step's input, and in a step's messages. */
function toolTraffic(sent: readonly string[], answered: readonly string[]): { inputs: Record<string, number>; messages: Record<string, number> } {
  const inputs: Record<string, number> = Object.fromEntries(TOOL_TYPES.map((t) => [t, 0]));
  const messages: Record<string, number> = Object.fromEntries(TOOL_TYPES.map((t) => [t, 0]));
  for (const l of sent) {
    const type = (JSON.parse(l) as { input?: { type: string } }).input?.type;
    if (type !== undefined && type in inputs) inputs[type] = (inputs[type] ?? 0) + 1;
  }
  for (const l of answered) {
    for (const m of (JSON.parse(l) as { messages?: { type: string }[] }).messages ?? []) if (m.type in messages) messages[m.type] = (messages[m.type] ?? 0) + 1;
  }
  return { inputs, messages };
}

const NONE = { inputs: { js_tool_call: 0, invoke_tool: 0, cancel_tool: 0, dispatch: 0 }, messages: { js_tool_call: 0, invoke_tool: 0, cancel_tool: 0, dispatch: 0 } };

describe("a version 2 implementation over stdio that declares dispatch", () => {
  it("says so in hello; the adapter's Implementation offers dispatch; the script gives the reference's messages", () => {
    const impl = cellgate.stdioImplementation(DISPATCH);
    try {
      expect(impl.protocol).toBe(2);
      expect(impl.dispatch).toBe(true);
      expect(impl.name).toBe("python-reference-v2-dispatch");
      const remote = impl.start();
      const local = cellgate.reference.start();
      SCRIPT.forEach(([party, input], i) => {
        const got = play(remote, party, input);
        expect(got, `step ${i + 1}`).toEqual(EMITTED[i]);
        expect(play(local, party, input), `the reference, step ${i + 1}`).toEqual(EMITTED[i]);
        expect(remote.gateTable()).toEqual(local.gateTable());
        expect(remote.observers?.()).toEqual(local.observers?.());
      });
    } finally {
      impl.dispose();
    }
  });

  it("conforms, gets tool calls, and every line both ways is valid against the version 2 schemas", () => {
    const rec = recorded(scratch, "dispatch-check", DISPATCH);
    const impl = cellgate.stdioImplementation(rec.command);
    let result: cellgate.CheckResult;
    try {
      // No soundness sampling: its extra runs would be in the recorded traffic too.
      result = cellgate.check(impl, { runs: 60, seed: 3, soundnessEvery: 0 });
    } finally {
      impl.dispose();
    }
    expect(result.counterexample).toBeUndefined();
    expect(result.protocol).toBe(2);
    expect(result.stats.executed.tool).toBeGreaterThan(0);
    // A faithful port of the reference: the same runs, steps, orderings and commands.
    expect({ ...result.stats }).toEqual({ ...cellgate.check(cellgate.reference, { runs: 60, seed: 3 }).stats });
    const sent = rec.requests();
    const answered = rec.answers();
    expect(JSON.parse(answered[0] ?? "")).toMatchObject({ id: 0, kind: "hello", protocol: 2, dispatch: true });
    const traffic = toolTraffic(sent, answered);
    expect(traffic.inputs.js_tool_call).toBe(result.stats.executed.tool);
    for (const t of ["invoke_tool", "dispatch"]) expect(traffic.inputs[t], `${t} as an input`).toBeGreaterThan(0);
    for (const t of ["invoke_tool", "cancel_tool", "dispatch"]) expect(traffic.messages[t], `${t} emitted`).toBeGreaterThan(0);
    const decisions = new Set(sent.flatMap((l) => /"decision":"(\w+)"/.exec(l)?.[1] ?? []));
    expect([...decisions].sort()).toEqual(["held", "passed", "refused"]);
    expect(invalidLines(schemas, sent, answered, 2).slice(0, 5)).toEqual([]);
  });

  it("the dispatch transcript of docs/protocol.md is valid line by line, and is what the fixture answers", () => {
    const doc = readFileSync("docs/protocol.md", "utf8");
    const transcript = /#### Version 2 capability: dispatch[\s\S]*?```text\n([\s\S]*?)```/.exec(doc)?.[1] ?? "";
    const sent = transcript.split("\n").filter((l) => l.startsWith("→ ")).map((l) => l.slice(2));
    const answered = transcript.split("\n").filter((l) => l.startsWith("← ")).map((l) => l.slice(2));
    expect(sent.length).toBeGreaterThan(2);
    expect(sent).toHaveLength(answered.length);
    expect(sent.some((l) => l.includes('"type":"js_tool_call"'))).toBe(true);
    expect(invalidLines(schemas, sent, answered, 2)).toEqual([]);
    const out = spawnSync(PYTHON, ["test/fixtures/stdio/v2.py", "dispatch"], { input: sent.join("\n") + "\n", encoding: "utf8" });
    expect(out.stdout.trimEnd().split("\n")).toEqual(answered);
  });

  it("the schemas: version 2 has the tool-call inputs and messages, version 1 does not", () => {
    const v2 = (value: object, id: string) => schemas.check(value, `urn:cellgate:wire:2:${id}`);
    const v1 = (value: object, id: string) => schemas.check(value, `urn:cellgate:wire:1:${id}`);
    const hostStep = (input: object) => ({ id: 2, kind: "step", party: "host", input });
    const coreStep = (input: object) => ({ id: 2, kind: "step", party: "core", input });
    const answer = (...messages: object[]) => ({ id: 2, kind: "step", messages });
    for (const input of [{ type: "js_tool_call", cell: "c1", req: 1 }, { type: "dispatch", cell: "c1", req: 1, decision: "held" }]) {
      expect(v2(hostStep(input), "request-step")).toEqual([]);
      expect(v1(hostStep(input), "request-step")).not.toEqual([]);
      expect(v2(coreStep(input), "request-step")).not.toEqual([]);
    }
    for (const input of [{ type: "invoke_tool", cell: "c1", req: 1 }, { type: "cancel_tool", cell: "c1", req: 1 }]) {
      expect(v2(coreStep(input), "request-step")).toEqual([]);
      expect(v1(coreStep(input), "request-step")).not.toEqual([]);
      expect(v2(hostStep(input), "request-step")).not.toEqual([]);
    }
    expect(v2(answer({ type: "invoke_tool", cell: "c1", req: 1 }, { type: "cancel_tool", cell: "c1", req: 1 }, { type: "dispatch", cell: "c1", req: 1, decision: "refused" }), "answer-step")).toEqual([]);
    expect(v1(answer({ type: "dispatch", cell: "c1", req: 1, decision: "passed" }), "answer-step")).not.toEqual([]);
    expect(v2(answer({ type: "dispatch", cell: "c1", req: 1, decision: "later" }), "answer-step")).not.toEqual([]);
    expect(v2(answer({ type: "invoke_tool", cell: "c1", req: 1, decision: "passed" }), "answer-step")).not.toEqual([]);
    expect(v2(hostStep({ type: "js_tool_call", cell: "c1" }), "request-step")).not.toEqual([]);
    const hello = { id: 0, kind: "hello", protocol: 2, name: "x" };
    expect(v2({ ...hello, dispatch: true }, "answer-hello")).toEqual([]);
    expect(v2({ ...hello, dispatch: false }, "answer-hello")).toEqual([]);
    expect(v2({ ...hello, dispatch: "yes" }, "answer-hello")).not.toEqual([]);
    expect(v1({ ...hello, protocol: 1, dispatch: true }, "answer-hello")).not.toEqual([]);
  });

  it("a Core that answers invoke_tool with a decision other than passed, held or refused is a protocol-error verdict", () => {
    const impl = cellgate.stdioImplementation(`${V2} dispatch-bad-decision`);
    try {
      expect(impl.dispatch).toBe(true);
      const failure = cellgate.check(impl, { runs: 200, seed: 1 }).counterexample?.failure;
      expect(failure?.verdict).toBe("protocol-error");
      expect(failure?.verdict === "protocol-error" ? failure.message : undefined).toBe('core emitted dispatch with decision "later" (expected passed, held or refused)');
    } finally {
      impl.dispose();
    }
  });

  it("a Core that refuses every tool call is rejected: dispatch-follows-gate", () => {
    const impl = cellgate.stdioImplementation(`${V2} dispatch-refuse`);
    try {
      const ce = cellgate.check(impl, { runs: 200, seed: 1 }).counterexample;
      expect(ce?.failure).toMatchObject({ verdict: "violation", violations: [{ invariant: "dispatch-follows-gate" }] });
      expect(ce?.labels.some((l) => l.includes("tool"))).toBe(true);
    } finally {
      impl.dispose();
    }
  });

  it("a restarted process that declares dispatch differently is an error", () => {
    const state = join(scratch, "dispatch-flip.state");
    const impl = cellgate.stdioImplementation(`STATE=${state} ${V2} dispatch-flip`);
    try {
      expect(impl.dispatch).toBe(true);
      impl.start();
      process.kill(-(impl.pid ?? 0), "SIGKILL");
      // The death shows at the next reset: a crash of that run; the run after it starts a new process.
      expect(() => impl.start()).toThrow(/exited|killed/);
      expect(() => impl.start()).toThrow(ProtocolError);
      expect(impl.dispatch).toBe(true);
    } finally {
      impl.dispose();
    }
    const again = cellgate.stdioImplementation(`STATE=${state} ${V2} dispatch-flip`);
    try {
      expect(again.dispatch).toBe(false);
    } finally {
      again.dispose();
    }
  });

  it("the restart error is one line that says what changed", () => {
    const state = join(scratch, "dispatch-flip-2.state");
    const impl = cellgate.stdioImplementation(`STATE=${state} ${V2} dispatch-flip`);
    try {
      impl.start();
      process.kill(-(impl.pid ?? 0), "SIGKILL");
      // The death shows at the next reset: a crash of that run; the run after it starts a new process.
      expect(() => impl.start()).toThrow(/exited|killed/);
      expect(() => impl.start()).toThrow(/^restarted, the implementation answered hello without "dispatch": true; it answered with it before$/);
    } finally {
      impl.dispose();
    }
  });
});

describe("an implementation without dispatch never receives a tool call", () => {
  it("a version 2 implementation whose hello has no dispatch: conforms, and no tool call crosses the wire", () => {
    const rec = recorded(scratch, "v2-no-dispatch", V2);
    const impl = cellgate.stdioImplementation(rec.command);
    let result: cellgate.CheckResult;
    try {
      expect(impl.protocol).toBe(2);
      expect(impl.dispatch).toBe(false);
      // No soundness sampling: its extra runs would be in the recorded traffic too.
      result = cellgate.check(impl, { runs: 60, seed: 3, soundnessEvery: 0 });
    } finally {
      impl.dispose();
    }
    expect(result.counterexample).toBeUndefined();
    expect(result.stats.executed.tool).toBe(0);
    expect(Object.keys(JSON.parse(rec.answers()[0] ?? "{}") as object)).not.toContain("dispatch");
    expect(toolTraffic(rec.requests(), rec.answers())).toEqual(NONE);
    expect(invalidLines(schemas, rec.requests(), rec.answers(), 2).slice(0, 5)).toEqual([]);
  });

  it("the Python example (version 1): conforms, and no tool call crosses the wire", () => {
    const rec = recorded(scratch, "v1", EXAMPLE);
    const impl = cellgate.stdioImplementation(rec.command);
    let result: cellgate.CheckResult;
    try {
      expect(impl.protocol).toBe(1);
      expect(impl.dispatch).toBe(false);
      // No soundness sampling: its extra runs would be in the recorded traffic too.
      result = cellgate.check(impl, { runs: 60, seed: 3, soundnessEvery: 0 });
    } finally {
      impl.dispose();
    }
    expect(result.counterexample).toBeUndefined();
    expect(result.stats.executed.tool).toBe(0);
    expect(toolTraffic(rec.requests(), rec.answers())).toEqual(NONE);
    expect(invalidLines(schemas, rec.requests(), rec.answers(), 1).slice(0, 5)).toEqual([]);
  });
});

describe("a hello answer that declares dispatch wrongly cannot be checked", () => {
  it.each([
    ["v1-dispatch", 'the hello answer of a version 1 implementation has the field "dispatch" (dispatch is a protocol version 2 capability)'],
    ["dispatch-not-bool", 'the hello answer\'s "dispatch" is not a boolean: "yes"'],
  ])("%s: a SetupError of one line; the CLI exits 2 with it", async (mode, why) => {
    const command = `${V2} ${mode}`;
    let error: unknown;
    try {
      cellgate.stdioImplementation(command).dispose();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(cellgate.SetupError);
    expect((error as Error).message).toBe(`${command}: no handshake: ${why}`);
    const r = await cli("check", "--impl-cmd", command);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(why);
  });

  it("decodeAnswer: dispatch is a boolean, and only in a version 2 answer", () => {
    const hello = { id: 0, kind: "hello", protocol: 2 } as const;
    const decode = (o: object) => decodeAnswer(JSON.stringify(o), hello, "hello");
    expect(decode({ ...hello, dispatch: true })).toMatchObject({ dispatch: true });
    expect(decode({ ...hello, dispatch: false })).toMatchObject({ dispatch: false });
    expect(decode(hello)).not.toHaveProperty("dispatch");
    expect(() => decode({ ...hello, protocol: 1, dispatch: false })).toThrow(ProtocolError);
    expect(() => decode({ ...hello, dispatch: 1 })).toThrow(/^the hello answer's "dispatch" is not a boolean: 1$/);
  });
});

describe("a TypeScript module in a worker thread carries dispatch through", () => {
  it("a version 2 module with dispatch: true offers dispatch, gets tool calls and conforms", () => {
    const impl = cellgate.moduleImplementation("./test/fixtures/ts/v2-dispatch.ts");
    try {
      expect(impl.protocol).toBe(2);
      expect(impl.dispatch).toBe(true);
      const remote = impl.start();
      SCRIPT.forEach(([party, input], i) => expect(play(remote, party, input), `step ${i + 1}`).toEqual(EMITTED[i]));
      const result = cellgate.check(impl, { runs: 60 });
      expect(result.counterexample).toBeUndefined();
      expect(result.stats.executed.tool).toBeGreaterThan(0);
    } finally {
      impl.dispose();
    }
  });

  it("a version 2 module without dispatch gets none", () => {
    const impl = cellgate.moduleImplementation("./test/fixtures/ts/v2-reference.ts");
    try {
      expect(impl.dispatch).toBe(false);
      expect(cellgate.check(impl, { runs: 20 }).stats.executed.tool).toBe(0);
    } finally {
      impl.dispose();
    }
  });

  it("--impl ./path.ts: the module with dispatch conforms; one whose Core refuses every tool call is rejected (dispatch-follows-gate)", async () => {
    const ok = await cli("check", "--impl", "./test/fixtures/ts/v2-dispatch.ts", "--runs", "100");
    expect(ok.stdout).toContain("implementation: v2-dispatch");
    expect(ok.stdout).toContain("verdict: conforms (100 runs, no invariant violated)");
    expect(ok.code).toBe(0);
    const bad = await cli("check", "--impl", "./test/fixtures/ts/v2-dispatch-refusing.ts", "--runs", "200", "--out", join(scratch, "refusing"));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("violated dispatch-follows-gate");
    expect(bad.stdout).toMatch(/tool c\d/);
  });
});

describe("WireServer declares dispatch in hello for a version 2 Implementation that offers it, never for version 1", () => {
  const hello = (impl: cellgate.Implementation) => JSON.parse(new cellgate.WireServer(impl).answer(JSON.stringify({ id: 0, kind: "hello", protocol: 2 }))) as Record<string, unknown>;
  const start = () => cellgate.reference.start();

  it.each([
    ["version 2 with dispatch", { protocol: 2, dispatch: true }, { protocol: 2, dispatch: true }],
    ["version 2, dispatch false", { protocol: 2, dispatch: false }, { protocol: 2 }],
    ["version 2, no dispatch", { protocol: 2 }, { protocol: 2 }],
    ["version 1 with dispatch: true", { protocol: 1, dispatch: true }, { protocol: 1 }],
    ["no version, dispatch: true", { dispatch: true }, { protocol: 1 }],
  ] as const)("%s", (_, fields, expected) => {
    const answer = hello({ name: "x", summary: "y", start, ...fields });
    expect(answer).toMatchObject(expected);
    expect("dispatch" in answer).toBe("dispatch" in expected);
  });

  it("the reference (version 2, dispatch) answers hello with dispatch: true", () => {
    expect(hello(cellgate.reference)).toMatchObject({ protocol: 2, dispatch: true });
  });
});
