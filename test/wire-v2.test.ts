/**
 * Protocol version 2 over the wire: the handshake negotiates the version; a version 1
 * implementation is driven exactly as before (no observers request, no `req` on exec_create); a
 * version 2 one is asked for its attached observers after every step, and a bad answer is a
 * protocol error. Also: the module adapter and WireServer carry the version through, and repro
 * files and reports record it.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as cellgate from "../index.ts";
import type { CoreInput, HostInput, Instance, Party } from "../index.ts";
import { emptyCoverage } from "../properties/coverage/coverage.ts";
import { mergeReports, reportFromJson, reportToJson, type ExploreReport } from "../properties/coverage/explore-report.ts";
import { reproJson } from "../properties/repro/write.ts";
import { PYTHON } from "./support/processes.ts";
import { wireSchemas } from "./support/schema.ts";
import { removeScratch } from "./support/scratch.ts";
import { invalidLines, play, recorded } from "./support/wire.ts";

const scratch = mkdtempSync(join(tmpdir(), "cellgate-wire-v2-"));
afterAll(() => removeScratch(scratch));

const EXAMPLE = `${PYTHON} examples/python/cellgate_impl.py`;
const V2 = `${PYTHON} test/fixtures/stdio/v2.py`;
const MISBEHAVE = `${PYTHON} test/fixtures/stdio/misbehave.py`;
const schemas = wireSchemas(readFileSync("docs/protocol.md", "utf8"));

const c1 = cellgate.cellId(1);
/** The script of the version 2 transcript in docs/protocol.md: c1 is created, made ready, observed, yields. */
const SCRIPT: readonly (readonly [Party, HostInput | CoreInput])[] = [
  ["core", { type: "exec_create", cell: c1, req: 1 }],
  ["host", { type: "create_cell", cell: c1 }],
  ["core", { type: "created", cell: c1 }],
  ["core", { type: "mark_ready", cell: c1 }],
  ["core", { type: "wait_observe", cell: c1, req: 1 }],
  ["host", { type: "observe", cell: c1, req: 1 }],
  ["host", { type: "js_yield", cell: c1 }],
];
/** What the Host has attached after each step of SCRIPT. */
const ATTACHED = [[], [], [], [], [], [{ cell: "c1", req: 1 }], []];

describe("a version 1 implementation over stdio is driven unchanged", () => {
  it("hello offers version 2 and it answers 1: no observers(), no observers request, exec_create without req; it conforms", () => {
    const rec = recorded(scratch, "v1", EXAMPLE);
    const impl = cellgate.stdioImplementation(rec.command);
    try {
      expect(impl.protocol).toBe(1);
      const instance = impl.start();
      expect(instance.observers).toBeUndefined();
      // A req on exec_create is the harness's business: it never reaches a version 1 implementation.
      expect(instance.core({ type: "exec_create", cell: c1, req: 1 })).toEqual([{ type: "create_cell", cell: "c1" }]);
      expect(instance.gateTable()).toEqual([{ cell: "c1", kind: "waiting" }]);
      const result = cellgate.check(impl, { runs: 40, seed: 3 });
      expect(result.counterexample).toBeUndefined();
      expect(result.protocol).toBe(1);
      expect(cellgate.jsonReport(result)).toMatchObject({ protocol: 1 });
    } finally {
      impl.dispose();
    }
    const sent = rec.requests();
    const kinds = sent.map((l) => (JSON.parse(l) as { kind: string }).kind);
    expect(JSON.parse(sent[0] ?? "")).toEqual({ id: 0, kind: "hello", protocol: 2 });
    expect(kinds).not.toContain("observers");
    const creates = sent.map((l) => JSON.parse(l) as { input?: { type: string } }).filter((r) => r.input?.type === "exec_create");
    expect(creates.length).toBeGreaterThan(40);
    for (const r of creates) expect(Object.keys(r.input ?? {}).sort()).toEqual(["cell", "type"]);
    expect(invalidLines(schemas, sent, rec.answers(), 1).slice(0, 5)).toEqual([]);
  });
});

