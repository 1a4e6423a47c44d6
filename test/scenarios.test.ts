import { describe, expect, it } from "vitest";
import { formatMessage, type CellId } from "../protocol/index.ts";
import { Core, Host } from "../reference/index.ts";
import { cancelledObservationMarker } from "../reference/variants/cancelled-observation-marker.ts";
import { closeBeforeReady } from "../reference/variants/close-before-ready.ts";
import { closeBeforeRejectedDelivery } from "../reference/variants/close-before-rejected-delivery.ts";
import { closeOnlyAtExit } from "../reference/variants/close-only-at-exit.ts";
import { allEmitted, emittedAt, play, tableAfter } from "./support/play.ts";

const admitted = ["create c1", "deliver core→host create_cell(c1)", "deliver host→core created(c1)", "ready c1"];
/**
 * Admitted, ready, and the exec call's initial observation answered (a yield) and read: from here
 * on the turn has the cell's id, so it can wait on the cell again or terminate it (#2 onwards).
 */
const known = [...admitted, "observe c1 (#1)", "deliver core→host observe(c1, #1)", "yield c1", "deliver host→core observe_outcome(c1, #1, yielded)"];

describe("the three review traces of PR #29310 (cell-lifecycle.md §4)", () => {
  // Bug 1: a fast cell yields, completes and closes before Core's readiness call.
  const bug1 = [
    "create c1",
    "deliver core→host create_cell(c1)",
    "yield c1",
    "complete c1",
    "deliver host:c1 commit(c1)",
    "deliver host:c1 deliver_completion(c1)",
    "deliver host⇢core cell_closed(c1)",
    "deliver host→core created(c1)",
    "ready c1",
    "observe c1 (#1)",
    "deliver core→host observe(c1, #1)",
    "deliver host→core observe_outcome(c1, #1, yielded)",
  ];

  it("close before ready: the reference keeps a marker that readiness consumes, and frees the gate", () => {
    const r = play(bug1, undefined, false);
    expect(r.failure).toBeUndefined();
    expect(tableAfter(r, "deliver host⇢core cell_closed(c1)")).toEqual(["c1:marker"]);
    expect(tableAfter(r, "ready c1")).toEqual([]);
    expect(emittedAt(r, "deliver core→host observe(c1, #1)")).toEqual(["observe_outcome(c1, #1, yielded)"]);
    expect(play(bug1).failure).toBeUndefined();
  });

  it("close before ready: bug-close-before-ready leaks the gate that readiness opens", () => {
    const r = play(bug1, closeBeforeReady, false);
    // Readiness opens a gate that nothing removes; the exec call's initial read is still to come
    // at step 9, so the leak shows once that read is over (its reply, a yield, is read at step 12).
    expect(tableAfter(r, "ready c1")).toEqual(["c1:open"]);
    expect(r.failure).toMatchObject({ verdict: "violation", step: 12, violations: [{ invariant: "no-gate-leak", cell: "c1" }] });
  });

  // Bug 2: the initial observation is cancelled; the guard terminates; cell_closed arrives last.
  const bug2 = [
    ...admitted,
    "observe c1 (#1)",
    "observe-cancel c1 (#1)",
    "deliver core→host observe(c1, #1)",
    "deliver core→host drop_observation(c1, #1)",
    "deliver core→host terminate(c1, #1)",
    "deliver host:c1 actor_exit(c1)",
    "deliver host→core terminate_outcome(c1, #1, terminated)",
    "deliver host⇢core cell_closed(c1)",
  ];

  it("cancelled initial observation: the reference removes the gate when cell_closed arrives", () => {
    const r = play(bug2, undefined, false);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "observe-cancel c1 (#1)")).toEqual(["drop_observation(c1, #1)", "terminate(c1, #1)"]);
    expect(tableAfter(r)).toEqual([]);
  });

  it("cancelled initial observation: bug-cancelled-observation-marker leaves a marker nobody consumes", () => {
    const r = play(bug2, cancelledObservationMarker, false);
    expect(r.failure).toMatchObject({ verdict: "violation", step: 12, violations: [{ invariant: "no-gate-leak", actual: "c1: marker" }] });
  });

  // Bug 3: terminate claims a committed completion before its delivery to the attached observer.
  // (The turn terminates by the id the initial reply gave it, so the attached observer is a wait, #2.)
  const bug3 = [
    ...known,
    "observe c1 (#2)",
    "deliver core→host observe(c1, #2)",
    "complete c1",
    "deliver host:c1 commit(c1)",
    "terminate c1 (#3)",
    "deliver core→host terminate(c1, #3)",
    "deliver host:c1 deliver_completion(c1)",
  ];

  it("terminate between commit and delivery: the reference sends the observer's outcome before cell_closed", () => {
    const r = play(bug3);
    expect(r.failure).toBeUndefined();
    expect(r.run.orderings["terminate-between-commit-and-deliver"]).toBe(1);
    expect(emittedAt(r, "deliver core→host terminate(c1, #3)")).toEqual(["terminate_outcome(c1, #3, completed)"]);
    expect(emittedAt(r, "deliver host:c1 deliver_completion(c1)")).toEqual(["observe_outcome(c1, #2, completed)", "cell_closed(c1)"]);
  });

  it("terminate between commit and delivery: bug-close-before-rejected-delivery closes first", () => {
    const r = play(bug3, closeBeforeRejectedDelivery, false);
    expect(r.failure).toMatchObject({ verdict: "violation", step: 15, violations: [{ invariant: "outcome-before-close" }] });
  });

  it("the mirror of bug 2: the runtime's close wins, then the guard fires (reference)", () => {
    const r = play([
      ...admitted,
      "observe c1 (#1)",
      "deliver core→host observe(c1, #1)",
      "complete c1",
      "deliver host:c1 commit(c1)",
      "deliver host:c1 deliver_completion(c1)",
      "deliver host⇢core cell_closed(c1)",
      "observe-cancel c1 (#1)",
    ]);
    expect(r.failure).toBeUndefined();
  });
});

