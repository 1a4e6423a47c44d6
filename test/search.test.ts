import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { abstractKey, commandsFromScript, exhaustive, HarnessRun, type Failure } from "../properties/index.ts";
import { renamingDiffers } from "../properties/search/symmetry.ts";
import { SymmetryRefused } from "../properties/search/exhaustive.ts";
import { fingerprint, VisitedTable } from "../properties/search/visited.ts";
import { BUNDLED, reference, VARIANTS } from "../reference/index.ts";
import picky from "./fixtures/ts/picky-names.ts";
import { cli } from "./support/cli.ts";
import { MINIMUM } from "./support/minimum.ts";
import { removeScratch } from "./support/scratch.ts";

const scratch = mkdtempSync(join(tmpdir(), "cellgate-search-test-"));
afterAll(() => removeScratch(scratch));

const runOf = (labels: readonly string[], cells = 2): HarnessRun => {
  const run = new HarnessRun(reference, { cells });
  for (const c of commandsFromScript(reference, labels, cells)) expect(run.apply(c)).toBe(true);
  return run;
};
const admit = (c: string): string[] => [`create ${c}`, `deliver core→host create_cell(${c})`, `deliver host→core created(${c})`, `ready ${c}`];
const read = (c: string, req: number): string[] => [`observe ${c} (#${req})`, `deliver core→host observe(${c}, #${req})`];

describe("abstract-state keys", () => {
  it("rename request ids cell by cell: the order in which two cells' requests were issued is not part of the state", () => {
    const a = runOf([...admit("c1"), ...admit("c2"), ...read("c1", 1), ...read("c2", 2)]);
    const b = runOf([...admit("c1"), ...admit("c2"), ...read("c2", 1), ...read("c1", 2)]);
    expect(abstractKey(a, { view: "snapshot" })).toBe(abstractKey(b, { view: "snapshot" }));
  });

  it("still tell apart states whose requests differ within one cell", () => {
    const a = runOf([...admit("c1"), ...read("c1", 1)]);
    const b = runOf([...admit("c1"), "observe c1 (#1)"]);
    expect(abstractKey(a, { view: "snapshot" })).not.toBe(abstractKey(b, { view: "snapshot" }));
  });

  it("include what an in-flight dispatch decision says (held and passed calls are different states)", () => {
    // A tool call made before readiness is held; the key says so (it once said only "dispatch(c1)").
    const held = runOf(["create c1", "deliver core→host create_cell(c1)", "deliver host→core created(c1)", "tool c1 (#1)", "deliver host⇢dispatch invoke_tool(c1, #1)"], 1);
    const text = abstractKey(held, { view: "snapshot" });
    expect(text).toContain("dispatch(c1,c1.1,held)");
  });
});

describe("the visited table", () => {
  it("keeps every fingerprint across resizes, and the drain verdicts apart from what was seen", () => {
    const t = new VisitedTable(4);
    const fs = Array.from({ length: 5000 }, (_, i) => fingerprint(`state ${i}`));
    for (const f of fs) expect(t.addSeen(f)).toBe(true);
    for (const f of fs) expect(t.addSeen(f)).toBe(false);
    expect(t.size).toBe(5000);
    const other = fingerprint("reached only by a drain");
    expect(t.drainVerdict(other)).toBeUndefined();
    t.setDrainVerdict(other, false);
    expect(t.drainVerdict(other)).toBe(false);
    expect(t.hasSeen(other)).toBe(false);
    t.setDrainVerdict(fs[7] as never, true);
    expect(t.drainVerdict(fs[7] as never)).toBe(true);
    expect(t.hasSeen(fs[7] as never)).toBe(true);
  });

  it("fingerprints differ for keys that differ in one character", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20000; i++) seen.add(fingerprint(`|c1,admitted,${i}`).join(","));
    expect(seen.size).toBe(20000);
  });
});

