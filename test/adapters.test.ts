/**
 * cellgate as another project uses it: the package's public API, the vitest helper, `--impl PATH`,
 * the wire protocol as docs/protocol.md specifies it (schemas, the worked exchange), the Python
 * implementation of examples/python/, and the CI reports.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as cellgate from "../index.ts";
import { implementationFromModule } from "../adapters/index.ts";
import { describeConformance } from "../properties/check/vitest.ts";
import { cli } from "./support/cli.ts";
import { PYTHON } from "./support/processes.ts";
import { wireSchemaOf, wireSchemas } from "./support/schema.ts";
import { removeScratch } from "./support/scratch.ts";

const scratch = mkdtempSync(join(tmpdir(), "cellgate-adapters-"));
afterAll(() => removeScratch(scratch));

const EXAMPLE = `${PYTHON} examples/python/cellgate_impl.py`;
const BROKEN = `${PYTHON} examples/python/cellgate_impl_broken.py`;

describe("the package root (import { ... } from \"cellgate\")", () => {
  it("exports the check, the adapters, the reference and the reports; package.json points at them", () => {
    for (const name of ["check", "replay", "confirm", "assertConforms", "stdioImplementation", "moduleImplementation", "jsonReport", "junitReport", "markdownReport", "writeRepro"] as const) {
      expect(typeof cellgate[name], name).toBe("function");
    }
    expect(cellgate.PROTOCOL_VERSION).toBe(2);
    expect(cellgate.PROTOCOL_VERSIONS).toEqual([1, 2]);
    expect(cellgate.VARIANTS.length).toBeGreaterThan(0);
    // Each entry point is the build (dist/) of one source file: its types and its code.
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { exports: Record<string, { types: string; default: string }> };
    const sourceOf = (built: string) => built.replace(/^\.\/dist\//, "./").replace(/(\.d\.ts|\.js)$/, ".ts");
    const entries = Object.fromEntries(Object.entries(pkg.exports).filter(([k]) => k !== "./package.json").map(([k, t]) => [k, [sourceOf(t.types), sourceOf(t.default)] as const]));
    expect(entries).toEqual({ ".": ["./index.ts", "./index.ts"], "./vitest": ["./properties/check/vitest.ts", "./properties/check/vitest.ts"] });
    for (const [file] of Object.values(entries)) expect(existsSync(file), file).toBe(true);
  });

  it("an implementation written against the exported types is checked like any other", () => {
    const mine: cellgate.Implementation = { name: "mine", summary: "the reference behind the public types", start: () => cellgate.reference.start() };
    expect(cellgate.check(mine, { runs: 100 }).counterexample).toBeUndefined();
    expect(() => cellgate.assertConforms(cellgate.bundled("bug-close-before-ready") as cellgate.Implementation, { runs: 300 })).toThrow(
      /expected the cellgate check to end with "conforms", got violation after \d+ runs \(seed 1\)\nshrunk counterexample \(4 commands\):\n  1\. create c1/,
    );
  });
});

// The vitest helper, used exactly as another project would: one call per implementation.
describeConformance(new URL("./fixtures/ts/wrapped-reference.ts", import.meta.url), { runs: 300 });
describeConformance({ name: "mine", summary: "the reference, wrapped", start: () => cellgate.reference.start() }, { runs: 300, inThread: true });
describeConformance(cellgate.bundled("bug-close-before-ready") as cellgate.Implementation, { runs: 300, expect: "violation" });
describeConformance(() => cellgate.stdioImplementation(EXAMPLE), { runs: 30, name: "the Python example over stdio" });

describe("--impl PATH", () => {
  it("loads a module's `implementation` export and checks it in a worker thread", async () => {
    const r = await cli("check", "--impl", "./test/fixtures/ts/wrapped-reference.ts", "--runs", "100");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("implementation: wrapped-reference");
    expect(r.stdout).toContain("verdict: conforms (100 runs, no invariant violated)");
  });

  it("loads a CommonJS module (.cts): its `export default` is found on module.exports", async () => {
    const r = await cli("check", "--impl", "./test/fixtures/ts/commonjs.cts", "--runs", "50");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("implementation: commonjs-reference");
  });

  it("looks into a CommonJS module's exports object for `default` or `implementation`, and only there", () => {
    const impl = cellgate.reference;
    // What an import of a CommonJS module gives: the namespace's default is module.exports.
    expect(implementationFromModule({ default: { __esModule: true, default: impl } }, "m.cts")).toBe(impl);
    expect(implementationFromModule({ default: { implementation: impl }, implementation: impl }, "m.cjs")).toBe(impl);
    expect(() => implementationFromModule({ default: { __esModule: true, default: { name: "x" } } }, "m.cts")).toThrow(
      'm.cts: its default export is not an Implementation: "summary" must be a string',
    );
    expect(() => implementationFromModule({ default: { helper: 1 } }, "m.cjs")).toThrow("m.cjs: its default export is not an Implementation");
  });
});

describe("examples/python: a second implementation in another language", () => {
  it("is a faithful port: over stdio it gives exactly the reference's runs, steps and orderings", () => {
    const python = cellgate.stdioImplementation(EXAMPLE);
    try {
      const a = cellgate.check(python, { runs: 150, seed: 7 });
      // The example speaks version 1 (no dispatch): the same runs as the reference without tool calls.
      const b = cellgate.check({ ...cellgate.reference, dispatch: false }, { runs: 150, seed: 7 });
      expect(a.counterexample).toBeUndefined();
      expect(a.implementation).toBe("python-reference");
      expect({ ...a.stats }).toEqual({ ...b.stats });
    } finally {
      python.dispose();
    }
  });

  it("its broken variant is rejected with the minimal counterexample of bug-close-before-ready", () => {
    const python = cellgate.stdioImplementation(BROKEN);
    try {
      const a = cellgate.check(python, { runs: 500, seed: 1 }).counterexample;
      const b = cellgate.check(cellgate.bundled("bug-close-before-ready") as cellgate.Implementation, { runs: 500, seed: 1 }).counterexample;
      expect(a?.failure).toMatchObject({ verdict: "violation", violations: [{ invariant: "no-gate-leak" }] });
      expect(a?.commands).toHaveLength(4);
      expect(a?.labels).toEqual(b?.labels);
    } finally {
      python.dispose();
    }
  });
});

describe("the wire protocol as docs/protocol.md specifies it", () => {
  const doc = readFileSync("docs/protocol.md", "utf8");
  const wire = doc.slice(doc.indexOf("## Driving an implementation over stdio"));
  const schemas = wireSchemas(doc);
  const exchange = /### A complete exchange[\s\S]*?```text\n([\s\S]*?)```/.exec(wire)?.[1] ?? "";
  const sent = exchange.split("\n").filter((l) => l.startsWith("→ ")).map((l) => l.slice(2));
  const answered = exchange.split("\n").filter((l) => l.startsWith("← ")).map((l) => l.slice(2));
  // A version 1 session (the Python example speaks version 1): every line but the offering hello is version 1's.
  const requestSchema = (line: string) => wireSchemaOf(schemas, line, "request", 1);
  const answerSchema = (line: string) => wireSchemaOf(schemas, line, "answer", 1);

  it("has a schema for every request and answer kind, and they reject what the harness rejects", () => {
    for (const kind of ["hello", "reset", "step", "gate-table"]) expect(() => schemas.get(`urn:cellgate:wire:1:request-${kind}`)).not.toThrow();
    for (const kind of ["hello", "reset", "step", "gate-table", "error"]) expect(() => schemas.get(`urn:cellgate:wire:1:answer-${kind}`)).not.toThrow();
    for (const kind of ["hello", "step", "observers"]) expect(() => schemas.get(`urn:cellgate:wire:2:request-${kind}`)).not.toThrow();
    for (const kind of ["hello", "observers"]) expect(() => schemas.get(`urn:cellgate:wire:2:answer-${kind}`)).not.toThrow();
    const step = "urn:cellgate:wire:1:answer-step";
    expect(schemas.check({ id: 2, kind: "step", messages: [{ type: "created", cell: "c1" }] }, step)).toEqual([]);
    expect(schemas.check({ id: 2, kind: "step", msgs: [] }, step)).not.toEqual([]);
    expect(schemas.check({ id: 2, kind: "step", messages: [{ type: "cell_reopened", cell: "c1" }] }, step)).not.toEqual([]);
    expect(schemas.check({ id: 2, kind: "step", messages: [{ type: "observe_outcome", cell: "c1", req: 1, outcome: "later" }] }, step)).not.toEqual([]);
    expect(schemas.check({ id: 3, kind: "gate_table", entries: [{ cell: "c0", kind: "open" }] }, "urn:cellgate:wire:1:answer-gate-table")).not.toEqual([]);
  });

  it("the complete exchange is valid line by line, and is what the Python example (version 1) answers", () => {
    expect(sent.length).toBeGreaterThan(20);
    expect(sent).toHaveLength(answered.length);
    expect(JSON.parse(sent[0] ?? "")).toEqual({ id: 0, kind: "hello", protocol: 2 });
    expect(JSON.parse(answered[0] ?? "")).toMatchObject({ id: 0, kind: "hello", protocol: 1 });
    for (const line of sent) expect(schemas.check(JSON.parse(line), requestSchema(line)), line).toEqual([]);
    for (const line of answered) expect(schemas.check(JSON.parse(line), answerSchema(line)), line).toEqual([]);
    const out = spawnSync(PYTHON, ["examples/python/cellgate_impl.py"], { input: sent.join("\n") + "\n", encoding: "utf8" });
    expect(out.status).toBe(0);
    expect(out.stdout.trimEnd().split("\n")).toEqual(answered);
  });

  it("every line of a real check, both ways, is valid against the schemas", () => {
    const requests = join(scratch, "requests.ndjson");
    const answers = join(scratch, "answers.ndjson");
    // A shell pipeline as the command line: record.py writes each line to its file before passing
    // it on (tee passes it on first, so a group stopped right after an answer could lose its record).
    const record = `${PYTHON} test/fixtures/stdio/record.py`;
    const impl = cellgate.stdioImplementation(`${record} ${requests} | ${EXAMPLE} | ${record} ${answers}`);
    try {
      expect(cellgate.check(impl, { runs: 40, seed: 3 }).counterexample).toBeUndefined();
    } finally {
      impl.dispose();
    }
    const lines = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n");
    const [sentLines, answerLines] = [lines(requests), lines(answers)];
    expect(sentLines.length).toBeGreaterThan(1000);
    expect(answerLines).toHaveLength(sentLines.length);
    const bad = [
      ...sentLines.flatMap((l) => schemas.check(JSON.parse(l), requestSchema(l)).map((e) => `${l}: ${e}`)),
      ...answerLines.flatMap((l) => schemas.check(JSON.parse(l), answerSchema(l)).map((e) => `${l}: ${e}`)),
    ];
    expect(bad.slice(0, 5)).toEqual([]);
  });
});

describe("CI reports (--report json|junit|md:FILE)", () => {
  async function reports(...implArgs: string[]) {
    const json = join(scratch, "r.json");
    const junit = join(scratch, "r.xml");
    const md = join(scratch, "r.md");
    const r = await cli("check", ...implArgs, "--runs", "300", "--out", join(scratch, "repro"), "--report", `json:${json}`, "--report", `junit:${junit}`, "--report", `md:${md}`);
    return { code: r.code, json: JSON.parse(readFileSync(json, "utf8")) as Record<string, unknown>, junit: readFileSync(junit, "utf8"), md: readFileSync(md, "utf8") };
  }

  it("a violation: the JSON keeps its fields, JUnit fails one case with the verdict as type, Markdown has the counterexample and its diagram", async () => {
    const r = await reports("--impl", "bug-close-before-ready");
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({
      verdict: "violation",
      implementation: "bug-close-before-ready",
      seed: 1,
      runs: expect.any(Number),
      steps: expect.any(Number),
      durationMs: expect.any(Number),
      counterexample: { length: 4, commands: ["create c1", "deliver core→host create_cell(c1)", "yield c1", "complete c1"], invariant: "no-gate-leak", replayPath: expect.any(String) },
    });
    expect(r.junit).toContain('<testsuites name="cellgate" tests="1" failures="1" errors="0"');
    expect(r.junit).toMatch(/<failure type="violation" message="violated no-gate-leak: [^"]*">violation after \d+ runs\nshrunk counterexample \(4 commands\):\n  1\. create c1/);
    expect(r.junit.match(/<testcase /g)).toHaveLength(1);
    expect(r.md).toContain("## cellgate check: `bug-close-before-ready` does not conform (violation)");
    expect(r.md).toContain("| verdict | **violation** |");
    expect(r.md).toContain("**violated `no-gate-leak`** at step 12");
    expect(r.md).toMatch(/```mermaid\nsequenceDiagram\n[\s\S]*✗ step 12 violates no-gate-leak[\s\S]*```/);
    expect(r.md).toContain(`npx cellgate replay ${join(scratch, "repro", "bug-close-before-ready-1")}/repro.json`);
  });

  it("a pass: verdict conforms, no failure, and the same seed gives the same JSON (but for the time)", async () => {
    const a = await reports("--impl", "reference");
    const b = await reports("--impl", "reference");
    expect(a.code).toBe(0);
    expect(a.json).toMatchObject({ verdict: "conforms", runs: 300, counterexample: null, stderr: null });
    expect(a.junit).toContain('failures="0"');
    expect(a.junit).not.toContain("<failure");
    expect(a.md).toContain("## cellgate check: `reference` conforms");
    expect({ ...a.json, durationMs: 0 }).toEqual({ ...b.json, durationMs: 0 });
  });
});

// The generated repro.test.ts of a stdio repro starts the recorded command line itself.
describe("a repro of an implementation over stdio", () => {
  it("names the command line, and its generated regression test starts it", async () => {
    const r = await cli("check", "--impl-cmd", BROKEN, "--runs", "500", "--out", join(scratch, "py-broken"));
    expect(r.code).toBe(1);
    // Over stdio there is no snapshot: the length is proven by the search with states keyed by each party's inputs.
    expect(r.stdout).toMatch(/shrunk counterexample \(4 commands\):/);
    expect(r.stdout).toMatch(/^minimal: proven, no run of fewer commands fails this way \(breadth-first over states keyed by each party's inputs, at most 1 cell, \d+ transitions\)$/m);
    const dir = /^repro written to (.*)\/ \(/m.exec(r.stdout)?.[1] ?? "";
    const repro = JSON.parse(readFileSync(join(dir, "repro.json"), "utf8")) as { source: unknown };
    expect(repro.source).toEqual({ kind: "command", command: BROKEN });
    const test = readFileSync(join(dir, "repro.test.ts"), "utf8");
    expect(test).toContain(`stdioImplementation(process.env.CELLGATE_IMPL_CMD ?? ${JSON.stringify(BROKEN)})`);
    expect(test).toContain("afterAll(() => impl.dispose());");
  });
});

