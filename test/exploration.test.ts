import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Implementation } from "../protocol/index.ts";
import { bundled, BUNDLED, reference, VARIANTS } from "../reference/index.ts";
import {
  abstractKey,
  check,
  commandsArbitrary,
  commandsFromScript,
  COMMAND_KINDS,
  conformanceProperty,
  distinctMoves,
  emptyCoverage,
  exhaustive,
  formatCommandList,
  formatFailure,
  HarnessRun,
  INVARIANT_NAMES,
  judgeCoverage,
  mergeReports,
  ORDERINGS,
  parseRequirement,
  possibleLabels,
  replay,
  reportFromJson,
  reportToJson,
  Scheduler,
  seedPlan,
  strategyArbitrary,
  SWARM_KINDS,
  weightsFor,
  type Box,
  type Command,
  type ExploreReport,
  type ExploreSettings,
} from "../properties/index.ts";
import { runExploration } from "../cli/explore-runner.ts";
import { cli } from "./support/cli.ts";
import { BRUTE_FORCE, MINIMUM } from "./support/minimum.ts";
import { named } from "./support/play.ts";
import { removeScratch } from "./support/scratch.ts";

const scratch = mkdtempSync(join(tmpdir(), "cellgate-explore-test-"));
afterAll(() => removeScratch(scratch));

const impl = named;

/** The reference without snapshot/restore: a black box the search must replay. */
const blackBox: Implementation = {
  name: "reference-black-box",
  summary: "the reference, without snapshot/restore",
  start() {
    const { host, core, gateTable } = reference.start();
    return { host, core, gateTable };
  },
};


describe("exhaustive search", () => {
  it("exhausts the reference's reachable states with 1 cell and 1 request, with no violation", () => {
    const r = exhaustive(reference, { cells: 1, requests: 1, depth: 40 });
    expect(r.counterexample).toBeUndefined();
    expect(r.exhausted).toBe(true);
    // 1,328 before in-flight dispatch decisions were part of the key (properties/search/abstract-state.ts).
    expect({ states: r.states, depth: r.depth }).toEqual({ states: 1418, depth: 17 });
    expect(r.levels.at(-1)?.states).toBe(0);
  });

  it("says when it stops at the depth bound instead of exhausting", () => {
    const r = exhaustive(reference, { cells: 2, depth: 6 });
    expect(r).toMatchObject({ exhausted: false, stoppedByTime: false, depth: 6, counterexample: undefined });
  });

  it("stops at the time limit with the levels it completed", () => {
    const r = exhaustive(reference, { cells: 3, depth: 40, timeLimitMs: 1 });
    expect(r.stoppedByTime).toBe(true);
    expect(r.exhausted).toBe(false);
  });

  it("lists a minimum for every bundled variant", () => {
    expect(Object.keys(MINIMUM).sort()).toEqual(VARIANTS.map((v) => v.name).sort());
  });

  // With 2 cells and exact (snapshot) dedupe, no request bound: a second cell gives no shorter one.
  it.each(VARIANTS.map((v) => [v.name, v] as const))("finds %s at its minimal depth, as a replayable counterexample", (name, variant) => {
    const r = exhaustive(variant, { cells: 2, depth: 14, requests: Infinity });
    const ce = r.counterexample;
    expect(ce?.depth).toBe(MINIMUM[name]);
    expect(ce?.failure.verdict).toBe("violation");
    expect(replay(variant, ce?.commands ?? [], { cells: 2 }).failure).toEqual(ce?.failure);
  });

  // The settings minimum.ts documents: no dedupe, no request bound (1 cell).
  it.each(BRUTE_FORCE.map((name) => [name] as const))("agrees with brute force (no dedupe, no request bound) on the minimum of %s", (name) => {
    const exact = exhaustive(impl(name), { cells: 1, depth: 14, dedupe: "off", requests: Infinity });
    expect(exact.counterexample?.depth).toBe(MINIMUM[name]);
  });

  it("a request bound can hide a counterexample: the default bound of 2 misses bug-busy-displaces-observer", () => {
    // bug-busy-displaces-observer needs three observations of one cell: the initial one, whose
    // reply gives the turn the id, and two overlapping waits.
    const bounded = exhaustive(impl("bug-busy-displaces-observer"), { cells: 1, depth: 14, requests: 2 });
    expect(bounded).toMatchObject({ counterexample: undefined, depth: 14, requests: 2 });
    expect(exhaustive(impl("bug-busy-displaces-observer"), { cells: 1, depth: 14, requests: 3 }).counterexample?.depth).toBe(MINIMUM["bug-busy-displaces-observer"]);
  });

  it("replays prefixes for an implementation without snapshot, with the same result as restoring", () => {
    const v = impl("bug-close-before-rejected-delivery");
    const wrapped: Implementation = { ...blackBox, start: () => ({ ...v.start(), snapshot: undefined, restore: undefined }) };
    const viaReplay = exhaustive(wrapped, { cells: 1, depth: 12, requests: 3, dedupe: "table" });
    const viaRestore = exhaustive(v, { cells: 1, depth: 12, requests: 3, dedupe: "table" });
    expect(viaRestore.counterexample?.depth).toBe(MINIMUM["bug-close-before-rejected-delivery"]);
    expect(viaReplay.branching).toBe("replay");
    expect(viaReplay.dedupe).toBe("table");
    expect(viaRestore.branching).toBe("restore");
    expect({ ...viaReplay, durationMs: 0, levels: [], branching: "", implementation: "" }).toMatchObject({
      ...viaRestore,
      durationMs: 0,
      levels: [],
      branching: "",
      implementation: "",
      counterexample: { labels: viaRestore.counterexample?.labels },
    });
  });

  it("deduplicating on the gate table alone merges states the implementation tells apart", () => {
    const exact = exhaustive(reference, { cells: 1, requests: 1, depth: 40 });
    const table = exhaustive(reference, { cells: 1, requests: 1, depth: 40, dedupe: "table" });
    // e.g. a preserved initial yield is Host state that neither the model nor the table shows
    expect(table.states).toBeLessThan(exact.states);
  });
});