describe("symmetry over cell names", () => {
  // The check that the implementations treat cells alike up to their names: the same commands,
  // run with the cells renamed inside the implementation, give the same steps.
  it("every bundled implementation answers a renamed replay with the renamed answers", () => {
    for (const subject of BUNDLED) expect(renamingDiffers(subject, 2)).toBeUndefined();
    expect(renamingDiffers(reference, 3)).toBeUndefined();
  });

  it("an implementation that treats one cell name specially fails the check, and the symmetric search refuses it", async () => {
    expect(renamingDiffers(picky, 2)).toMatch(/c1→c2/);
    expect(() => exhaustive(picky, { cells: 2, depth: 3, symmetry: true })).toThrow(SymmetryRefused);
    const r = await cli("exhaustive", "--impl", "./test/fixtures/ts/picky-names.ts", "--symmetry", "--depth", "3");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/symmetry over cell names refused for ts-picky-names/);
  });

  it("the CLI says when it searched with symmetry", async () => {
    const r = await cli("exhaustive", "--cells", "2", "--requests", "1", "--depth", "4", "--symmetry", "--quiet");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/symmetry over cell names/);
  });

  it("a search that merges renamed states reaches every state the full search reaches, up to renaming (reference, 2 cells, 1 request, depth 9)", () => {
    const orbits = (symmetry: boolean): Set<string> => {
      const out = new Set<string>();
      exhaustive(reference, { cells: 2, requests: 1, depth: 9, symmetry, onState: (run) => void out.add(fingerprint(abstractKey(run, { view: "snapshot", issued: true, symmetry: true })).join(",")) });
      return out;
    };
    const full = orbits(false);
    const reduced = exhaustive(reference, { cells: 2, requests: 1, depth: 9, symmetry: true });
    expect(orbits(true)).toEqual(full);
    expect(reduced.states - 1).toBe(full.size);
    expect(reduced.states).toBeLessThan(exhaustive(reference, { cells: 2, requests: 1, depth: 9 }).states);
  });

  it.each(VARIANTS.map((v) => [v.name, v] as const))("finds %s at the same minimum and by the same rule as the full search (2 cells)", (name, variant) => {
    const full = exhaustive(variant, { cells: 2, depth: MINIMUM[name] as number, requests: Infinity }).counterexample;
    const reduced = exhaustive(variant, { cells: 2, depth: MINIMUM[name] as number, requests: Infinity, symmetry: true }).counterexample;
    expect(reduced?.depth).toBe(MINIMUM[name]);
    expect(reduced?.depth).toBe(full?.depth);
    expect(firstRule(reduced?.failure)).toBe(firstRule(full?.failure));
  });
});

function firstRule(f: Failure | undefined): string | undefined {
  return f?.verdict === "violation" ? f.violations[0]?.invariant : f?.verdict;
}

describe("deduplication defaults", () => {
  const blackBox = { ...reference, name: "reference-black-box", start: () => ({ ...reference.start(), snapshot: undefined, restore: undefined }) };

  it("is exact for every implementation: the snapshot when offered, else none", () => {
    expect(exhaustive(reference, { cells: 1, depth: 2 }).dedupe).toBe("snapshot");
    expect(exhaustive(blackBox, { cells: 1, depth: 2 }).dedupe).toBe("off");
  });

  it("the CLI names the table dedupe unsound and does not call its counterexample shortest", async () => {
    const r = await cli("exhaustive", "--impl", "./test/fixtures/ts/wrapped-reference.ts", "--dedupe", "table", "--cells", "1", "--depth", "3", "--quiet");
    expect(r.stdout).toMatch(/UNSOUND/);
    const bad = await cli("exhaustive", "--impl", "bug-double-close", "--dedupe", "table", "--cells", "1", "--depth", "3", "--quiet", "--out", scratch);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/counterexample, not proven shortest/);
    expect(bad.stdout).not.toMatch(/shortest counterexample/);
    const exact = await cli("exhaustive", "--impl", "bug-close-before-ready", "--cells", "1", "--depth", "5", "--quiet", "--out", scratch);
    expect(exact.stdout).toMatch(/shortest counterexample \(4 commands/);
  });

  it("the table dedupe can miss a counterexample altogether: review comment 1 is not found up to depth 8 with it, at 4 exactly", () => {
    const v = VARIANTS.find((x) => x.name === "bug-close-before-ready");
    if (v === undefined) throw new Error("no bug-close-before-ready");
    expect(exhaustive(v, { cells: 1, depth: 8, requests: 3, dedupe: "table" }).counterexample).toBeUndefined();
    expect(exhaustive(v, { cells: 1, depth: 8, requests: 3 }).counterexample?.depth).toBe(4);
  });
});
