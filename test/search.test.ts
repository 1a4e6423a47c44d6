import { describe, expect, it } from "vitest";
import { abstractKey, commandsFromScript, HarnessRun } from "../properties/index.ts";
import { fingerprint, VisitedTable } from "../properties/search/visited.ts";
import { reference } from "../reference/index.ts";

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