describe("abstract states", () => {
  const admitted = ["create c1", "deliver core→host create_cell(c1)", "deliver host→core created(c1)", "ready c1"];
  const cycle = (req: number) => [`observe c1 (#${req})`, `deliver core→host observe(c1, #${req})`, "yield c1", `deliver host→core observe_outcome(c1, #${req}, yielded)`];
  const runOf = (labels: string[]): HarnessRun => {
    const run = new HarnessRun(reference, { cells: 1 });
    for (const c of commandsFromScript(reference, labels, 1)) run.apply(c);
    return run;
  };

  it("are equal when runs differ only in request numbering and in requests already read", () => {
    const a = runOf([...admitted, ...cycle(1), "observe c1 (#2)"]);
    const b = runOf([...admitted, ...cycle(1), ...cycle(2), ...cycle(3), "observe c1 (#4)"]);
    expect(abstractKey(a, { view: "snapshot" })).toBe(abstractKey(b, { view: "snapshot" }));
    expect(abstractKey(a, { view: "snapshot", issued: true })).not.toBe(abstractKey(b, { view: "snapshot", issued: true }));
  });

  it("differ when only the implementation's state differs (a preserved initial yield)", () => {
    const a = runOf(admitted);
    const b = runOf([...admitted, "yield c1"]);
    expect(abstractKey(a, { view: "table" })).toBe(abstractKey(b, { view: "table" }));
    expect(abstractKey(a, { view: "snapshot" })).not.toBe(abstractKey(b, { view: "snapshot" }));
  });

  it("distinct moves are the possible steps, each once", () => {
    const run = runOf([...admitted, "create c1"].slice(0, 3));
    const labels = distinctMoves(run).map((m) => m.label);
    expect(new Set(labels).size).toBe(labels.length);
    expect([...labels].sort()).toEqual([...possibleLabels(run)].sort());
  });
});

