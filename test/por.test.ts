import { describe, expect, it } from "vitest";
import { exhaustive, PorRefused, type ExhaustiveOptions, type Failure } from "../properties/index.ts";
import { searchKey } from "../properties/search/expand.ts";
import { independent } from "../properties/search/por.ts";
import { reference, VARIANTS } from "../reference/index.ts";
import type { Implementation } from "../protocol/index.ts";
import entangled from "./fixtures/ts/entangled-parties.ts";
import { cli } from "./support/cli.ts";
import { MINIMUM } from "./support/minimum.ts";

const withoutTools: Implementation = { ...reference, name: "reference-without-dispatch", dispatch: false };

/** Every reached state's key, with the depth it was first reached at. */
function reached(impl: Implementation, options: ExhaustiveOptions): { keys: Set<string>; levels: number[]; r: ReturnType<typeof exhaustive> } {
  const keys = new Set<string>();
  const cells = options.cells ?? 2;
  const budget = options.requests ?? 2;
  const r = exhaustive(impl, {
    ...options,
    onState: (run) => void keys.add(`${run.steps}:${searchKey(run, { cells, budget, view: "snapshot", symmetry: false, keyed: true }).join(",")}`),
  });
  return { keys, levels: r.levels.map((l) => l.states), r };
}

describe("partial-order reduction (sleep sets)", () => {
  it("the rule: deliveries to different parties, or to Core off the dispatch channel; not cell_closed against the same cell's deliveries to the Host", () => {
    expect(independent("deliver host→core created(c1)", "deliver core→host observe(c1, #1)")).toBe(true);
    expect(independent("deliver host→core created(c1)", "deliver host⇢core cell_closed(c2)")).toBe(true);
    expect(independent("deliver host⇢core cell_closed(c1)", "deliver core→host dispatch(c1, #1, held)")).toBe(false);
    expect(independent("deliver host⇢core cell_closed(c2)", "deliver core→host dispatch(c1, #1, held)")).toBe(true);
    expect(independent("deliver host⇢dispatch invoke_tool(c1, #1)", "deliver host→core created(c1)")).toBe(false);
    expect(independent("deliver core→host observe(c1, #1)", "deliver host:c1 commit(c1)")).toBe(false);
    expect(independent("observe c1 (#1)", "deliver host→core created(c1)")).toBe(false);
  });

  it.each([
    ["1 × 1 with tool calls", reference, { cells: 1, requests: 1, depth: 60 }],
    ["1 × 2 with tool calls", reference, { cells: 1, requests: 2, depth: 60 }],
    ["1 × 3 without tool calls", withoutTools, { cells: 1, requests: 3, depth: 80 }],
    ["1 × 3 with tool calls, to depth 16", reference, { cells: 1, requests: 3, depth: 16 }],
    ["2 × 1 without tool calls, to depth 12", withoutTools, { cells: 2, requests: 1, depth: 12 }],
  ] as const)("reaches the same states at the same depths as the full search, %s, with fewer transitions", (_, impl, options) => {
    const full = reached(impl, options);
    const reduced = reached(impl, { ...options, por: true });
    expect(reduced.levels).toEqual(full.levels);
    expect(reduced.keys).toEqual(full.keys);
    expect(reduced.r.states).toBe(full.r.states);
    expect(reduced.r.exhausted).toBe(full.r.exhausted);
    expect(reduced.r.transitions).toBeLessThan(full.r.transitions);
    expect(reduced.r.transitions + (reduced.r.por?.skipped ?? 0)).toBeGreaterThanOrEqual(full.r.transitions);
    // States reached again with a smaller sleep set after their expansion were queued again (the case the equality above checks).
    expect(reduced.r.por?.reexpanded).toBeGreaterThan(0);
    expect(reduced.r.por?.audited).toBeGreaterThan(0);
  });

  it("every skipped transition of the reference agrees with its diamond (audit of each one)", () => {
    const r = exhaustive(reference, { cells: 1, requests: 2, depth: 60, por: true, porAuditEvery: 1 });
    expect(r.por?.audited).toBe(r.por?.skipped);
    expect(r.por?.skipped).toBeGreaterThan(1000);
  });

  it.each(VARIANTS.map((v) => [v.name, v] as const))("finds %s at the same minimum and by the same rule as the full search", (name, variant) => {
    const options = { cells: 1, depth: MINIMUM[name] as number, requests: Infinity };
    const full = exhaustive(variant, options).counterexample;
    const reduced = exhaustive(variant, { ...options, por: true }).counterexample;
    expect(reduced?.depth).toBe(MINIMUM[name]);
    expect(reduced?.depth).toBe(full?.depth);
    expect(firstRule(reduced?.failure)).toBe(firstRule(full?.failure));
  });

  it("refuses an implementation whose parties' steps do not commute where the rule says they do", async () => {
    expect(() => exhaustive(entangled, { cells: 1, requests: 2, depth: 20, por: true, porAuditEvery: 1 })).toThrow(PorRefused);
    expect(() => exhaustive(entangled, { cells: 1, requests: 2, depth: 20, por: true, porAuditEvery: 1 })).toThrow(/end in different states/);
    // Without the reduction it is searched as usual (it conforms: the shared value changes no answer).
    expect(exhaustive(entangled, { cells: 1, requests: 2, depth: 8 }).counterexample).toBeUndefined();
    // One line, for the CLI's one-line error (exit 2, as for the refusals below).
    expect(() => exhaustive(entangled, { cells: 1, requests: 2, depth: 20, por: true, porAuditEvery: 1 })).toThrow(/^partial-order reduction refused for ts-entangled-parties: after \d+ commands, [^\n]* the two orders end in different states$/);
  });

  it("is refused with symmetry, with workers and without exact dedupe (the CLI: a one-line error, exit 2)", async () => {
    expect(() => exhaustive(reference, { cells: 2, depth: 3, por: true, symmetry: true })).toThrow(/refused with --symmetry/);
    expect(() => exhaustive(reference, { cells: 2, depth: 3, por: true, workers: 2 })).toThrow(/refused with --workers/);
    expect(() => exhaustive(reference, { cells: 2, depth: 3, por: true, dedupe: "table" })).toThrow(/needs exact dedupe/);
    for (const other of [["--symmetry"], ["--workers", "2"], ["--impl", "./test/fixtures/ts/entangled-parties.ts"]]) {
      const r = await cli("exhaustive", "--cells", "1", "--requests", "1", "--depth", "3", "--por", ...other, "--quiet");
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/cellgate exhaustive: --por (is refused with|needs exact dedupe)/);
    }
  });

  it("the CLI says what the reduction skipped", async () => {
    const r = await cli("exhaustive", "--cells", "1", "--requests", "1", "--depth", "40", "--por", "--quiet");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/states: 1418 /);
    expect(r.stdout).toMatch(/partial-order reduction: \d+ transitions skipped/);
  });
});

function firstRule(f: Failure | undefined): string | undefined {
  return f?.verdict === "violation" ? f.violations[0]?.invariant : f?.verdict;
}
