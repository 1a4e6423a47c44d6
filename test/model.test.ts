import { describe, expect, it } from "vitest";
import {
  busySecondObserver,
  checkFinal,
  closedAtMostOnce,
  closedWhenQuiescent,
  coreForwardsRequests,
  enabled,
  expectedEmitted,
  initialState,
  mayHoldEntry,
  mustBeOpen,
  next,
  noGateLeak,
  noPrematureClose,
  noReopen,
  oneReplyPerRequest,
  oneTerminalOutcome,
  outcomeBeforeClose,
  outcomeNeverLost,
  type Action,
  type ModelState,
} from "../model/index.ts";

/** Apply actions in order (the hand-made histories below read like traces). */
function after(...actions: Action[]): ModelState {
  return actions.reduce(next, initialState(3));
}

const admitted: Action[] = [
  { type: "coreStartsCell", cell: "c1" },
  { type: "coreSendsCreate", cell: "c1" },
  { type: "hostReceivesCreate", cell: "c1" },
  { type: "hostAnswersCreate", cell: "c1", admitted: true },
  { type: "coreReceivesAdmission", cell: "c1", admitted: true },
];
const ready: Action[] = [...admitted, { type: "coreMarksReady", cell: "c1" }];
const observing: Action[] = [
  ...ready,
  { type: "coreStartsObserve", cell: "c1", req: 1 },
  { type: "coreSendsObserve", cell: "c1", req: 1 },
  { type: "hostReceivesObserve", cell: "c1", req: 1 },
];
const closed: Action[] = [
  ...ready,
  { type: "jsCompletes", cell: "c1" },
  { type: "hostSendsCellClosed", cell: "c1" },
  { type: "coreReceivesCellClosed", cell: "c1" },
];

describe("model guards", () => {
  it("allows readiness only once the Host's admission reached Core", () => {
    const s = after({ type: "coreStartsCell", cell: "c1" });
    expect(enabled(s, { type: "coreMarksReady", cell: "c1" })).toBe(false);
    expect(enabled(after(...admitted), { type: "coreMarksReady", cell: "c1" })).toBe(true);
    expect(enabled(after(...ready), { type: "coreMarksReady", cell: "c1" })).toBe(false);
  });
  it("caps the number of cells and lets the JavaScript run only while admitted and not ended", () => {
    expect(enabled(initialState(0), { type: "coreStartsCell", cell: "c1" })).toBe(false);
    expect(enabled(after(...admitted), { type: "jsCompletes", cell: "c1" })).toBe(true);
    expect(enabled(after(...admitted, { type: "jsCompletes", cell: "c1" }), { type: "jsYields", cell: "c1" })).toBe(false);
    expect(enabled(after(...admitted, { type: "hostShutsDown" }), { type: "jsYields", cell: "c1" })).toBe(false);
  });
  it("cancels only an observation whose consumer still waits", () => {
    const s = after(...observing);
    expect(enabled(s, { type: "coreCancelsObserve", cell: "c1", req: 1 })).toBe(true);
    const answered = next(next(s, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "yielded" }), { type: "coreReceivesObserveOutcome", cell: "c1", req: 1, outcome: "yielded" });
    expect(enabled(answered, { type: "coreCancelsObserve", cell: "c1", req: 1 })).toBe(false);
  });
});

describe("model transitions", () => {
  it("leave the state they start from unchanged, so every earlier state of a run stays as it was", () => {
    const before = after(...observing);
    const snapshot = JSON.stringify({ cells: [...before.cells], requests: [...before.requests], expected: before.expected });
    const later = [
      { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "yielded" },
      { type: "coreStartsObserve", cell: "c1", req: 2 },
      { type: "coreStartsCell", cell: "c2" },
    ].reduce<ModelState>((s, a) => next(s, a as Action), before);
    expect(JSON.stringify({ cells: [...before.cells], requests: [...before.requests], expected: before.expected })).toBe(snapshot);
    expect([before.cells.size, before.requests.size]).toEqual([1, 2]);
    expect([later.cells.size, later.requests.size]).toEqual([2, 4]);
    expect(later.requests.get("observe:1")?.stage).toBe("replied");
    expect(before.requests.get("observe:1")?.stage).toBe("atHost");
  });
});

