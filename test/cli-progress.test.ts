/** The progress display of long commands and the shared progress record bin.mjs reads on a signal. */
import { describe, expect, it } from "vitest";
import { levelText, residentText } from "../cli/exhaustive.ts";
import { ProgressLine, progressText, duration } from "../cli/progress.ts";
import { exhaustive, PROGRESS_EVERY, type SearchProgress } from "../properties/index.ts";
import { reference } from "../reference/index.ts";
import { createProgressRecord, formatPartialSummary, freezeProgressRecord, ProgressRecord } from "../cli/progress-record.mjs";

function fakeClock(times: number[]): () => number {
  let i = 0;
  return () => times[Math.min(i++, times.length - 1)] as number;
}

describe("the progress line", () => {
  it("is redrawn in place on a terminal, throttled, and cleared at the end", () => {
    const out: string[] = [];
    // constructor, begin (activity), then five updates
    const line = new ProgressLine("check", { isTTY: true, columns: 200, write: (t) => out.push(t) }, 10_000, undefined, undefined, fakeClock([0, 0, 50, 150, 900, 950, 1200]));
    line.begin("reference", { runs: 100 }, 1);
    for (let runs = 1; runs <= 5; runs++) line.update({ runs, steps: runs * 20, violations: 0 });
    line.done();
    expect(out[0]).toBe("\r\x1b[Kcheck: 0 of 100 runs, 0 steps, 0 steps/s, 0 failing runs, 0.0 s (running)");
    // 50 ms after the last drawing is too soon; 150, 900 and 1200 are drawn, 950 is not
    expect(out.slice(1, -1).map((t) => /of 100 runs/.test(t) && t.startsWith("\r\x1b[K"))).toEqual([true, true, true]);
    expect(out[2]).toMatch(/^\r\x1b\[Kcheck: 3 of 100 runs, 60 steps, 67 steps\/s, 0 failing runs, 0\.9 s, ETA 29s \(running\)$/);
    expect(out.at(-1)).toBe("\r\x1b[K");
  });

  it("writes plain lines every so often when stderr is not a terminal, and nothing when quiet", () => {
    const log: string[] = [];
    const quiet: string[] = [];
    const clock = [0, 0, 500, 9_000, 10_001, 15_000, 20_500];
    const a = new ProgressLine("explore", { isTTY: false, write: (t) => log.push(t) }, 10_000, undefined, undefined, fakeClock(clock));
    const b = new ProgressLine("explore", { isTTY: true, write: (t) => quiet.push(t) }, 0, undefined, undefined, fakeClock(clock));
    for (const l of [a, b]) {
      l.begin("reference", { timeMs: 60_000 }, 7);
      for (let runs = 1; runs <= 5; runs++) l.update({ runs: runs * 100, steps: runs * 2000, violations: 0 }, "1 seed");
      l.done();
    }
    expect(log).toHaveLength(2); // at 10.0 s and 20.5 s: none at the start
    expect(log.every((l) => l.endsWith("\n") && !l.includes("\r") && !l.includes("\x1b"))).toBe(true);
    expect(log[0]).toBe("explore: 300 runs, 1 seed, 6000 steps, 600 steps/s, 0 failing runs, 10.0 s, ETA 50s (running)\n");
    expect(quiet).toEqual([]);
  });

  it("shows the ETA by runs or by the time limit, whichever ends first, and counts states for exhaustive", () => {
    expect(progressText("check", { runs: 10, steps: 100, violations: 0 }, 1000, { runs: 100, timeMs: 5000 }, "running")).toContain("ETA 4s");
    expect(progressText("check", { runs: 10, steps: 100, violations: 1 }, 1000, { runs: 100 }, "shrinking a counterexample")).toBe(
      "check: 10 of 100 runs, 100 steps, 100 steps/s, 1 failing run, 1.0 s, ETA 9s (shrinking a counterexample)",
    );
    expect(progressText("exhaustive", { runs: 1, steps: 3, violations: 0 }, 0, {}, "searching depth 2", "depth 1 done", { run: "state", step: "transition" })).toBe(
      "exhaustive: 1 state, depth 1 done, 3 transitions, 0 transitions/s, 0 failing runs, 0.0 s (searching depth 2)",
    );
    expect([duration(42_000), duration(250_000), duration(7_500_000)]).toEqual(["42s", "4m 10s", "2h 05m"]);
  });
});

describe("the shared progress record", () => {
  it("holds nothing until the command begins, then what it has done", () => {
    const buffer = createProgressRecord();
    expect(formatPartialSummary(buffer)).toEqual([]);
    const writer = new ProgressRecord(buffer);
    writer.begin({ command: "check", implementation: "reference", planned: 10_000, seed: 5 });
    writer.count({ runs: 431, steps: 38_120, violations: 0 });
    writer.activity("shrinking a counterexample");
    const r = new ProgressRecord(buffer).read();
    expect(r).toMatchObject({ command: "check", implementation: "reference", runs: 431, steps: 38_120, violations: 0, planned: 10_000, seed: 5, activity: "shrinking a counterexample" });
    const started = r?.startedAtMs ?? 0;
    expect(formatPartialSummary(buffer, started + 12_345)).toEqual([
      "cellgate check: interrupted after 12.3 s: 431 of 10000 runs done, 38120 steps, 0 failing runs (reference, seed 5)",
      "cellgate check: was shrinking a counterexample; nothing after this point was checked, and no report was written",
    ]);
  });

  it("escapes a name that would forge a line, and survives a name longer than the record", () => {
    const buffer = createProgressRecord();
    const writer = new ProgressRecord(buffer);
    writer.begin({ command: "explore", implementation: "evil\nverdict: conforms", planned: undefined, seed: null });
    const lines = formatPartialSummary(buffer, Date.now());
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("0 runs done");
    expect(lines[0]).toContain("evil\\u{a}verdict: conforms");
    writer.begin({ command: "check", implementation: "x".repeat(10_000), planned: 1, seed: 1 });
    expect(new ProgressRecord(buffer).read()?.implementation).toBe("x".repeat(200));
  });
});

describe("the partial summary of an interrupted check", () => {
  it("names the run that was under way", () => {
    const buffer = createProgressRecord();
    const writer = new ProgressRecord(buffer);
    writer.begin({ command: "check", implementation: "reference", planned: 100, seed: 1 });
    writer.activity("running");
    writer.count({ runs: 41, steps: 900, violations: 0 });
    expect(formatPartialSummary(buffer)[1]).toBe("cellgate check: was running run 42; nothing after this point was checked, and no report was written");
  });
});

describe("a frozen record", () => {
  it("keeps what was done at the signal: later writes (the run the kill fails) are ignored", () => {
    const buffer = createProgressRecord();
    const writer = new ProgressRecord(buffer);
    writer.begin({ command: "check", implementation: "reference", planned: 100, seed: 1 });
    writer.activity("running");
    writer.count({ runs: 41, steps: 900, violations: 0 });
    freezeProgressRecord(buffer);
    writer.count({ runs: 41, steps: 910, violations: 1 });
    writer.activity("shrinking a counterexample");
    const at = new ProgressRecord(buffer).read();
    expect(at).toMatchObject({ frozen: true, runs: 41, steps: 900, violations: 0, activity: "running" });
    // the time is the signal's, however late the summary is printed
    expect(formatPartialSummary(buffer, (at?.updatedAtMs ?? 0) + 60_000)[0]).toMatch(/interrupted after 0\.\d s: 41 of 100 runs done, 900 steps, 0 failing runs/);
  });
});

describe("the partial summary of an interrupted exhaustive search", () => {
  it("counts states and transitions, not runs", () => {
    const buffer = createProgressRecord();
    const line = new ProgressLine("exhaustive", { isTTY: false, write: () => undefined }, 0, new ProgressRecord(buffer), { run: "state", step: "transition" });
    line.begin("reference", {}, null);
    line.activity("searching depth 8");
    line.update({ runs: 1102, steps: 2600, violations: 0 }, "depth 7 done");
    const lines = formatPartialSummary(buffer);
    expect(lines[0]).toMatch(/: 1102 states done, 2600 transitions, 0 failing runs \(reference\)$/);
    expect(lines[1]).toMatch(/^cellgate exhaustive: was searching depth 8; /);
  });
});

describe("exhaustive progress within a level", () => {
  it("is reported every PROGRESS_EVERY transitions, with where the level is, in one line with its activity", () => {
    const seen: SearchProgress[] = [];
    const r = exhaustive(reference, { cells: 2, requests: 1, depth: 12, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBe(Math.floor((r.transitions - 1) / PROGRESS_EVERY));
    for (const [i, p] of seen.entries()) {
      expect(p.transitions).toBe((i + 1) * PROGRESS_EVERY);
      expect(p.expanded).toBeLessThan(p.ofLevel);
      // the level being expanded is the one completed last: its size is in the level list
      expect(p.ofLevel).toBe(p.depth === 1 ? 1 : r.levels[p.depth - 2]?.states);
    }
    const last = seen[seen.length - 1] as SearchProgress;
    expect(last.depth).toBe(12);
    expect(residentText(170 * 2 ** 20)).toBe("170 MiB resident");
    expect(residentText(1.52 * 2 ** 30)).toBe("1.52 GiB resident");
    expect(levelText(last)).toBe(`${last.expanded} of ${last.ofLevel} states of depth 11 expanded, ${last.queued} new`);
    const out: string[] = [];
    let now = 0;
    const line = new ProgressLine("exhaustive", { isTTY: false, write: (t: string) => out.push(t) }, 1, undefined, { run: "state", step: "transition" }, () => (now += 1000));
    line.update({ runs: last.states, steps: last.transitions, violations: 0 }, "depth 11 done", "searching depth 12");
    expect(out[0]).toMatch(/, depth 11 done, .* \(searching depth 12\)\n$/);
  });
});
