/**
 * The drain's notes of its first delivery (properties/search/delivery-hints.ts): the search counts
 * a `deliver 0` whose target it has seen from the note instead of running it again, and gets the
 * result it got by running every move.
 */
import { describe, expect, it } from "vitest";
import { exhaustive } from "../properties/index.ts";
import { DeliveryHints } from "../properties/search/delivery-hints.ts";
import { reference } from "../reference/index.ts";

describe("the drain's notes of its first delivery", () => {
  it("leave every counter of a search as it was when every move ran (1 cell x 1 request, the counters of 7dc1cf9, before the notes)", () => {
    const r = exhaustive(reference, { cells: 1, requests: 1, depth: 60 });
    expect([r.states, r.transitions, r.exhausted]).toEqual([1418, 3217, true]);
    expect(r.executed).toEqual({ create: 2, yield: 41, complete: 41, terminate: 0, observe: 30, "observe-cancel": 80, ready: 212, shutdown: 379, deliver: 2426, tool: 6 });
    expect(r.orderings).toEqual({ "close-before-ready": 96, "cancel-then-close": 169, "terminate-between-commit-and-deliver": 6, "forget-vs-close": 22, "shutdown-mid-drain": 126 });
    expect(r.invariantChecks).toEqual({
      "no-gate-leak": 3386,
      "no-premature-close": 970,
      "one-terminal-outcome": 83,
      "outcome-never-lost": 378,
      "closed-exactly-once": 1030,
      "outcome-before-close": 26,
      "no-reopen": 1774,
      "busy-second-observer": 332,
      "one-reply-per-request": 546,
      "core-forwards-requests": 554,
      "dispatch-follows-gate": 284,
    });
  });

  it("are read by place one level after they are kept, then dropped; equal counter lists are one", () => {
    const hints = new DeliveryHints();
    hints.keep(0, { to: [1, 2, 3, 4], counts: [0, 1, 2] });
    hints.keep(300, { to: [5, 6, 7, 8], counts: [0, 1, 2] });
    hints.keep(2, { to: [9, 9, 9, 9], counts: [7] });
    expect(hints.at(0)).toBeUndefined();
    hints.nextLevel();
    expect(hints.at(0)).toEqual({ to: [1, 2, 3, 4], counts: [0, 1, 2] });
    expect(hints.at(300)).toEqual({ to: [5, 6, 7, 8], counts: [0, 1, 2] });
    expect(hints.at(300)?.counts).toBe(hints.at(0)?.counts);
    expect(hints.at(2)).toEqual({ to: [9, 9, 9, 9], counts: [7] });
    expect(hints.at(1)).toBeUndefined();
    expect(hints.at(301)).toBeUndefined();
    hints.keep(1, { to: [4, 3, 2, 1], counts: [7] });
    hints.nextLevel();
    expect(hints.at(0)).toBeUndefined();
    expect(hints.at(300)).toBeUndefined();
    expect(hints.at(1)).toEqual({ to: [4, 3, 2, 1], counts: [7] });
    hints.nextLevel();
    expect(hints.at(1)).toBeUndefined();
  });
});
