/**
 * Reports: one JSON envelope for every command (format, version, command, verdict, every setting
 * needed to reproduce), every format on every command, `-` for stdout, `inconclusive` when nothing
 * was checked, JUnit identity that does not carry the seed, the failing step marked whatever the
 * verdict, and implementation-supplied text escaped everywhere.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check, commandsText, formatCommandList, jsonReport, verdictOf } from "../properties/index.ts";
import { printable } from "../properties/report/escape.ts";
import tsCrash from "./fixtures/ts/crash.ts";
import { cli } from "./support/cli.ts";
import { PYTHON } from "./support/processes.ts";
import { makeScratch, removeScratch } from "./support/scratch.ts";

const scratch = makeScratch("cellgate-reports-");
afterAll(() => removeScratch(scratch));
const BUG = "bug-close-before-ready";
const file = (name: string) => join(scratch, name);
const json = (name: string) => JSON.parse(readFileSync(file(name), "utf8")) as Record<string, unknown>;

describe("one envelope for every JSON report", () => {
  it("check, explore, exhaustive, replay and merge all say format, version, command, verdict, settings and how to reproduce", async () => {
    await cli("check", "--impl", BUG, "--runs", "100", "--strategy", "swarm", "--out", file("r"), "--report", `json:${file("check.json")}`);
    await cli("explore", "--runs", "200", "--progress-every", "0", "--report", `json:${file("explore.json")}`);
    await cli("exhaustive", "--impl", BUG, "--cells", "1", "--out", file("r"), "--report", `json:${file("exhaustive.json")}`);
    await cli("replay", file(`r/${BUG}-1`), "--impl", "reference", "--report", `json:${file("replay.json")}`);
    await cli("merge", file("explore.json"), "--report", `json:${file("merge.json")}`);
    const expected: Record<string, [string, number]> = { check: ["violation", 1], explore: ["conforms", 0], exhaustive: ["violation", 1], replay: ["fixed", 0], merge: ["conforms", 0] };
    for (const [command, [verdict, exitCode]] of Object.entries(expected)) {
      const r = json(`${command}.json`);
      expect(r, command).toMatchObject({ format: "cellgate-report", version: 2, command, verdict, exitCode, protocol: expect.any(Number) });
      expect(typeof r.reproduce).toBe("string");
    }
    expect(json("check.json").settings).toEqual({ impl: BUG, seed: 1, runs: 100, cells: 3, "max-commands": 100, strategy: "swarm", "pct-depth": 3, time: null });
    expect(json("check.json").reproduce).toBe(`cellgate check --impl ${BUG} --seed 1 --runs 100 --cells 3 --max-commands 100 --strategy swarm --pct-depth 3`);
    expect(json("explore.json").settings).toMatchObject({ impl: "reference", runs: 200, seed: 1, batch: 100, cells: 3, "max-commands": 100, strategy: "uniform", "pct-depth": 3 });
    expect(json("exhaustive.json").settings).toMatchObject({ impl: BUG, cells: 1, depth: 12, requests: 3 });
  });

  it("the library says the verdict too: CheckResult.verdict, verdictOf, and the JSON of a result", () => {
    const r = check(tsCrash, { runs: 20, seed: 1, maxCommands: 5 });
    expect(r.verdict).toBe("crash");
    expect(verdictOf(r)).toBe("crash");
    expect(jsonReport(r)).toMatchObject({ format: "cellgate-report", command: "check", verdict: "crash", settings: { "max-commands": 5, strategy: "uniform" } });
  });
});

describe("every format on every command", () => {
  it.each([
    ["check", ["--runs", "20"]],
    ["explore", ["--runs", "100", "--progress-every", "0"]],
    ["exhaustive", ["--cells", "1", "--requests", "1", "--depth", "3"]],
  ])("%s writes json, junit and md", async (command, args) => {
    const r = await cli(command, ...args, "--report", `json:${file(`${command}-all.json`)}`, "--report", `junit:${file(`${command}-all.xml`)}`, "--report", `md:${file(`${command}-all.md`)}`);
    expect(r.code).toBe(0);
    expect(json(`${command}-all.json`).verdict).toBe("conforms");
    expect(readFileSync(file(`${command}-all.xml`), "utf8")).toMatch(new RegExp(`<testsuite name="cellgate ${command}" tests="1" failures="0" errors="0" skipped="0" time="[\\d.]+" timestamp="\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ" hostname="[^"]+">`));
    expect(readFileSync(file(`${command}-all.md`), "utf8")).toMatch(new RegExp(`^## cellgate ${command}: \`reference\` conforms$`, "m"));
  });

  it("replay writes them too, and --report json:- is the report alone on stdout", async () => {
    await cli("check", "--impl", BUG, "--runs", "100", "--out", file("rr"));
    const r = await cli("replay", file(`rr/${BUG}-1`), "--report", "json:-", "--report", `junit:${file("replay.xml")}`, "--report", `md:${file("replay.md")}`);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ command: "replay", verdict: "violation" });
    expect(r.stderr).toContain("still fails: the same no-gate-leak");
    expect(readFileSync(file("replay.xml"), "utf8")).toContain('<failure type="violation"');
    expect(readFileSync(file("replay.md"), "utf8")).toMatch(/^## cellgate replay: `bug-close-before-ready` does not conform \(violation\)$/m);
  });

  it("JUnit names the test by what it judges, never by the seed", async () => {
    await cli("check", "--runs", "10", "--seed", "1", "--report", `junit:${file("seed1.xml")}`);
    await cli("check", "--runs", "10", "--seed", "2", "--report", `junit:${file("seed2.xml")}`);
    const name = (f: string) => /<testcase classname="([^"]+)" name="([^"]+)"/.exec(readFileSync(file(f), "utf8"))?.slice(1);
    expect(name("seed1.xml")).toEqual(["cellgate.conformance", "reference conforms to the cellgate protocol (3 cells)"]);
    expect(name("seed2.xml")).toEqual(name("seed1.xml"));
  });
});

describe("an exploration's verdict", () => {
  it("is coverage-short when a coverage requirement is not met, and conforms when it is", async () => {
    const short = await cli("explore", "--runs", "100", "--progress-every", "0", "--min-coverage", "terminate-between-commit-and-deliver=1000000", "--report", `json:${file("short.json")}`, "--report", `junit:${file("short.xml")}`);
    expect(short.code).toBe(1);
    expect(json("short.json")).toMatchObject({ verdict: "coverage-short", exitCode: 1, settings: { "min-coverage": "terminate-between-commit-and-deliver=1000000" } });
    expect(readFileSync(file("short.xml"), "utf8")).toContain('<failure type="coverage-short" message="coverage below the minimum">');
    const met = await cli("explore", "--runs", "100", "--progress-every", "0", "--min-coverage", "close-before-ready=1", "--report", `json:${file("met.json")}`);
    expect(met.code).toBe(0);
    expect(json("met.json")).toMatchObject({ verdict: "conforms", exitCode: 0 });
  });
});

describe("a check that checked nothing", () => {
  it("is inconclusive in the output, every report and the exit code (2)", async () => {
    // Every step of this fixture takes 50 ms, so no run can be done within 1 ms, however idle the machine.
    const slow = `${PYTHON} -S test/fixtures/stdio/misbehave.py slow`;
    const r = await cli("check", "--impl-cmd", slow, "--time", "0.001", "--report", `json:${file("none.json")}`, "--report", `junit:${file("none.xml")}`, "--report", `md:${file("none.md")}`);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^verdict: inconclusive: 0 of 10000 runs \(the 0\.001 s time limit ran out\); nothing was checked/m);
    expect(json("none.json")).toMatchObject({ verdict: "inconclusive", exitCode: 2, runs: 0 });
    const xml = readFileSync(file("none.xml"), "utf8");
    expect(xml).toContain('failures="0" errors="1"');
    expect(xml).toContain('<error type="inconclusive"');
    expect(readFileSync(file("none.md"), "utf8")).toContain("inconclusive (nothing was checked)");
  });
});

describe("printed counterexamples", () => {
  it("say 1 command, and mark the failing step of a crash (not only of a drain)", async () => {
    expect([commandsText(1), commandsText(4)]).toEqual(["1 command", "4 commands"]);
    const r = check(tsCrash, { runs: 20, seed: 1 });
    const ce = r.counterexample;
    if (ce === undefined) throw new Error("the crash fixture did not crash");
    const lines = formatCommandList(ce.labels, ce.replay.trace, ce.failure);
    const marked = lines.filter((l) => l.endsWith("<-- fails here"));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatch(new RegExp(`^ *${ce.failure.step}\\. `));
  });
});

describe("text an implementation supplies is escaped in every output", () => {
  it("a name with a newline forges no verdict line and breaks no Markdown or XML", async () => {
    const impl = "./test/fixtures/ts/forged-name.ts";
    const r = await cli("check", "--impl", impl, "--runs", "100", "--out", file("forged"), "--report", `md:${file("forged.md")}`, "--report", `junit:${file("forged.xml")}`, "--report", `json:${file("forged.json")}`);
    expect(r.code).toBe(1);
    const verdictLines = r.stdout.split("\n").filter((l) => l.startsWith("verdict:"));
    expect(verdictLines).toHaveLength(1);
    expect(verdictLines[0]).toMatch(/^verdict: violation/);
    expect(r.stdout).not.toContain("\u001b");
    expect(r.stdout).toContain("evil\\u{a}verdict: conforms");
    const md = readFileSync(file("forged.md"), "utf8");
    expect(md.split("\n")[0]).toBe("## cellgate check: `evil\\u{a}verdict: conforms 'x' \\| \\u{1b}[2J` does not conform (violation)");
    expect(md).not.toMatch(/^verdict: conforms/m);
    expect(readFileSync(file("forged.xml"), "utf8")).not.toContain("\u001b");
    expect(json("forged.json").implementation).toBe("evil\nverdict: conforms `x` | \u001b[2J");
    expect(printable("a\u2028b\u202ec")).toBe("a\\u{2028}b\\u{202e}c");
  });
});
