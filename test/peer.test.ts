/**
 * The SPIN peer (bench/peer/cellgate.pml): its state counts equal cellgate's full search on the
 * same bound (1 cell × 1 request here; bench/spin-peer.ts --equality runs 1 × 2 and 2 × 1 too),
 * and the comparison that says so fails when the counts differ. The SPIN part runs only where
 * `spin` and `gcc` are installed, and says so when it is skipped.
 */
import { describe, expect, it } from "vitest";
import { cellgateCounts, countMismatches, runPan, spinMissing, type CountPair, type PanResult } from "../bench/spin-peer.ts";
import { withoutToolCalls } from "../cli/exhaustive.ts";
import { exhaustive } from "../properties/index.ts";
import { reference } from "../reference/index.ts";

const pan = (states: number, transitions: number, errors = 0): PanResult => ({ states, transitions, depth: 17, errors, cpuS: 0, peakRssMiB: 0 });
const pair = (states: number, transitions: number, spin: PanResult, exhausted = true): CountPair => ({ cells: 1, requests: 1, cellgate: { states, transitions, exhausted }, spin });

describe("the count comparison", () => {
  it("passes equal counts (pan's transitions are cellgate's plus the initial state's entry)", () => {
    expect(countMismatches(pair(726, 1419, pan(726, 1420)))).toEqual([]);
  });

  it("fires on different states, different transitions, a pan error or a search that did not exhaust", () => {
    expect(countMismatches(pair(726, 1419, pan(727, 1420)))).toEqual(["1 × 1: states differ: cellgate 726, SPIN 727"]);
    expect(countMismatches(pair(726, 1420, pan(726, 1420)))).toEqual(["1 × 1: transitions differ: cellgate 1420 (+1 = 1421), SPIN 1420"]);
    expect(countMismatches(pair(726, 1419, pan(726, 1420, 1)))).toEqual(["1 × 1: pan reported 1 error(s)"]);
    expect(countMismatches(pair(726, 1419, pan(726, 1420), false))).toEqual(["1 × 1: cellgate did not exhaust the space"]);
  });
});

describe("exhaustive --no-tools", () => {
  it("searches an implementation that offers dispatch without nested tool calls: the space the model has", () => {
    const without = exhaustive(withoutToolCalls(reference), { cells: 1, requests: 1, depth: 60 });
    const withTools = exhaustive(reference, { cells: 1, requests: 1, depth: 60 });
    expect([without.states, without.executed.tool, without.exhausted]).toEqual([726, 0, true]);
    expect(withTools.executed.tool).toBeGreaterThan(0);
    expect(withTools.states).toBe(1418);
  });
});

const missing = spinMissing();
if (missing !== undefined) console.log(`test/peer.test.ts: the SPIN comparisons are skipped: ${missing}`);

describe.skipIf(missing !== undefined)("cellgate against SPIN on the Promela model", () => {
  let counts: CountPair["cellgate"] | undefined;
  const cellgate = (): CountPair["cellgate"] => (counts ??= cellgateCounts(1, 1));

  it("1 cell × 1 request: the same states and transitions (726, 1,419 + 1), no error in pan", () => {
    const p: CountPair = { cells: 1, requests: 1, cellgate: cellgate(), spin: runPan(1, 1, [], false) };
    expect(countMismatches(p)).toEqual([]);
    expect(p.cellgate.states).toBe(726);
  });

  it("1 cell × 1 request with tool calls (cellgate's defaults, the model's -DTOOLS): the same states and transitions (1,418, 3,217 + 1)", () => {
    const p: CountPair = { cells: 1, requests: 1, tools: true, cellgate: cellgateCounts(1, 1, true), spin: runPan(1, 1, ["TOOLS"], false) };
    expect(countMismatches(p)).toEqual([]);
    expect(p.cellgate.states).toBe(1418);
  });

  it("the model with the environment as it was before it was made faithful (-DOLDENV) counts differently, and the check says so", () => {
    const p: CountPair = { cells: 1, requests: 1, cellgate: cellgate(), spin: runPan(1, 1, ["OLDENV"], false) };
    expect(p.spin.states).not.toBe(p.cellgate.states);
    expect(countMismatches(p).some((line) => line.startsWith("1 × 1: states differ"))).toBe(true);
  });
});