describe("a version 2 implementation over stdio", () => {
  it("is asked for its observers with every step, in the same write, and its answers reach Instance.observers()", () => {
    const rec = recorded(scratch, "v2-script", V2);
    const impl = cellgate.stdioImplementation(rec.command);
    try {
      expect(impl.protocol).toBe(2);
      expect(impl.name).toBe("python-reference-v2");
      const instance = impl.start();
      expect(typeof instance.observers).toBe("function");
      // Before any step there is no answer yet: asked on its own.
      expect(instance.observers?.()).toEqual([]);
      SCRIPT.forEach(([party, input], i) => {
        play(instance, party, input);
        instance.gateTable();
        expect(instance.observers?.(), `after step ${i + 1}`).toEqual(ATTACHED[i]);
        expect(instance.observers?.(), "read again: the same answer, not a new request").toEqual(ATTACHED[i]);
      });
    } finally {
      impl.dispose();
    }
    const sent = rec.requests().map((l) => JSON.parse(l) as { id: number; kind: string; input?: unknown });
    expect(sent.slice(0, 3)).toEqual([
      { id: 0, kind: "hello", protocol: 2 },
      { id: 1, kind: "reset" },
      { id: 2, kind: "observers" },
    ]);
    const steps = sent.slice(3);
    expect(steps.map((r) => r.kind)).toEqual(SCRIPT.flatMap(() => ["step", "gate_table", "observers"]));
    expect(steps.map((r) => r.id)).toEqual(steps.map((_, i) => i + 3));
    expect(steps[0]?.input).toEqual({ type: "exec_create", cell: "c1", req: 1 });
  });

  it("conforms; every line both ways is valid against the version 2 schemas; reports say version 2", () => {
    const rec = recorded(scratch, "v2-check", V2);
    const impl = cellgate.stdioImplementation(rec.command);
    try {
      const result = cellgate.check(impl, { runs: 40, seed: 3 });
      expect(result.counterexample).toBeUndefined();
      expect(result.protocol).toBe(2);
      expect(cellgate.jsonReport(result)).toMatchObject({ protocol: 2 });
    } finally {
      impl.dispose();
    }
    const sent = rec.requests();
    expect(sent.filter((l) => l.includes('"kind":"observers"')).length).toBeGreaterThan(500);
    expect(sent.some((l) => /"type":"exec_create","cell":"c\d","req":\d+/.test(l))).toBe(true);
    expect(invalidLines(schemas, sent, rec.answers(), 2).slice(0, 5)).toEqual([]);
  });

  it("the version 2 transcript of docs/protocol.md is valid line by line, and is what the fixture answers", () => {
    const doc = readFileSync("docs/protocol.md", "utf8");
    const transcript = /### Versions: the handshake[\s\S]*?```text\n([\s\S]*?)```/.exec(doc)?.[1] ?? "";
    const sent = transcript.split("\n").filter((l) => l.startsWith("→ ")).map((l) => l.slice(2));
    const answered = transcript.split("\n").filter((l) => l.startsWith("← ")).map((l) => l.slice(2));
    expect(sent).toHaveLength(2 + 3 * SCRIPT.length);
    expect(invalidLines(schemas, sent, answered, 2)).toEqual([]);
    const out = spawnSync(PYTHON, ["test/fixtures/stdio/v2.py"], { input: sent.join("\n") + "\n", encoding: "utf8" });
    expect(out.stdout.trimEnd().split("\n")).toEqual(answered);
    // The schemas tell the versions apart.
    expect(schemas.check({ id: 2, kind: "step", party: "core", input: { type: "exec_create", cell: "c1", req: 1 } }, "urn:cellgate:wire:1:request-step")).not.toEqual([]);
    expect(schemas.check({ id: 4, kind: "observers", entries: [{ cell: "c1", req: 0 }] }, "urn:cellgate:wire:2:answer-observers")).not.toEqual([]);
    expect(schemas.check({ id: 4, kind: "observers", entries: [{ cell: "c1", req: 1, since: 2 }] }, "urn:cellgate:wire:2:answer-observers")).not.toEqual([]);
  });

  it.each([
    ["bad-cell", /^the answer to the observers request lists \{"cell":"c0","req":1\}: "cell" is not a cell \("c1" to "c9"\)$/],
    ["bad-req", /^the answer to the observers request lists \{"cell":"c1","req":0\}: "req" is not a positive integer$/],
    ["extra-field", /^the answer to the observers request lists \{"cell":"c1","req":1,"since":3\} with an unexpected field "since"$/],
    ["not-a-list", /^the answer to the observers request has "entries" \{\}, not a list$/],
    ["duplicate", /^the answer to the observers request lists request #\d+ twice$/],
  ])("a malformed observers answer (%s) is a protocol-error verdict with one line", (mode, message) => {
    const impl = cellgate.stdioImplementation(`${V2} ${mode}`);
    try {
      const failure = cellgate.check(impl, { runs: 200, seed: 1 }).counterexample?.failure;
      expect(failure?.verdict).toBe("protocol-error");
      expect(failure?.verdict === "protocol-error" ? failure.message : undefined).toMatch(message);
    } finally {
      impl.dispose();
    }
  });

  it("a restarted process that answers hello with another version is an error", () => {
    const state = join(scratch, "flip.state");
    const impl = cellgate.stdioImplementation(`STATE=${state} ${V2} flip`);
    try {
      expect(impl.protocol).toBe(2);
      impl.start();
      process.kill(-(impl.pid ?? 0), "SIGKILL");
      // The death shows at the next reset: a crash of that run; the run after it starts a new process.
      expect(() => impl.start()).toThrow(/exited|killed/);
      expect(() => impl.start()).toThrow(/^restarted, the implementation answered hello with protocol version 1; it spoke version 2 before$/);
      expect(impl.protocol).toBe(2);
    } finally {
      impl.dispose();
    }
  });
});

describe("a hello answered with a version this cellgate does not speak", () => {
  it("is a SetupError with one line naming the versions it speaks", () => {
    const command = `${MISBEHAVE} unknown-protocol`;
    expect(() => cellgate.stdioImplementation(command)).toThrow(cellgate.SetupError);
    expect(() => cellgate.stdioImplementation(command)).toThrow(new RegExp(`^${command.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} speaks protocol version 3; this cellgate speaks versions 1 and 2$`));
  });
});

describe("a TypeScript module in a worker thread carries the version through", () => {
  it("a version 2 module: protocol 2, and its observers are read after every step and reach Instance.observers()", () => {
    const impl = cellgate.moduleImplementation("./test/fixtures/ts/v2-reference.ts");
    try {
      expect(impl.protocol).toBe(2);
      const remote = impl.start();
      const local = cellgate.reference.start();
      SCRIPT.forEach(([party, input], i) => {
        expect(play(remote, party, input), `step ${i + 1}`).toEqual(play(local, party, input));
        expect(remote.gateTable()).toEqual(local.gateTable());
        expect(remote.observers?.(), `after step ${i + 1}`).toEqual(local.observers?.());
      });
      expect(remote.observers?.()).toEqual([]);
      // One read per step (the Instance answers from the last one in between).
      expect(impl.diagnostics().stderr.trimEnd().split("\n")).toEqual(SCRIPT.map((_, i) => `observers read ${i + 1}`));
      expect(cellgate.check(impl, { runs: 40 }).counterexample).toBeUndefined();
    } finally {
      impl.dispose();
    }
  });

  it("a module that declares no version speaks version 1: no observers()", () => {
    const impl = cellgate.moduleImplementation("./test/fixtures/ts/wrapped-reference.ts");
    try {
      expect(impl.protocol).toBe(1);
      expect(impl.start().observers).toBeUndefined();
    } finally {
      impl.dispose();
    }
  });
});

describe("WireServer answers hello with the Implementation's version, and observers for version 2", () => {
  const ask = (server: cellgate.WireServer, request: object) => JSON.parse(server.answer(JSON.stringify(request))) as Record<string, unknown>;

  it("version 2", () => {
    const server = new cellgate.WireServer(cellgate.reference);
    expect(ask(server, { id: 0, kind: "hello", protocol: 2 })).toMatchObject({ kind: "hello", protocol: 2 });
    ask(server, { id: 1, kind: "reset" });
    ask(server, { id: 2, kind: "step", party: "core", input: { type: "exec_create", cell: "c1" } });
    expect(ask(server, { id: 3, kind: "observers" })).toEqual({ id: 3, kind: "observers", entries: [] });
  });

  it("version 1: no observers", () => {
    const v1: cellgate.Implementation = { name: "v1", summary: "the reference as a version 1 implementation", start: () => cellgate.reference.start() };
    const server = new cellgate.WireServer(v1);
    expect(ask(server, { id: 0, kind: "hello", protocol: 2 })).toMatchObject({ kind: "hello", protocol: 1 });
    ask(server, { id: 1, kind: "reset" });
    expect(ask(server, { id: 2, kind: "observers" })).toMatchObject({ id: 2, kind: "error", message: expect.stringContaining("a protocol version 2 request") });
  });
});

describe("repro files and reports carry the version of the implementation checked", () => {
  const ce = cellgate.check(cellgate.bundled("bug-close-before-ready") as cellgate.Implementation, { runs: 300 }).counterexample;
  if (ce === undefined) throw new Error("expected a counterexample");
  const repro = (protocol?: 1 | 2) => cellgate.buildRepro({ implementation: "bug-close-before-ready", seed: 1, cells: 3, result: ce.replay, ...(protocol === undefined ? {} : { protocol }) });

  it("a repro file of version 1 or 2 reads back; another version is refused with one line", () => {
    expect(repro().protocolVersion).toBe(cellgate.PROTOCOL_VERSION);
    for (const v of [1, 2] as const) {
      const parsed = cellgate.parseRepro(reproJson(repro(v)));
      expect(parsed.ok && parsed.repro.protocolVersion).toBe(v);
    }
    const other = cellgate.parseRepro(reproJson(repro(1)).replace('"protocolVersion": 1', '"protocolVersion": 3'));
    expect(other).toEqual({ ok: false, error: "repro speaks protocol version 3; this cellgate speaks versions 1 and 2" });
  });

  it("an exploration report of version 1 reads back as version 1; reports of different versions do not merge", () => {
    const report: ExploreReport = {
      settings: { implementation: "x", cells: 3, maxCommands: 10, strategy: "uniform", pctDepth: 3, batch: 10, seed: 1 },
      protocol: 1,
      seeds: [{ seed: 1, runs: 10 }],
      coverage: emptyCoverage(),
      counterexamples: [],
      slow: [],
      durationMs: 0,
    };
    const json = reportToJson(report) as { protocol: number };
    expect(json.protocol).toBe(1);
    const back = reportFromJson(JSON.parse(JSON.stringify(json)));
    expect(back.ok && back.value.protocol).toBe(1);
    expect(reportFromJson({ ...json, protocol: 3 })).toMatchObject({ ok: false, error: expect.stringContaining("protocol version 3") });
    const v2: ExploreReport = { ...report, protocol: 2, seeds: [{ seed: 2, runs: 10 }] };
    expect(mergeReports([report, v2])).toMatchObject({ ok: false, error: "report 2 is of protocol version 2, report 1 of version 1" });
  });
});
