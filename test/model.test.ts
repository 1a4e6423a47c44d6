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
/** The end of a step: v1 (no `observers`), attached is derived. */
const stepEnds = (table: { cell: string; kind: "waiting" | "open" | "marker" }[] = [{ cell: "c1", kind: "open" }]): Action => ({ type: "stepEnds", table, quiescent: false });
/** The initial observation reached the Host in this step (not attached until the step ends). */
const observing: Action[] = [
  ...ready,
  { type: "coreStartsObserve", cell: "c1", req: 1 },
  { type: "coreSendsObserve", cell: "c1", req: 1 },
  { type: "hostReceivesObserve", cell: "c1", req: 1 },
];
/** ... and that step ended: the observation is attached. */
const attached: Action[] = [...observing, stepEnds()];
/** The initial observation answered (a yield) and read: the turn has c1's id. */
const known: Action[] = [
  ...attached,
  { type: "jsYields", cell: "c1" },
  { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "yielded" },
  stepEnds(),
  { type: "coreReceivesObserveOutcome", cell: "c1", req: 1, outcome: "yielded" },
  stepEnds(),
];
/** A wait (#n) after the initial reply, received and attached. */
const waiting = (req: number): Action[] => [
  { type: "coreStartsObserve", cell: "c1", req },
  { type: "coreSendsObserve", cell: "c1", req },
  { type: "hostReceivesObserve", cell: "c1", req },
  stepEnds(),
];
const closed: Action[] = [
  ...known,
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
  it("lets the turn wait again or terminate only once it read the initial reply (it has the cell's id)", () => {
    expect(enabled(after(...ready), { type: "coreStartsObserve", cell: "c1", req: 1 })).toBe(true);
    expect(enabled(after(...ready), { type: "coreRequestsTerminate", cell: "c1", req: 1 })).toBe(false);
    const pending = after(...attached);
    expect(enabled(pending, { type: "coreStartsObserve", cell: "c1", req: 2 })).toBe(false);
    expect(enabled(pending, { type: "coreRequestsTerminate", cell: "c1", req: 2 })).toBe(false);
    // The reply left the Host but Core has not read it: still no id.
    const answered = after(...attached, { type: "jsYields", cell: "c1" }, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "yielded" });
    expect(enabled(answered, { type: "coreRequestsTerminate", cell: "c1", req: 2 })).toBe(false);
    const s = after(...known);
    expect(s.cells.get("c1")?.idKnown).toBe(true);
    expect(enabled(s, { type: "coreStartsObserve", cell: "c1", req: 2 })).toBe(true);
    expect(enabled(s, { type: "coreRequestsTerminate", cell: "c1", req: 2 })).toBe(true);
    // A cancelled initial observation's reply gives the turn nothing: its consumer is gone.
    const cancelled = after(...attached, { type: "coreCancelsObserve", cell: "c1", req: 1 }, { type: "jsYields", cell: "c1" }, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "yielded" }, { type: "coreReceivesObserveOutcome", cell: "c1", req: 1, outcome: "yielded" });
    expect(cancelled.cells.get("c1")?.idKnown).toBe(false);
    expect(enabled(cancelled, { type: "coreRequestsTerminate", cell: "c1", req: 2 })).toBe(false);
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
  it("counts the exec call's initial read, due after readiness, as a coming removal", () => {
    const closedBeforeTheRead = after(...ready, { type: "jsCompletes", cell: "c1" }, { type: "hostSendsCellClosed", cell: "c1" }, { type: "coreReceivesCellClosed", cell: "c1" });
    expect(mayHoldEntry(closedBeforeTheRead)).toEqual(new Set(["c1"]));
    // Once the read was made and its reply read, nobody waits: the entry must go.
    const read = [
      { type: "coreStartsObserve", cell: "c1", req: 1 },
      { type: "coreSendsObserve", cell: "c1", req: 1 },
      { type: "hostReceivesObserve", cell: "c1", req: 1 },
      { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "completed" },
      { type: "coreReceivesObserveOutcome", cell: "c1", req: 1, outcome: "completed" },
    ] as const;
    expect(mayHoldEntry(read.slice(0, 4).reduce<ModelState>(next, closedBeforeTheRead))).toEqual(new Set(["c1"]));
    expect(mayHoldEntry(read.reduce<ModelState>(next, closedBeforeTheRead))).toEqual(new Set());
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

  it("(d) outcome-never-lost: missing to an attached observer, whatever else ended the cell", () => {
    const s = after(...known, ...waiting(2), { type: "hostShutsDown" });
    expect(outcomeNeverLost(s, { type: "hostAnswersObserve", cell: "c1", req: 2, outcome: "missing" })).toMatchObject([
      { invariant: "outcome-never-lost", expected: "the cell's outcome for its attached observer", actual: "missing" },
    ]);
    expect(outcomeNeverLost(s, { type: "hostAnswersObserve", cell: "c1", req: 2, outcome: "terminated" })).toEqual([]);
    // A version 2 Host that reports #2 not attached (still queued) may answer it missing after shutdown.
    const queued = after(...known, ...waiting(2).slice(0, 3), { type: "stepEnds", table: [{ cell: "c1", kind: "open" }], quiescent: false, observers: [] }, { type: "hostShutsDown" });
    expect(queued.requests.get("observe:2")?.attached).toBe(false);
    expect(outcomeNeverLost(queued, { type: "hostAnswersObserve", cell: "c1", req: 2, outcome: "missing" })).toEqual([]);
  });

  it("(d) outcome-never-lost: a terminal outcome into a dropped observation is allowed, but does not count as consumed", () => {
    const dropped = after(
      ...known,
      ...waiting(2),
      { type: "coreCancelsObserve", cell: "c1", req: 2 },
      { type: "coreSendsDrop", cell: "c1", req: 2 },
      { type: "hostReceivesDrop", cell: "c1", req: 2 },
      stepEnds(),
      { type: "jsCompletes", cell: "c1" },
    );
    const into: Action = { type: "hostAnswersObserve", cell: "c1", req: 2, outcome: "completed" };
    expect(outcomeNeverLost(dropped, into)).toEqual([]);
    const s = next(dropped, into);
    expect(s.cells.get("c1")).toMatchObject({ outcome: "completed", consumed: false });
    // A later observation told missing: the completion never reached anyone.
    const third = [{ type: "coreStartsObserve", cell: "c1", req: 3 }, { type: "coreSendsObserve", cell: "c1", req: 3 }, { type: "hostReceivesObserve", cell: "c1", req: 3 }] as const;
    const s3 = third.reduce<ModelState>(next, s);
    expect(outcomeNeverLost(s3, { type: "hostAnswersObserve", cell: "c1", req: 3, outcome: "missing" })).toMatchObject([
      { invariant: "outcome-never-lost", actual: "missing", message: "c1 answered missing (#3) though its completed went only into a dropped observation" },
    ]);
    // Nor may the run end that way: the cell's id is known, it was not shut down, nobody consumed it.
    const end = next(s, { type: "hostSendsCellClosed", cell: "c1" });
    expect(checkFinal(end, [])).toMatchObject([{ invariant: "outcome-never-lost", cell: "c1", actual: "lost" }]);
    // The same outcome into an observation the Host had not been told is dropped reaches its consumer.
    const undropped = after(...known, ...waiting(2), { type: "coreCancelsObserve", cell: "c1", req: 2 }, { type: "jsCompletes", cell: "c1" }, into, { type: "hostSendsCellClosed", cell: "c1" });
    expect(undropped.cells.get("c1")?.consumed).toBe(true);
    expect(checkFinal(undropped, [])).toEqual([]);
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

  it("(e) closed-exactly-once: a completion buffered with no observer and never closed, once nothing is in flight", () => {
    const buffered = after(...known, { type: "jsCompletes", cell: "c1" });
    expect(closedWhenQuiescent(buffered, false)).toEqual([]);
    expect(closedWhenQuiescent(buffered, true)).toMatchObject([{ invariant: "closed-exactly-once", cell: "c1", actual: "0", message: expect.stringContaining("its JavaScript finished") }]);
    expect(closedWhenQuiescent(next(buffered, { type: "hostSendsCellClosed", cell: "c1" }), true)).toEqual([]);
    // a terminate that reached the Host ends the cell too
    const terminated = after(...known, { type: "coreRequestsTerminate", cell: "c1", req: 2 }, { type: "coreSendsTerminate", cell: "c1", req: 2 }, { type: "hostReceivesTerminate", cell: "c1", req: 2 });
    expect(closedWhenQuiescent(terminated, true)).toMatchObject([{ invariant: "closed-exactly-once", message: expect.stringContaining("terminate reached the Host") }]);
    // a cell still running is not judged
    expect(closedWhenQuiescent(after(...known), true)).toEqual([]);
  });

  it("(f) outcome-before-close: an attached observer's outcome after cell_closed", () => {
    const s = after(...attached, { type: "jsCompletes", cell: "c1" }, { type: "hostSendsCellClosed", cell: "c1" });
    expect(s.cells.get("c1")?.attachedAtClose).toEqual([1]);
    expect(outcomeBeforeClose(s, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "completed" })).toMatchObject([{ invariant: "outcome-before-close" }]);
    const orderly = after(...attached, { type: "jsCompletes", cell: "c1" }, { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "completed" }, { type: "hostSendsCellClosed", cell: "c1" });
    expect(orderly.cells.get("c1")?.attachedAtClose).toEqual([]);
    // An observation received in the very step that closes the cell was not attached yet.
    const sameStep = after(...observing, { type: "jsCompletes", cell: "c1" }, { type: "hostSendsCellClosed", cell: "c1" });
    expect(sameStep.cells.get("c1")?.attachedAtClose).toEqual([]);
  });

  it("(g) no-reopen: an entry comes back after the closed cell's entry went", () => {
    const s = next(after(...closed), { type: "stepEnds", table: [], quiescent: true });
    expect(noReopen(s, [])).toEqual([]);
    expect(noReopen(s, [{ cell: "c1", kind: "open" }])).toMatchObject([{ invariant: "no-reopen", cell: "c1" }]);
  });

  it("(h) busy-second-observer: the second observer is not told busy, or busy with nobody attached", () => {
    const two = after(...known, ...waiting(2), { type: "coreStartsObserve", cell: "c1", req: 3 }, { type: "coreSendsObserve", cell: "c1", req: 3 }, { type: "hostReceivesObserve", cell: "c1", req: 3 });
    expect(busySecondObserver(two, { type: "hostAnswersObserve", cell: "c1", req: 3, outcome: "busy" })).toEqual([]);
    expect(busySecondObserver(two, { type: "hostAnswersObserve", cell: "c1", req: 3, outcome: "yielded" })).toMatchObject([{ invariant: "busy-second-observer", expected: "busy" }]);
    // missing to the second observer while the first is attached and nothing ended the cell
    expect(busySecondObserver(two, { type: "hostAnswersObserve", cell: "c1", req: 3, outcome: "missing" })).toMatchObject([{ invariant: "busy-second-observer", expected: "busy", actual: "missing" }]);
    expect(busySecondObserver(after(...observing), { type: "hostAnswersObserve", cell: "c1", req: 1, outcome: "busy" })).toMatchObject([{ invariant: "busy-second-observer", actual: "busy" }]);
  });

  it("(h) busy-second-observer: a second observer may be told missing once a terminate reached the Host", () => {
    const terminating = after(
      ...known,
      ...waiting(2),
      { type: "coreStartsObserve", cell: "c1", req: 3 },
      { type: "coreSendsObserve", cell: "c1", req: 3 },
      { type: "coreRequestsTerminate", cell: "c1", req: 4 },
      { type: "coreSendsTerminate", cell: "c1", req: 4 },
      { type: "hostReceivesTerminate", cell: "c1", req: 4 },
      stepEnds(),
      { type: "hostReceivesObserve", cell: "c1", req: 3 },
    );
    const missing: Action = { type: "hostAnswersObserve", cell: "c1", req: 3, outcome: "missing" };
    expect(busySecondObserver(terminating, missing)).toEqual([]);
    expect(outcomeNeverLost(terminating, missing)).toEqual([]);
    expect(busySecondObserver(terminating, { type: "hostAnswersObserve", cell: "c1", req: 3, outcome: "busy" })).toEqual([]);
    // but the attached first one must still get the outcome, not missing
    expect(outcomeNeverLost(terminating, { type: "hostAnswersObserve", cell: "c1", req: 2, outcome: "missing" })).toMatchObject([{ invariant: "outcome-never-lost" }]);
  });

  it("(h) busy-second-observer: busy is allowed while the other observation is dropped but still at the Host", () => {
    const s = after(
      ...known,
      ...waiting(2),
      { type: "coreCancelsObserve", cell: "c1", req: 2 },
      { type: "coreSendsDrop", cell: "c1", req: 2 },
      { type: "hostReceivesDrop", cell: "c1", req: 2 },
      stepEnds(),
      { type: "coreStartsObserve", cell: "c1", req: 3 },
      { type: "coreSendsObserve", cell: "c1", req: 3 },
      { type: "hostReceivesObserve", cell: "c1", req: 3 },
    );
    expect(s.requests.get("observe:2")).toMatchObject({ stage: "atHost", dropAtHost: true, attached: false });
    expect(busySecondObserver(s, { type: "hostAnswersObserve", cell: "c1", req: 3, outcome: "busy" })).toEqual([]);
    // it is not attached any more, so the new one may just as well take its place
    expect(busySecondObserver(s, { type: "hostAnswersObserve", cell: "c1", req: 3, outcome: "yielded" })).toEqual([]);
    // once #2 is answered, nobody else is at the Host: busy is wrong
    const answered = next(s, { type: "hostAnswersObserve", cell: "c1", req: 2, outcome: "yielded" });
    expect(busySecondObserver(answered, { type: "hostAnswersObserve", cell: "c1", req: 3, outcome: "busy" })).toMatchObject([{ invariant: "busy-second-observer", actual: "busy" }]);
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
    expect(expectedEmitted(after({ type: "coreStartsCell", cell: "c1" }))).toMatchObject([{ invariant: "core-forwards-requests", expected: "create:c1" }]);
    expect(expectedEmitted(after(...known, { type: "coreRequestsTerminate", cell: "c1", req: 2 }))).toMatchObject([{ invariant: "core-forwards-requests", expected: "terminate:2" }]);
  });

  it("core-forwards-requests: the drop of a cancelled observation and the guard's terminate are allowed, not required, in that step only", () => {
    const cancelled = after(...attached, { type: "coreCancelsObserve", cell: "c1", req: 1 });
    expect(expectedEmitted(cancelled)).toEqual([]);
    expect(coreForwardsRequests(cancelled, { type: "coreSendsDrop", cell: "c1", req: 1 })).toEqual([]);
    expect(coreForwardsRequests(cancelled, { type: "coreSendsTerminate", cell: "c1", req: 1 })).toEqual([]);
    expect(coreForwardsRequests(cancelled, { type: "coreSendsTerminate", cell: "c1", req: 5 })).toMatchObject([{ invariant: "core-forwards-requests", actual: "terminate:5" }]);
    // The guard's terminate, once sent, is a request of the guard's, and Core knows the cell ends.
    const guarded = next(cancelled, { type: "coreSendsTerminate", cell: "c1", req: 1 });
    expect(guarded.requests.get("terminate:1")).toMatchObject({ origin: "guard", stage: "sent" });
    expect(guarded.cells.get("c1")?.coreKnowsEnd).toBe(true);
    // The allowance lapses with the step.
    const later = next(cancelled, stepEnds());
    expect(coreForwardsRequests(later, { type: "coreSendsDrop", cell: "c1", req: 1 })).toMatchObject([{ invariant: "core-forwards-requests", actual: "drop:1" }]);
    expect(coreForwardsRequests(later, { type: "coreSendsTerminate", cell: "c1", req: 1 })).toMatchObject([{ invariant: "core-forwards-requests" }]);
    // Only the initial observation is guarded: cancelling a later wait allows the drop alone.
    const wait = after(...known, ...waiting(2), { type: "coreCancelsObserve", cell: "c1", req: 2 });
    expect(coreForwardsRequests(wait, { type: "coreSendsDrop", cell: "c1", req: 2 })).toEqual([]);
    expect(coreForwardsRequests(wait, { type: "coreSendsTerminate", cell: "c1", req: 2 })).toMatchObject([{ invariant: "core-forwards-requests" }]);
  });

  it("(b) no-premature-close: Core may forget a cell once it read a terminal reply to a cancelled observation", () => {
    const cancelled = after(...known, ...waiting(2), { type: "coreCancelsObserve", cell: "c1", req: 2 }, { type: "jsCompletes", cell: "c1" }, { type: "hostAnswersObserve", cell: "c1", req: 2, outcome: "completed" });
    // Before the reply is read, Core does not know the cell ends: its gate must be open.
    expect(noPrematureClose(cancelled, [])).toMatchObject([{ invariant: "no-premature-close", cell: "c1" }]);
    const read = next(cancelled, { type: "coreReceivesObserveOutcome", cell: "c1", req: 2, outcome: "completed" });
    expect(read.cells.get("c1")?.coreKnowsEnd).toBe(true);
    expect(noPrematureClose(read, [])).toEqual([]);
    // and neither may it hold the entry any more: nobody waits on the closed cell
    expect(noGateLeak(next(read, { type: "coreReceivesCellClosed", cell: "c1" }), [{ cell: "c1", kind: "open" }])).toMatchObject([{ invariant: "no-gate-leak" }]);
    // A yield read on a cancelled observation tells Core nothing.
    const yielded = after(...known, ...waiting(2), { type: "coreCancelsObserve", cell: "c1", req: 2 }, { type: "jsYields", cell: "c1" }, { type: "hostAnswersObserve", cell: "c1", req: 2, outcome: "yielded" }, { type: "coreReceivesObserveOutcome", cell: "c1", req: 2, outcome: "yielded" });
    expect(noPrematureClose(yielded, [])).toMatchObject([{ invariant: "no-premature-close" }]);
  });

  it("(d) outcome-never-lost: at the end of the run a finished cell, whose id the turn has, whose outcome never left the Host", () => {
    const s = after(...known, { type: "jsCompletes", cell: "c1" }, { type: "hostSendsCellClosed", cell: "c1" });
    expect(checkFinal(s, [])).toMatchObject([{ invariant: "outcome-never-lost", cell: "c1", actual: "never sent" }]);
    expect(checkFinal(next(s, { type: "hostShutsDown" }), [])).toEqual([]);
    // A cell the turn never got the id of cannot be observed again: nobody can be owed its outcome.
    expect(checkFinal(after(...ready, { type: "jsCompletes", cell: "c1" }, { type: "hostSendsCellClosed", cell: "c1" }), [])).toEqual([]);
  });

  it("checkFinal: a table that is not empty after the drain", () => {
    expect(checkFinal(after(), [{ cell: "c1", kind: "waiting" }])).toMatchObject([{ invariant: "no-gate-leak" }]);
  });
});