describe("snapshot and restore of the bundled implementations", () => {
  it("a restored instance answers every later input exactly as the original", () => {
    for (const subject of BUNDLED) {
      fc.assert(
        fc.property(commandsArbitrary({ maxCommands: 40 }), fc.nat({ max: 40 }), (cmds, cut) => {
          const commands = [...cmds].map((c) => (c as unknown as { cmd: { data: Command } }).cmd.data);
          const original = replay(subject, commands, { cells: 2 });
          const run = new HarnessRun(subject, { cells: 2, record: true });
          const head = commands.slice(0, cut);
          for (const c of head) run.apply(c);
          const saved = run.save();
          if (saved === undefined) return run.failure !== undefined;
          const copy = HarnessRun.restore(subject, saved, { cells: 2, record: true });
          for (const c of commands.slice(cut)) copy.apply(c);
          copy.drain();
          const tail = original.trace.filter((s) => s.step > saved.steps);
          expect(copy.trace?.map((s) => [s.label, s.emitted, s.table])).toEqual(tail.map((s) => [s.label, s.emitted, s.table]));
          expect(copy.failure).toEqual(original.failure);
          return true;
        }),
        { numRuns: 40, seed: 17 },
      );
    }
  });
});

describe("strategies", () => {
  it("uniform is what check always generated: fast-check's plain command stream, the same failing case for the same seed", () => {
    const v = impl("bug-close-before-rejected-delivery");
    const plain = fc.check(fc.property(commandsArbitrary({ weights: weightsFor(v) }), conformanceProperty(v, 3)), { numRuns: 500, seed: 3 });
    const uniform = check(v, { runs: 500, seed: 3, strategy: "uniform", minimize: false });
    expect(plain.failed).toBe(true);
    expect(uniform.counterexample?.path).toBe(plain.counterexamplePath);
    expect(uniform.stats.runs).toBe(plain.numRuns);
  });

  it("swarm never runs a disabled kind, and never disables create or deliver", () => {
    expect(SWARM_KINDS).not.toContain("deliver");
    expect(SWARM_KINDS).not.toContain("create");
    fc.assert(
      fc.property(strategyArbitrary("swarm", { cells: 2, maxCommands: 40 }), commandsArbitrary({ maxCommands: 40 }), (params, cmds) => {
        const run = new HarnessRun(reference, { cells: 2 });
        const box: Box = { run, scheduler: new Scheduler(params) };
        fc.modelRun(() => ({ model: box, real: box }), cmds);
        if (params.strategy !== "swarm") return false;
        return params.disabled.every((k) => run.executed[k] === 0);
      }),
      { numRuns: 100, seed: 4 },
    );
  });

  it("pct delivers the non-empty channel of highest priority, and lowers it at a change point", () => {
    const run = new HarnessRun(reference, { cells: 2 });
    for (const c of commandsFromScript(reference, ["create c1", "create c2", "deliver core→host create_cell(c1)"], 2)) run.apply(c);
    // in flight: core→host create_cell(c2), host→core created(c1); channel order: core→host, host→core, host⇢core, host:c1, host:c2, core:self
    const scheduler = new Scheduler({ strategy: "pct", priorities: [1, 5, 0, 0, 0, 0], changePoints: [0] });
    const first = scheduler.effective(run, { kind: "deliver", index: 0 });
    expect(run.resolve(first)?.label).toBe("deliver host→core created(c1)");
    run.apply(first);
    // host→core was lowered below everything at change point 0, and is empty anyway: core→host next
    expect(run.resolve(scheduler.effective(run, { kind: "deliver", index: 1 }))?.label).toBe("deliver core→host create_cell(c2)");
  });

  it.each(["swarm", "pct"] as const)("%s catches a review bug, and its counterexample replays as plain commands", (strategy) => {
    const v = impl("bug-close-before-rejected-delivery");
    const ce = check(v, { runs: 5000, seed: 1, strategy }).counterexample;
    expect(ce?.failure).toMatchObject({ verdict: "violation" });
    expect(ce?.strategy.strategy).toBe(strategy);
    expect(replay(v, ce?.commands ?? []).failure).toEqual(ce?.failure);
  });
});