describe("model gate-table bounds", () => {
  it("lets a cell hold an entry from admission until it is closed and ready with no consumer", () => {
    expect(mayHoldEntry(after({ type: "coreStartsCell", cell: "c1" }))).toEqual(new Set(["c1"]));
    expect(mayHoldEntry(after(...closed))).toEqual(new Set());
  });
  it("keeps the entry allowed while readiness is still to come after an early close", () => {
    const s = after(...admitted, { type: "jsCompletes", cell: "c1" }, { type: "hostSendsCellClosed", cell: "c1" }, { type: "coreReceivesCellClosed", cell: "c1" });
    expect(mayHoldEntry(s)).toEqual(new Set(["c1"]));
  });
  it("requires an open gate from readiness until Core learns the cell ends", () => {
    expect(mustBeOpen(after(...ready))).toEqual(new Set(["c1"]));
    expect(mustBeOpen(after(...closed))).toEqual(new Set());
    expect(mustBeOpen(after(...ready, { type: "coreRequestsTerminate", cell: "c1", req: 2 }))).toEqual(new Set());
  });
});

describe("each invariant fires on a hand-made bad history", () => {
  it("(a) no-gate-leak: an entry for a closed, ready cell nobody waits on", () => {
    const s = after(...closed);
    expect(noGateLeak(s, [])).toEqual([]);
    expect(noGateLeak(s, [{ cell: "c1", kind: "open" }])).toMatchObject([{ invariant: "no-gate-leak", cell: "c1" }]);
    expect(noGateLeak(after(), [{ cell: "c9", kind: "marker" }])).toMatchObject([{ invariant: "no-gate-leak", cell: "c9" }]);
  });

  it("(b) no-premature-close: a ready, running cell without an open gate", () => {
    const s = after(...ready);
    expect(noPrematureClose(s, [{ cell: "c1", kind: "open" }])).toEqual([]);
    expect(noPrematureClose(s, [])).toMatchObject([{ invariant: "no-premature-close", actual: "c1: no entry" }]);
    expect(noPrematureClose(s, [{ cell: "c1", kind: "waiting" }])).toMatchObject([{ invariant: "no-premature-close", actual: "c1: waiting" }]);
  });

  it("(c) one-terminal-outcome: completed to one, terminated to another", () => {
    const s = after(...observing, { type: "jsCompletes", cell: "c1" }, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "completed" }, { type: "coreStartsObserve", cell: "c1", req: 2 }, { type: "coreSendsObserve", cell: "c1", req: 2 }, { type: "hostReceivesObserve", cell: "c1", req: 2 });
    expect(oneTerminalOutcome(s, { type: "hostAnswersObserve", cell: "c1", req: 2, outcome: "missing" })).toEqual([]);
    expect(oneTerminalOutcome(s, { type: "hostAnswersObserve", cell: "c1", req: 2, outcome: "terminated" })).toMatchObject([{ invariant: "one-terminal-outcome", expected: "completed", actual: "terminated" }]);
  });

  it("(c) one-terminal-outcome: an outcome that cannot have happened", () => {
    const s = after(...observing);
    expect(oneTerminalOutcome(s, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "completed" })).toMatchObject([{ invariant: "one-terminal-outcome" }]);
    expect(oneTerminalOutcome(s, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "terminated" })).toMatchObject([{ invariant: "one-terminal-outcome" }]);
  });

  it("(d) outcome-never-lost: missing for a completion nobody received", () => {
    const s = after(...observing, { type: "jsCompletes", cell: "c1" });
    expect(outcomeNeverLost(s, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "missing" })).toMatchObject([{ invariant: "outcome-never-lost", actual: "missing" }]);
    const gone = next(s, { type: "hostShutsDown" });
    expect(outcomeNeverLost(gone, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "missing" })).toEqual([]);
  });

  it("(d) outcome-never-lost: an outcome sent into an observation the Host knew was dropped", () => {
    const s = after(...observing, { type: "coreCancelsObserve", cell: "c1", req: 1 }, { type: "coreSendsDrop", cell: "c1", req: 1 }, { type: "hostReceivesDrop", cell: "c1", req: 1 }, { type: "jsCompletes", cell: "c1" });
    expect(outcomeNeverLost(s, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "completed" })).toMatchObject([{ invariant: "outcome-never-lost" }]);
  });

  it("(e) closed-exactly-once: twice, while running, for a rejected cell, and missing at quiescence", () => {
    const done = after(...ready, { type: "jsCompletes", cell: "c1" });
    expect(closedAtMostOnce(done, { type: "hostSendsCellClosed", cell: "c1" })).toEqual([]);
    const once = next(done, { type: "hostSendsCellClosed", cell: "c1" });
    expect(closedAtMostOnce(once, { type: "hostSendsCellClosed", cell: "c1" })).toMatchObject([{ invariant: "closed-exactly-once", actual: "2" }]);
    expect(closedAtMostOnce(after(...ready), { type: "hostSendsCellClosed", cell: "c1" })).toMatchObject([{ invariant: "closed-exactly-once", actual: "cell_closed while running" }]);
    expect(closedAtMostOnce(after({ type: "coreStartsCell", cell: "c1" }), { type: "hostSendsCellClosed", cell: "c1" })).toMatchObject([{ invariant: "closed-exactly-once" }]);
    const ended = after(...observing, { type: "jsCompletes", cell: "c1" }, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "completed" });
    expect(closedWhenQuiescent(ended, false)).toEqual([]);
    expect(closedWhenQuiescent(ended, true)).toMatchObject([{ invariant: "closed-exactly-once", actual: "0" }]);
  });

  it("(f) outcome-before-close: an attached observer's outcome after cell_closed", () => {
    const s = after(...observing, { type: "jsCompletes", cell: "c1" }, { type: "hostSendsCellClosed", cell: "c1" });
    expect(outcomeBeforeClose(s, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "completed" })).toMatchObject([{ invariant: "outcome-before-close" }]);
    const orderly = after(...observing, { type: "jsCompletes", cell: "c1" }, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "completed" }, { type: "hostSendsCellClosed", cell: "c1" });
    expect(orderly.cells.get("c1")?.attachedAtClose).toEqual([]);
  });

  it("(g) no-reopen: an entry comes back after the closed cell's entry went", () => {
    const s = next(after(...closed), { type: "stepEnds", table: [], quiescent: true });
    expect(noReopen(s, [])).toEqual([]);
    expect(noReopen(s, [{ cell: "c1", kind: "open" }])).toMatchObject([{ invariant: "no-reopen", cell: "c1" }]);
  });

  it("(h) busy-second-observer: the second observer is not told busy, or busy with nobody attached", () => {
    const two = after(...observing, { type: "coreStartsObserve", cell: "c1", req: 2 }, { type: "coreSendsObserve", cell: "c1", req: 2 }, { type: "hostReceivesObserve", cell: "c1", req: 2 });
    expect(busySecondObserver(two, { type: "hostAnswersObserve", cell: "c1", req: 2, outcome: "busy" })).toEqual([]);
    expect(busySecondObserver(two, { type: "hostAnswersObserve", cell: "c1", req: 2, outcome: "yielded" })).toMatchObject([{ invariant: "busy-second-observer", expected: "busy" }]);
    expect(busySecondObserver(after(...observing), { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "busy" })).toMatchObject([{ invariant: "busy-second-observer", actual: "busy" }]);
  });

  it("(h) busy-second-observer: a displaced first observer is never answered", () => {
    const s = after(...observing, { type: "jsCompletes", cell: "c1" }, { type: "hostSendsCellClosed", cell: "c1" }, { type: "coreReceivesCellClosed", cell: "c1" });
    expect(checkFinal(s, [])).toEqual(expect.arrayContaining([expect.objectContaining({ invariant: "busy-second-observer", cell: "c1" })]));
  });

  it("one-reply-per-request: a reply nobody asked for, and a second reply", () => {
    expect(oneReplyPerRequest(after(...ready), { type: "hostAnswersObserve", cell: "c1", req: 7, outcome: "yielded" })).toMatchObject([{ invariant: "one-reply-per-request" }]);
    const replied = after(...observing, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "yielded" });
    expect(oneReplyPerRequest(replied, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "yielded" })).toMatchObject([{ invariant: "one-reply-per-request" }]);
  });

  it("core-forwards-requests: a request nobody asked for, and one asked for but never sent", () => {
    expect(coreForwardsRequests(after(...ready), { type: "coreSendsTerminate", cell: "c1", req: 3 })).toMatchObject([{ invariant: "core-forwards-requests" }]);
    expect(expectedEmitted(after(...ready, { type: "coreStartsObserve", cell: "c1", req: 1 }))).toMatchObject([{ invariant: "core-forwards-requests", expected: "observe:1" }]);
  });

  it("(d) outcome-never-lost: at the end of the run a finished, ready cell whose outcome never left the Host", () => {
    const s = after(...ready, { type: "jsCompletes", cell: "c1" }, { type: "hostSendsCellClosed", cell: "c1" });
    expect(checkFinal(s, [])).toMatchObject([{ invariant: "outcome-never-lost", cell: "c1", actual: "never sent" }]);
    expect(checkFinal(next(s, { type: "hostShutsDown" }), [])).toEqual([]);
  });

  it("checkFinal: a table that is not empty after the drain", () => {
    expect(checkFinal(after(), [{ cell: "c1", kind: "waiting" }])).toMatchObject([{ invariant: "no-gate-leak" }]);
  });
});