describe("codex Rust test scenarios (cell-lifecycle.md §6), on the reference", () => {
  it("terminal_notification_removes_the_cell_dispatch_gate", () => {
    const r = play([...known, "terminate c1 (#2)", "deliver core→host terminate(c1, #2)", "deliver host:c1 actor_exit(c1)", "deliver host⇢core cell_closed(c1)"], undefined, false);
    expect(r.failure).toBeUndefined();
    expect(tableAfter(r, "ready c1")).toEqual(["c1:open"]);
    expect(tableAfter(r, "deliver host:c1 actor_exit(c1)")).toEqual(["c1:open"]);
    // The terminate's reply is still in flight: the notification alone removes the gate.
    expect(r.trace.at(-1)?.inFlight).toEqual(["host→core: terminate_outcome(c1, #2, terminated)"]);
    expect(tableAfter(r)).toEqual([]);
  });

  it("terminal_notification_before_readiness_does_not_reopen_the_dispatch_gate", () => {
    const r = play(["create c1", "deliver core→host create_cell(c1)", "shutdown", "deliver host:c1 actor_exit(c1)", "deliver host⇢core cell_closed(c1)", "deliver host→core created(c1)", "ready c1"], undefined, false);
    expect(r.failure).toBeUndefined();
    expect(tableAfter(r, "deliver host⇢core cell_closed(c1)")).toEqual(["c1:marker"]);
    expect(tableAfter(r)).toEqual([]);
  });

  const background = [...known, "complete c1", "deliver host:c1 commit(c1)", "deliver host:c1 deliver_completion(c1)", "deliver host⇢core cell_closed(c1)"];

  it("background_completion_removes_the_dispatch_gate_without_another_observation", () => {
    const r = play(background, undefined, false);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver host:c1 deliver_completion(c1)")).toEqual(["cell_closed(c1)"]);
    expect(tableAfter(r)).toEqual([]);
  });

  it("background_completion_removes_the_dispatch_gate_without_another_observation: bug-close-only-at-exit keeps the gate until someone reads the completion", () => {
    const r = play(background.slice(0, -1), closeOnlyAtExit, false);
    // Nothing is in flight once the completion is buffered: the cell must have been closed by now.
    expect(r.failure).toMatchObject({
      verdict: "violation",
      step: 11,
      violations: [{ invariant: "closed-exactly-once", cell: "c1", actual: "0", message: "c1 ended (its JavaScript finished) and nothing is in flight, but cell_closed was sent 0 times" }],
    });
    expect(tableAfter(r)).toEqual(["c1:open"]);
  });

  it("dropping_initial_observation_guard_terminates_the_cell", () => {
    const r = play([...admitted, "observe c1 (#1)", "observe-cancel c1 (#1)", "deliver core→host observe(c1, #1)", "deliver core→host drop_observation(c1, #1)", "deliver core→host terminate(c1, #1)", "deliver host:c1 actor_exit(c1)"]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver host:c1 actor_exit(c1)")).toEqual(["terminate_outcome(c1, #1, terminated)", "cell_closed(c1)"]);
  });

  it("natural_completion_cleans_up_before_responding: Completed, then cell_closed", () => {
    const r = play([...admitted, "observe c1 (#1)", "deliver core→host observe(c1, #1)", "complete c1", "deliver host:c1 commit(c1)", "deliver host:c1 deliver_completion(c1)"]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver host:c1 deliver_completion(c1)")).toEqual(["observe_outcome(c1, #1, completed)", "cell_closed(c1)"]);
  });

  it("termination_cancels_pending_callbacks_before_responding: Terminated, then cell_closed", () => {
    const r = play([...known, "observe c1 (#2)", "deliver core→host observe(c1, #2)", "terminate c1 (#3)", "deliver core→host terminate(c1, #3)", "deliver host:c1 actor_exit(c1)"]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver host:c1 actor_exit(c1)")).toEqual(["terminate_outcome(c1, #3, terminated)", "observe_outcome(c1, #2, terminated)", "cell_closed(c1)"]);
  });

  it("shutdown_cancels_notifications_while_natural_completion_is_draining: cell_closed follows", () => {
    const r = play([...admitted, "complete c1", "shutdown", "deliver host:c1 commit(c1)", "deliver host:c1 actor_exit(c1)"]);
    expect(r.failure).toBeUndefined();
    expect(r.run.orderings["shutdown-mid-drain"]).toBe(1);
    expect(emittedAt(r, "deliver host:c1 commit(c1)")).toEqual([]);
    expect(emittedAt(r, "deliver host:c1 actor_exit(c1)")).toEqual(["cell_closed(c1)"]);
  });

  it("repeated_termination_is_rejected_while_callback_cleanup_is_pending", () => {
    const r = play([...known, "terminate c1 (#2)", "terminate c1 (#3)", "deliver core→host terminate(c1, #2)", "deliver core→host terminate(c1, #3)", "deliver host:c1 actor_exit(c1)"]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver core→host terminate(c1, #3)")).toEqual(["terminate_outcome(c1, #3, already_terminating)"]);
    expect(emittedAt(r, "deliver host:c1 actor_exit(c1)")).toEqual(["terminate_outcome(c1, #2, terminated)", "cell_closed(c1)"]);
  });

  it("create_cell_returns_before_natural_completion: cell_closed comes last", () => {
    const r = play([...admitted, "observe c1 (#1)", "deliver core→host observe(c1, #1)", "complete c1", "deliver host:c1 commit(c1)", "deliver host:c1 deliver_completion(c1)"]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver core→host create_cell(c1)")).toEqual(["created(c1)"]);
    expect(allEmitted(r).filter((m) => m.includes("(c1")).at(-1)).toBe("forget(c1)");
  });

  it("created_cell_can_be_terminated_before_observation", () => {
    // The turn names a cell only by the id its initial reply gives, so nobody can terminate a cell
    // before any observation of it was answered, except the initial-observation guard: the exec
    // call's consumer goes away before a reply, Core drops the observation and terminates the
    // cell. That is this scenario as the faithful environment has it: a created cell that never
    // yielded, never completed and never got an observation answered is terminated.
    const r = play([...admitted, "observe c1 (#1)", "observe-cancel c1 (#1)", "deliver core→host observe(c1, #1)", "deliver core→host drop_observation(c1, #1)", "deliver core→host terminate(c1, #1)", "deliver host:c1 actor_exit(c1)"]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "observe-cancel c1 (#1)")).toEqual(["drop_observation(c1, #1)", "terminate(c1, #1)"]);
    expect(emittedAt(r, "deliver core→host terminate(c1, #1)")).toEqual(["actor_exit(c1)"]);
    expect(emittedAt(r, "deliver host:c1 actor_exit(c1)")).toEqual(["terminate_outcome(c1, #1, terminated)", "cell_closed(c1)"]);
    // The dropped observation is never answered: no observation of the cell ever got a reply.
    expect(allEmitted(r).filter((m) => m.startsWith("observe_outcome"))).toEqual([]);
    expect(tableAfter(r)).toEqual([]);
  });

  it("second_observer_is_rejected_without_displacing_the_first", () => {
    const r = play([...known, "observe c1 (#2)", "observe c1 (#3)", "deliver core→host observe(c1, #2)", "deliver core→host observe(c1, #3)", "terminate c1 (#4)", "deliver core→host terminate(c1, #4)", "deliver host:c1 actor_exit(c1)"]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver core→host observe(c1, #2)")).toEqual([]);
    expect(emittedAt(r, "deliver core→host observe(c1, #3)")).toEqual(["observe_outcome(c1, #3, busy)"]);
    expect(emittedAt(r, "deliver host:c1 actor_exit(c1)")).toEqual(["terminate_outcome(c1, #4, terminated)", "observe_outcome(c1, #2, terminated)", "cell_closed(c1)"]);
  });

  it("observed_natural_completion_wins_over_termination", () => {
    const r = play([...known, "complete c1", "deliver host:c1 commit(c1)", "deliver host:c1 deliver_completion(c1)", "terminate c1 (#2)", "deliver core→host terminate(c1, #2)"]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver host:c1 deliver_completion(c1)")).toEqual(["cell_closed(c1)"]);
    expect(emittedAt(r, "deliver core→host terminate(c1, #2)")).toEqual(["terminate_outcome(c1, #2, completed)"]);
  });

  it("yield_before_first_observation_preserves_its_output_boundary", () => {
    const r = play(["create c1", "deliver core→host create_cell(c1)", "yield c1", "deliver host→core created(c1)", "ready c1", "observe c1 (#1)", "deliver core→host observe(c1, #1)", "complete c1", "deliver host:c1 commit(c1)", "deliver host:c1 deliver_completion(c1)", "deliver host→core observe_outcome(c1, #1, yielded)", "observe c1 (#2)", "deliver core→host observe(c1, #2)"]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver core→host observe(c1, #1)")).toEqual(["observe_outcome(c1, #1, yielded)"]);
    expect(emittedAt(r, "deliver core→host observe(c1, #2)")).toEqual(["observe_outcome(c1, #2, completed)"]);
  });

  it("completion_and_output_are_buffered_until_the_first_observation", () => {
    const r = play([...admitted, "complete c1", "deliver host:c1 commit(c1)", "deliver host:c1 deliver_completion(c1)", "observe c1 (#1)", "deliver core→host observe(c1, #1)"]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver core→host observe(c1, #1)")).toEqual(["observe_outcome(c1, #1, completed)"]);
  });

  it("failed_completion_delivery_rebuffers_the_event: a dropped observer does not take the completion", () => {
    const r = play([...admitted, "observe c1 (#1)", "deliver core→host observe(c1, #1)", "observe-cancel c1 (#1)", "deliver core→host drop_observation(c1, #1)", "complete c1", "deliver host:c1 commit(c1)", "deliver host:c1 deliver_completion(c1)", "deliver core→host terminate(c1, #1)"]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver host:c1 deliver_completion(c1)")).toEqual(["cell_closed(c1)"]);
    expect(emittedAt(r, "deliver core→host terminate(c1, #1)")).toEqual(["terminate_outcome(c1, #1, completed)"]);
  });

  it("queued_termination_preempts_unobserved_runtime_completion", () => {
    const r = play([...known, "complete c1", "terminate c1 (#2)", "deliver core→host terminate(c1, #2)", "deliver host:c1 commit(c1)", "deliver host:c1 actor_exit(c1)"]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver host:c1 commit(c1)")).toEqual([]);
    expect(emittedAt(r, "deliver host:c1 actor_exit(c1)")).toEqual(["terminate_outcome(c1, #2, terminated)", "cell_closed(c1)"]);
  });

  it("unattached_yield_after_the_first_observation_is_a_no_op", () => {
    const r = play([...admitted, "observe c1 (#1)", "deliver core→host observe(c1, #1)", "yield c1", "deliver host→core observe_outcome(c1, #1, yielded)", "yield c1", "observe c1 (#2)", "deliver core→host observe(c1, #2)"]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "yield c1")).toEqual(["observe_outcome(c1, #1, yielded)"]);
    expect(r.trace.filter((s) => s.label === "yield c1")[1]?.emitted).toEqual([]);
    expect(emittedAt(r, "deliver core→host observe(c1, #2)")).toEqual([]);
  });

  it("shutdown_rejects_cell_admission_queued_before_the_registry_lock", () => {
    const r = play(["create c1", "shutdown", "deliver core→host create_cell(c1)", "deliver host→core rejected(c1)"], undefined, false);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver core→host create_cell(c1)")).toEqual(["rejected(c1)"]);
    expect(tableAfter(r)).toEqual([]);
  });
});

describe("the reference's own choices where the protocol allows more than one", () => {
  it("Core removes an open gate as soon as its consumer has read a terminal outcome, before cell_closed arrives", () => {
    const r = play([
      ...admitted,
      "observe c1 (#1)",
      "deliver core→host observe(c1, #1)",
      "complete c1",
      "deliver host:c1 commit(c1)",
      "deliver host:c1 deliver_completion(c1)",
      "deliver host→core observe_outcome(c1, #1, completed)",
      "deliver core:self forget(c1)",
    ], undefined, false);
    expect(r.failure).toBeUndefined();
    expect(tableAfter(r, "deliver host→core observe_outcome(c1, #1, completed)")).toEqual(["c1:open"]);
    expect(tableAfter(r, "deliver core:self forget(c1)")).toEqual([]);
    expect(r.trace.at(-1)?.inFlight).toEqual(["host⇢core: cell_closed(c1)"]);
  });

  it("the initial-observation guard stays with the first observation after readiness, however many follow it", () => {
    const first = play([...admitted, "observe c1 (#1)", "observe-cancel c1 (#1)"], undefined, false);
    expect(first.failure).toBeUndefined();
    expect(emittedAt(first, "observe-cancel c1 (#1)")).toEqual(["drop_observation(c1, #1)", "terminate(c1, #1)"]);
    // A later wait (the turn has the id once the initial reply was read) is dropped, not guarded.
    const later = play([...known, "observe c1 (#2)", "observe c1 (#3)", "observe-cancel c1 (#2)", "observe-cancel c1 (#3)"], undefined, false);
    expect(later.failure).toBeUndefined();
    expect(emittedAt(later, "observe-cancel c1 (#2)")).toEqual(["drop_observation(c1, #2)"]);
    expect(emittedAt(later, "observe-cancel c1 (#3)")).toEqual(["drop_observation(c1, #3)"]);
    // Observations that overlap the initial one cannot come from the turn (it has no id yet), but
    // Core binds the guard to the first one after readiness all the same.
    const core = new Core();
    const c1 = "c1" as CellId;
    for (const e of [{ type: "exec_create", cell: c1 }, { type: "created", cell: c1 }, { type: "mark_ready", cell: c1 }, { type: "wait_observe", cell: c1, req: 1 }, { type: "wait_observe", cell: c1, req: 2 }] as const) core.step(e);
    expect(core.step({ type: "cancel_observe", cell: c1, req: 2 }).map(formatMessage)).toEqual(["drop_observation(c1, #2)"]);
    expect(core.step({ type: "cancel_observe", cell: c1, req: 1 }).map(formatMessage)).toEqual(["drop_observation(c1, #1)", "terminate(c1, #1)"]);
  });

  it("Core forgets a cell once the user's terminate is answered, but not on already_terminating", () => {
    const r = play([
      ...known,
      "terminate c1 (#2)",
      "deliver core→host terminate(c1, #2)",
      "terminate c1 (#3)",
      "deliver core→host terminate(c1, #3)",
      "deliver host:c1 actor_exit(c1)",
      "deliver host→core terminate_outcome(c1, #3, already_terminating)",
      "deliver host→core terminate_outcome(c1, #2, terminated)",
      "deliver core:self forget(c1)",
    ], undefined, false);
    expect(r.failure).toBeUndefined();
    expect(tableAfter(r, "deliver host→core terminate_outcome(c1, #3, already_terminating)")).toEqual(["c1:open"]);
    expect(emittedAt(r, "deliver host→core terminate_outcome(c1, #3, already_terminating)")).toEqual([]);
    expect(emittedAt(r, "deliver host→core terminate_outcome(c1, #2, terminated)")).toEqual(["forget(c1)"]);
    expect(tableAfter(r, "deliver core:self forget(c1)")).toEqual([]);
    expect(r.trace.at(-1)?.inFlight).toEqual(["host⇢core: cell_closed(c1)"]);
  });

  it("an observer that arrives after terminate claimed the committed completion is told missing: the outcome is the terminator's", () => {
    const r = play([
      ...known,
      "complete c1",
      "deliver host:c1 commit(c1)",
      "terminate c1 (#2)",
      "deliver core→host terminate(c1, #2)",
      "observe c1 (#3)",
      "deliver core→host observe(c1, #3)",
    ]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver core→host terminate(c1, #2)")).toEqual(["terminate_outcome(c1, #2, completed)"]);
    expect(emittedAt(r, "deliver core→host observe(c1, #3)")).toEqual(["observe_outcome(c1, #3, missing)"]);
  });

  it("the preserved initial yield is read once; the next observation gets the buffered completion", () => {
    const r = play([
      ...admitted,
      "yield c1",
      "complete c1",
      "deliver host:c1 commit(c1)",
      "deliver host:c1 deliver_completion(c1)",
      "observe c1 (#1)",
      "deliver core→host observe(c1, #1)",
      "deliver host→core observe_outcome(c1, #1, yielded)",
      "observe c1 (#2)",
      "deliver core→host observe(c1, #2)",
    ]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver core→host observe(c1, #1)")).toEqual(["observe_outcome(c1, #1, yielded)"]);
    expect(emittedAt(r, "deliver core→host observe(c1, #2)")).toEqual(["observe_outcome(c1, #2, completed)"]);
  });

  it("shutdown discards a buffered completion: no actor exit for the finished cell, and a later observation is told missing", () => {
    const r = play([
      ...admitted,
      "complete c1",
      "deliver host:c1 commit(c1)",
      "deliver host:c1 deliver_completion(c1)",
      "shutdown",
      "observe c1 (#1)",
      "deliver core→host observe(c1, #1)",
    ]);
    expect(r.failure).toBeUndefined();
    expect(emittedAt(r, "deliver host:c1 deliver_completion(c1)")).toEqual(["cell_closed(c1)"]);
    expect(emittedAt(r, "shutdown")).toEqual([]);
    expect(emittedAt(r, "deliver core→host observe(c1, #1)")).toEqual(["observe_outcome(c1, #1, missing)"]);
  });
});

describe("the reference Host and Core fed directly", () => {
  const c1 = "c1" as CellId;
  const c9 = "c9" as CellId;

  it("the Host ignores a hop or a drop for a cell it never had", () => {
    const host = new Host();
    expect(host.step({ type: "commit", cell: c9 })).toEqual([]);
    expect(host.step({ type: "deliver_completion", cell: c9 })).toEqual([]);
    expect(host.step({ type: "actor_exit", cell: c9 })).toEqual([]);
    expect(host.step({ type: "drop_observation", cell: c9, req: 1 })).toEqual([]);
  });

  it("the Host ignores the JavaScript finishing once a terminate has reached it: termination wins", () => {
    const host = new Host();
    expect(host.step({ type: "create_cell", cell: c1 }).map(formatMessage)).toEqual(["created(c1)"]);
    expect(host.step({ type: "terminate", cell: c1, req: 1 }).map(formatMessage)).toEqual(["actor_exit(c1)"]);
    expect(host.step({ type: "js_complete", cell: c1 })).toEqual([]);
    expect(host.step({ type: "actor_exit", cell: c1 }).map(formatMessage)).toEqual(["terminate_outcome(c1, #1, terminated)", "cell_closed(c1)"]);
  });

  it("the Host answers missing to an observation or a terminate for a cell it never had", () => {
    const host = new Host();
    expect(host.step({ type: "observe", cell: c9, req: 1 }).map(formatMessage)).toEqual(["observe_outcome(c9, #1, missing)"]);
    expect(host.step({ type: "terminate", cell: c9, req: 2 }).map(formatMessage)).toEqual(["terminate_outcome(c9, #2, missing)"]);
  });

  it("the Host ignores the JavaScript of a cell it never had", () => {
    const host = new Host();
    expect(host.step({ type: "js_yield", cell: c9 })).toEqual([]);
    expect(host.step({ type: "js_complete", cell: c9 })).toEqual([]);
  });

  it("the Host ignores a yield once a terminate has reached the cell, even with an observer attached", () => {
    const host = new Host();
    host.step({ type: "create_cell", cell: c1 });
    expect(host.step({ type: "observe", cell: c1, req: 1 })).toEqual([]);
    expect(host.step({ type: "terminate", cell: c1, req: 2 }).map(formatMessage)).toEqual(["actor_exit(c1)"]);
    expect(host.step({ type: "js_yield", cell: c1 })).toEqual([]);
    expect(host.step({ type: "actor_exit", cell: c1 }).map(formatMessage)).toEqual([
      "terminate_outcome(c1, #2, terminated)",
      "observe_outcome(c1, #1, terminated)",
      "cell_closed(c1)",
    ]);
  });

  it("the Host commits a completion once, however often the JavaScript is said to finish", () => {
    const host = new Host();
    host.step({ type: "create_cell", cell: c1 });
    expect(host.step({ type: "js_complete", cell: c1 }).map(formatMessage)).toEqual(["commit(c1)"]);
    expect(host.step({ type: "js_complete", cell: c1 })).toEqual([]);
  });

  it("the Host ignores a delivery or an exit hop that it never scheduled", () => {
    const host = new Host();
    host.step({ type: "create_cell", cell: c1 });
    expect(host.step({ type: "deliver_completion", cell: c1 })).toEqual([]);
    expect(host.step({ type: "actor_exit", cell: c1 })).toEqual([]);
    expect(host.step({ type: "observe", cell: c1, req: 1 })).toEqual([]);
  });

  it("Core ignores the cancel of an observation whose reply it has already read", () => {
    const core = new Core();
    core.step({ type: "exec_create", cell: c1 });
    core.step({ type: "created", cell: c1 });
    core.step({ type: "mark_ready", cell: c1 });
    core.step({ type: "wait_observe", cell: c1, req: 1 });
    expect(core.step({ type: "observe_outcome", cell: c1, req: 1, outcome: "yielded" })).toEqual([]);
    expect(core.step({ type: "cancel_observe", cell: c1, req: 1 })).toEqual([]);
  });

  it("Core arms the initial-observation guard at readiness: an observation made before it does not count", () => {
    const core = new Core();
    core.step({ type: "exec_create", cell: c1 });
    core.step({ type: "created", cell: c1 });
    core.step({ type: "wait_observe", cell: c1, req: 1 });
    core.step({ type: "mark_ready", cell: c1 });
    core.step({ type: "wait_observe", cell: c1, req: 2 });
    expect(core.step({ type: "cancel_observe", cell: c1, req: 2 }).map(formatMessage)).toEqual(["drop_observation(c1, #2)", "terminate(c1, #2)"]);
  });

  it("Core keeps the open gate when readiness is reported a second time", () => {
    const core = new Core();
    core.step({ type: "exec_create", cell: c1 });
    core.step({ type: "created", cell: c1 });
    core.step({ type: "mark_ready", cell: c1 });
    core.step({ type: "mark_ready", cell: c1 });
    expect(core.gateTable()).toEqual([{ cell: c1, kind: "open" }]);
  });

  it("Core refuses an input about a cell it never created, naming the cell", () => {
    expect(() => new Core().step({ type: "mark_ready", cell: c9 })).toThrow("core: unknown cell c9");
  });

  it("both parties refuse an input of a kind the protocol does not have", () => {
    expect(() => new Host().step({ type: "reboot" } as never)).toThrow('unexpected value: {"type":"reboot"}');
    expect(() => new Core().step({ type: "reboot" } as never)).toThrow('unexpected value: {"type":"reboot"}');
  });
});