const SETTINGS: ExploreSettings = { implementation: "reference", cells: 3, maxCommands: 60, strategy: "uniform", pctDepth: 3, batch: 50, seed: 1 };
const noDuration = (r: ExploreReport) => ({ ...(reportToJson(r) as object), durationMs: 0 });

describe("explore: coverage, shards, workers, merge", () => {
  const explore = (opts: { shard?: { index: number; count: number }; runs?: number; settings?: ExploreSettings }) =>
    runExploration(reference, {
      settings: opts.settings ?? SETTINGS,
      implSpec: { impl: "reference" },
      runs: opts.runs ?? 600,
      timeMs: undefined,
      shard: opts.shard ?? { index: 1, count: 1 },
      workers: 1,
    });

  it("counts every command kind, every invariant, every ordering and the distinct states", async () => {
    const c = (await explore({ runs: 1000 })).coverage;
    for (const k of COMMAND_KINDS) expect(c.executed[k], k).toBeGreaterThan(0);
    for (const k of INVARIANT_NAMES) expect(c.invariantChecks[k], k).toBeGreaterThan(0);
    for (const o of ORDERINGS) expect(c.orderings[o], o).toBeGreaterThan(0);
    expect(c.states.size).toBeGreaterThan(1000);
    expect(c.runs).toBe(1000);
  });

  it("counts an invariant only when it has something to judge", () => {
    // a run that never sends cell_closed before a terminal outcome gives outcome-before-close nothing to judge
    const r = replay(reference, commandsFromScript(reference, ["create c1"], 1), { cells: 1, drain: false });
    expect(r.run.invariantChecks["outcome-before-close"]).toBe(0);
    expect(r.run.invariantChecks["core-forwards-requests"]).toBe(2);
  });

  it("plans disjoint seed slices whose union is the whole exploration", () => {
    const all = [...seedPlan(SETTINGS, 520)];
    const shards = [1, 2, 3].flatMap((index) => [...seedPlan(SETTINGS, 520, { index, count: 3 })]);
    expect(shards.sort((a, b) => a.seed - b.seed)).toEqual(all);
    expect(all.at(-1)).toEqual({ seed: 11, runs: 20 });
  });

  it("merged shards equal one process over the same seeds", async () => {
    const one = await explore({});
    const parts = await Promise.all([1, 2, 3].map((index) => explore({ shard: { index, count: 3 } })));
    const merged = mergeReports(parts);
    expect(merged.ok).toBe(true);
    if (merged.ok) expect(noDuration(merged.value)).toEqual(noDuration(one));
  });

  it("explores by time: stops once the time is up, with whole seeds", async () => {
    const r = await runExploration(reference, { settings: SETTINGS, implSpec: { impl: "reference" }, runs: undefined, timeMs: 300, shard: { index: 1, count: 1 }, workers: 1 });
    expect(r.seeds.length).toBeGreaterThan(0);
    expect(r.coverage.runs).toBe(r.seeds.length * SETTINGS.batch);
    expect(r.seeds.map((t) => t.seed)).toEqual(r.seeds.map((_, i) => SETTINGS.seed + i));
  });

  it("a JSON report reads back to the same report", async () => {
    const r = await explore({ runs: 200 });
    const back = reportFromJson(JSON.parse(JSON.stringify(reportToJson(r))));
    expect(back.ok && noDuration(back.value)).toEqual(noDuration(r));
  });

  it("slow steps read back from a JSON report, and a malformed or stray one is refused", async () => {
    const r = await explore({ runs: 200 });
    const slow = { seed: SETTINGS.seed, step: 3, missed: "no answer within 300 ms", slowest: "reset", ms: 4, limitMs: 300, retryMs: 3000 };
    const json = reportToJson({ ...r, slow: [slow] }) as Record<string, unknown>;
    expect(json.slow).toEqual([{ seed: SETTINGS.seed, step: 3, missed: "no answer within 300 ms", slowest: "reset", ms: 4, stepTimeoutMs: 300, retryMs: 3000 }]);
    const back = reportFromJson(JSON.parse(JSON.stringify(json)));
    expect(back.ok && back.value.slow).toEqual([slow]);
    expect(reportFromJson({ ...json, slow: [{ seed: SETTINGS.seed, step: "3" }] })).toMatchObject({ ok: false, error: '"slow[0]" is malformed' });
    expect(reportFromJson({ ...json, slow: [{ ...(json.slow as object[])[0], seed: 99_999 }] })).toMatchObject({ ok: false, error: expect.stringContaining("slow step of seed 99999, a seed the report did not run") });
    // A report written before slow steps were carried has none.
    const { slow: _, ...old } = json;
    expect(reportFromJson(old)).toMatchObject({ ok: true, value: { slow: [] } });
  });

  it("refuses to merge overlapping seeds or other settings", async () => {
    const a = await explore({ runs: 100 });
    expect(mergeReports([a, a])).toMatchObject({ ok: false, error: expect.stringContaining("seed 1 is in more than one report") });
    const b = await explore({ runs: 100, settings: { ...SETTINGS, seed: 100, cells: 2 } });
    expect(mergeReports([a, b])).toMatchObject({ ok: false, error: expect.stringContaining("other settings") });
  });

  it("judges coverage requirements, and rejects unknown names", () => {
    const c = emptyCoverage();
    c.orderings["close-before-ready"] = 5;
    const p = parseRequirement("close-before-ready=6");
    expect(p.ok).toBe(true);
    if (p.ok) expect(judgeCoverage(c, [p.value])).toEqual([{ name: "close-before-ready", min: 6, actual: 5, ok: false }]);
    expect(parseRequirement("close-before-ready=abc").ok).toBe(false);
    expect(parseRequirement("no-such-ordering=1").ok).toBe(false);
  });
});

