/**
 * The boundary between the harness and an implementation of the protocol.
 *
 * An implementation is deterministic and sans-IO: each party is a state machine that takes one
 * input and returns the messages it emits, in emission order. No clocks, no randomness, no
 * promises. The harness owns every channel and every delivery, so a command list alone replays a
 * run exactly, and an implementation in any language can be driven the same way (see the stdio
 * adapter and docs/protocol.md).
 */
import type { CellId, CoreInput, HostInput, Message, ProtocolVersion, ReqId } from "./messages.ts";

/**
 * The fixed vocabulary every implementation uses to report Core's gate table:
 * - `waiting`: an entry exists but readiness has not happened (dispatch is held back);
 * - `open`: readiness happened, dispatch flows;
 * - `marker`: the cell closed before readiness; the coming readiness call consumes the entry.
 */
export type GateKind = "waiting" | "open" | "marker";

/** One attached observation, as the Host reports it (version 2). */
export interface AttachedObserver {
  readonly cell: CellId;
  readonly req: ReqId;
}

export interface GateEntry {
  readonly cell: CellId;
  readonly kind: GateKind;
}

/** One live run of an implementation: both parties, fresh state. */
export interface Instance {
  /** Feed one input to the Host; returns what it emits, in order. */
  host(input: HostInput): readonly Message[];
  /** Feed one input to Core; returns what it emits, in order. */
  core(input: CoreInput): readonly Message[];
  /** Core's gate table right now, one row per cell that has an entry. */
  gateTable(): readonly GateEntry[];
  /**
   * Version 2, optional: the observations attached at the Host right now — each one an actor has
   * taken into its observer slot and will answer — in any order. An observe request still queued
   * (the actor is busy at an await and has not taken it yet) and an answered one are not listed.
   * The harness reads it after every step; "attached" in the invariants means this list when it
   * is offered, and "reached the Host, not answered, not dropped" when it is not.
   */
  observers?(): readonly AttachedObserver[];
  /**
   * Release resources (child processes); optional for in-process implementations. The instance
   * is not used after it (a bundled one then refuses every call, and the next `start()` may reuse
   * its parties, put back into the initial state).
   */
  close?(): void;
  /**
   * Optional: the whole state of both parties as a JSON value. Exhaustive search uses it to
   * deduplicate states exactly and to branch without replaying a run from the start. Contract:
   * two instances whose snapshots are equal (as JSON) answer every future input identically,
   * and every JSON number in a snapshot is a request id (encode anything else as a string or a
   * boolean), so that the search can rename request ids consistently. Leaving out state that can
   * no longer matter (say, a request id nothing will ever mention again) is allowed.
   */
  snapshot?(): unknown;
  /** Optional, with `snapshot`: put a fresh instance (from `start()`) into a snapshot's state. */
  restore?(snapshot: unknown): void;
  /**
   * Optional, with `snapshot`: the instance never changes a value `snapshot()` returned or
   * `restore()` was given, then or later (it may keep one, return it again, or share its parts
   * between snapshots, as the bundled implementations do: reference/snapshot.ts). A search may
   * then keep the value itself, never changing it either, and restore many instances from it;
   * otherwise it keeps a copy (its JSON text).
   */
  readonly snapshotsUnshared?: boolean;
}

/** How the harness wants a run started (an in-process implementation may ignore both). */
export interface StartOptions {
  /**
   * Start in a fresh process or thread, with nothing left from earlier runs (confirming a
   * counterexample, and the sampled soundness replays). Honoured when `freshStart` is true.
   */
  readonly fresh?: boolean;
  /**
   * False: the harness will not read the gate table (or the observers) after each step of this
   * run, only once at its end, so an adapter must not ask for them along with each step. Used to
   * check that an implementation does not behave differently when it is not inspected.
   */
  readonly inspected?: boolean;
}

/** A named implementation the harness can start fresh for every run. */
export interface Implementation {
  readonly name: string;
  /** One line: what this implementation is (and, for a variant, what it gets wrong). */
  readonly summary: string;
  /** The protocol version the implementation speaks (default 1: no `observers`, no `req` on `exec_create`). */
  readonly protocol?: ProtocolVersion;
  /**
   * Version 2, optional: the implementation models nested tool calls (`js_tool_call`,
   * `invoke_tool`, `cancel_tool`, `dispatch`), so the harness can judge the gate by its effect on
   * dispatch, not only by the reported table. Without it no tool call is ever generated.
   */
  readonly dispatch?: boolean;
  start(options?: StartOptions): Instance;
  /** `start({ fresh: true })` really starts a fresh process or thread (out-of-process adapters). */
  readonly freshStart?: boolean;
  /** An adapter whose steps are bounded by a timeout: lets the harness re-run under a longer one. */
  readonly timing?: StepTiming;
  /**
   * What an out-of-process implementation has to tell about the last run (its stderr); the
   * harness calls it once, after replaying a counterexample. Optional.
   */
  diagnostics?(): Diagnostics;
  /** Stop what the implementation holds across runs (a child process, a worker). Optional. */
  dispose?(): void;
}

/** The step timeout of an adapter, and what it measured (see properties/run/timing.ts). */
export interface StepTiming {
  /** The step timeout, in ms. */
  readonly stepTimeoutMs: number;
  /** Run `f` with every step (and reset) bounded by `ms` instead of the step timeout. */
  withStepTimeout<T>(ms: number, f: () => T): T;
  /** The slowest request of the current run (since the last start), and how long it took. */
  slowest(): { readonly what: string; readonly ms: number } | undefined;
}

/** What an adapter reports about the implementation behind it, for the report. */
export interface Diagnostics {
  /** What the implementation wrote to stderr during the last run (the tail, bounded). */
  readonly stderr: string;
  /** Bytes of that stderr left out to keep it bounded (0 when it is complete). */
  readonly stderrDropped: number;
  /** How many times the implementation was started (more than 1 after crashes, hangs, protocol errors). */
  readonly starts: number;
}

/** Does `impl` offer nested tool calls? Only a version 2 implementation can (version 1 has no such capability). */
export function offersDispatch(impl: Pick<Implementation, "dispatch" | "protocol">): boolean {
  return impl.dispatch === true && (impl.protocol ?? 1) >= 2;
}