describe("the explore, exhaustive and merge commands", () => {
  it("explore passes the reference with its coverage met, and its gate fires when coverage is short", async () => {
    const ok = await cli("explore", "--runs", "300", "--progress-every", "0", "--min-coverage", "close-before-ready=1");
    expect(ok.code).toBe(0);
    const again = await cli("explore", "--runs", "300", "--progress-every", "0", "--min-coverage", "close-before-ready=1");
    const untimed = (text: string) => text.replace(/^time: .*$/m, "");
    expect(untimed(again.stdout)).toBe(untimed(ok.stdout));
    expect(ok.stdout).toContain("rare orderings hit (times / runs):");
    expect(ok.stdout).toMatch(/coverage close-before-ready >= 1: ok/);
    const short = await cli("explore", "--runs", "300", "--progress-every", "0", "--min-coverage", "terminate-between-commit-and-deliver=1000000");
    expect(short.code).toBe(1);
    expect(short.stdout).toMatch(/coverage terminate-between-commit-and-deliver >= 1000000: FAILED, only \d+/);
    expect(short.stdout).toMatch(/verdict: does not pass: coverage below the minimum/);
  });

  it("explore reports a variant's counterexamples as check prints them, and exits 1", async () => {
    const r = await cli("explore", "--impl", "bug-lost-buffered-completion", "--runs", "200", "--batch", "100", "--progress-every", "0", "--out", join(scratch, "ex"));
    expect(r.code).toBe(1);
    const checked = check(impl("bug-lost-buffered-completion"), { runs: 100, seed: 1 }).counterexample;
    if (checked === undefined) throw new Error("check found nothing");
    const printed = [...formatCommandList(checked.labels, checked.replay.trace, checked.failure), ...formatFailure(checked.failure)];
    expect(checked.commands).toHaveLength(MINIMUM["bug-lost-buffered-completion"] ?? -1);
    expect(r.stdout).toContain([`counterexample 1: seed 1 (also seeds 2), ${MINIMUM["bug-lost-buffered-completion"]} commands:`, ...printed].join("\n"));
    expect(readFileSync(join(scratch, "ex", "bug-lost-buffered-completion-1", "repro.json"), "utf8")).toContain('"seed": 1');
    expect(r.stdout).toMatch(/verdict: does not pass: 2 of 2 seeds found a failing run/);
  });

  it("explore and merge refuse bad input with one line and exit 2", async () => {
    for (const args of [
      ["explore", "--min-coverage", "close-before-ready"],
      ["explore", "--min-coverage", "nothing=3"],
      ["explore", "--shard", "4/3"],
      ["explore", "--strategy", "random"],
      ["merge"],
      ["merge", join(scratch, "missing.json")],
      ["exhaustive", "--dedupe", "maybe"],
    ]) {
      const r = await cli(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.split("\n")).toHaveLength(1);
    }
    const truncated = join(scratch, "truncated.json");
    writeFileSync(truncated, '{"format": "cellgate-explore-report", "vers');
    expect((await cli("merge", truncated)).stderr).toMatch(/not valid JSON/);
  });

  it("exhaustive prints the shortest counterexample like check and writes a repro", async () => {
    const out = join(scratch, "exh");
    const r = await cli("exhaustive", "--impl", "bug-lost-buffered-completion", "--cells", "1", "--out", out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`verdict: violation; shortest counterexample (${MINIMUM["bug-lost-buffered-completion"]} commands`);
    expect(r.stdout).toContain(["  1. create c1", "  2. deliver core→host create_cell(c1)", "  3. yield c1", "     then the end-of-run drain:"].join("\n"));
    expect(JSON.parse(readFileSync(join(out, "bug-lost-buffered-completion-exhaustive", "repro.json"), "utf8")).commands).toHaveLength(MINIMUM["bug-lost-buffered-completion"] ?? -1);
    const ok = await cli("exhaustive", "--cells", "1", "--requests", "1", "--depth", "40");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/exhausted: every state reachable with 1 cell and at most 1 observe\/terminate\/tool requests per cell was visited/);
  });

  it("shards merged by `cellgate merge` equal one run, and workers work from the installed bin", async () => {
    const base = ["explore", "--runs", "400", "--batch", "50", "--progress-every", "0"];
    const file = (f: string) => join(scratch, f);
    await cli(...base, "--report", `json:${file("one.json")}`);
    await cli(...base, "--shard", "1/2", "--report", `json:${file("s1.json")}`);
    await cli(...base, "--shard", "2/2", "--report", `json:${file("s2.json")}`);
    const merged = await cli("merge", file("s1.json"), file("s2.json"), "--report", `json:${file("merged.json")}`, "--report", `md:${file("merged.md")}`);
    expect(merged.stdout).toMatch(/verdict: conforms/);
    // workers need the tsx loader in each thread: run them through the real bin, as `npx cellgate` does
    const bin = join(import.meta.dirname, "..", "cli", "bin.mjs");
    execFileSync(process.execPath, [bin, ...base, "--workers", "2", "--report", `json:${file("workers.json")}`], { stdio: "ignore" });
    // The same exploration, whoever ran it: only how it was asked for (command, plan) and the time differ.
    const read = (f: string) => ({ ...JSON.parse(readFileSync(file(f), "utf8")), command: "", settings: {}, reproduce: "", durationMs: 0 });
    expect(read("merged.json")).toEqual(read("one.json"));
    expect(read("workers.json")).toEqual(read("one.json"));
    expect(readFileSync(file("merged.md"), "utf8")).toContain("| `close-before-ready` |");
  });
});
