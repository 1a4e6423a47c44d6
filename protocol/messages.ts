/**
 * The cellgate protocol vocabulary: every message that crosses a channel between the two parties,
 * every event the environment feeds in, and the channels themselves.
 *
 * Parties: the Host (cell runtime: registry, cell actors, completion commit) and Core (dispatch
 * side: gate table, exec/wait handlers that consume observations, the initial-observation guard).
 * Every async hop of the real system is a message on a channel the harness owns, so the harness
 * chooses every interleaving. See docs/protocol.md for the prose version of this file.
 */

/**
 * The highest protocol version this package speaks; bumped on any change to the vocabulary below.
 * Version 2 adds the Host's `observers` report and the `req` of `exec_create` (see
 * docs/protocol.md, "Version 2"); a version 1 implementation is still driven, unchanged.
 */
export const PROTOCOL_VERSION = 2;

/** Every protocol version this package can drive. */
export const PROTOCOL_VERSIONS = [1, 2] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];

/** A cell id: "c1", "c2", ... assigned by the harness in creation order. */
export type CellId = string & { readonly __brand: "CellId" };

/** The one constructor of a CellId. */
export function cellId(n: number): CellId {
  return `c${n}` as CellId;
}

/** Request id of an observe or terminate, assigned by the harness, unique within a run. */
export type ReqId = number;

export type ObserveOutcome = "yielded" | "completed" | "terminated" | "missing" | "busy";
export type TerminateOutcome = "completed" | "terminated" | "missing" | "already_terminating";

/** What Core's dispatch worker does with a nested tool call (protocol version 2, dispatch). */
export type DispatchDecision = "passed" | "held" | "refused";

/**
 * Requests Core sends to the Host (channel core→host, FIFO). `dispatch` (version 2, for an
 * implementation that offers dispatch) is Core's answer to a nested tool call: let through, held
 * back until readiness, or refused; a held call gets a second `dispatch` when it is let through
 * or refused. The Host takes it as the tool's result for the callback and changes nothing else.
 */
export type CoreToHost =
  | { readonly type: "create_cell"; readonly cell: CellId }
  | { readonly type: "observe"; readonly cell: CellId; readonly req: ReqId }
  | { readonly type: "drop_observation"; readonly cell: CellId; readonly req: ReqId }
  | { readonly type: "terminate"; readonly cell: CellId; readonly req: ReqId }
  | { readonly type: "dispatch"; readonly cell: CellId; readonly req: ReqId; readonly decision: DispatchDecision };

/**
 * The cell's callbacks into Core (channel host⇢dispatch, FIFO, independent of every other
 * channel: each callback runs in a task of its own in the real Host). Version 2, dispatch:
 * - invoke_tool: the JavaScript's nested tool call reaches Core's dispatch worker;
 * - cancel_tool: the Host cancels a callback still waiting (the cell completed or is terminated).
 */
export type HostCallback =
  | { readonly type: "invoke_tool"; readonly cell: CellId; readonly req: ReqId }
  | { readonly type: "cancel_tool"; readonly cell: CellId; readonly req: ReqId };

/** Replies the Host sends to Core (channel host→core, FIFO). */
export type HostReply =
  | { readonly type: "created"; readonly cell: CellId }
  | { readonly type: "rejected"; readonly cell: CellId }
  | { readonly type: "observe_outcome"; readonly cell: CellId; readonly req: ReqId; readonly outcome: ObserveOutcome }
  | { readonly type: "terminate_outcome"; readonly cell: CellId; readonly req: ReqId; readonly outcome: TerminateOutcome };

/** The terminal notification (channel host⇢core, FIFO, independent of the replies). */
export type HostNotice = { readonly type: "cell_closed"; readonly cell: CellId };

/**
 * The Host's own async hops for one cell (channel host:<cell>, FIFO, one per cell):
 * - commit: the JavaScript finished; the completion commit is awaiting the stored-values lock.
 * - deliver_completion: the commit succeeded; delivery to the observer (or the buffer) is pending.
 * - actor_exit: the token is cancelled; the actor's termination path and exit are pending.
 */
export type HostSelf =
  | { readonly type: "commit"; readonly cell: CellId }
  | { readonly type: "deliver_completion"; readonly cell: CellId }
  | { readonly type: "actor_exit"; readonly cell: CellId };

/** Core's own async hop (channel core:self, FIFO): forget a cell after reading a terminal outcome. */
export type CoreSelf = { readonly type: "forget"; readonly cell: CellId };

/** Every message a party can emit. */
export type Message = CoreToHost | HostReply | HostNotice | HostCallback | HostSelf | CoreSelf;
export type MessageType = Message["type"];

/** Events the environment (the model-written JavaScript, the session) feeds to the Host. */
export type HostEvent =
  | { readonly type: "js_yield"; readonly cell: CellId }
  | { readonly type: "js_complete"; readonly cell: CellId }
  /** Version 2, dispatch: the JavaScript makes a nested tool call; `req` is the call's id. */
  | { readonly type: "js_tool_call"; readonly cell: CellId; readonly req: ReqId }
  | { readonly type: "shutdown" };

/** Events the environment (the turn: exec and wait handlers, the user) feeds to Core. */
export type CoreEvent =
  /**
   * The exec call starts a cell. Version 2 adds `req`: the id of the exec call's initial
   * observation, for a Core that attaches it at admission (it emits `observe(cell, req)` right
   * after `create_cell(cell)`, in the same step). The id is used up only if Core sends it.
   */
  | { readonly type: "exec_create"; readonly cell: CellId; readonly req?: ReqId }
  | { readonly type: "mark_ready"; readonly cell: CellId }
  | { readonly type: "wait_observe"; readonly cell: CellId; readonly req: ReqId }
  | { readonly type: "cancel_observe"; readonly cell: CellId; readonly req: ReqId }
  | { readonly type: "user_terminate"; readonly cell: CellId; readonly req: ReqId };

/** Everything the Host accepts in one step. */
export type HostInput = HostEvent | CoreToHost | HostSelf;
/** Everything Core accepts in one step. */
export type CoreInput = CoreEvent | HostReply | HostNotice | HostCallback | CoreSelf;

export type Party = "host" | "core";

/** A channel name. Host lanes are per cell: "host:c1". */
export type ChannelName = "core→host" | "host→core" | "host⇢core" | "host⇢dispatch" | "core:self" | `host:${string}`;

/** Which channel a message travels on, and which party receives it. */
export function route(message: Message): { readonly channel: ChannelName; readonly to: Party } {
  switch (message.type) {
    case "create_cell":
    case "observe":
    case "drop_observation":
    case "terminate":
    case "dispatch":
      return { channel: "core→host", to: "host" };
    case "invoke_tool":
    case "cancel_tool":
      return { channel: "host⇢dispatch", to: "core" };
    case "created":
    case "rejected":
    case "observe_outcome":
    case "terminate_outcome":
      return { channel: "host→core", to: "core" };
    case "cell_closed":
      return { channel: "host⇢core", to: "core" };
    case "commit":
    case "deliver_completion":
    case "actor_exit":
      return { channel: `host:${message.cell}`, to: "host" };
    case "forget":
      return { channel: "core:self", to: "core" };
    default:
      return assertNever(message);
  }
}

/** Which party may emit a message type (a Host never emits a Core request, and so on). */
export function emitter(type: MessageType): Party {
  switch (type) {
    case "create_cell":
    case "observe":
    case "drop_observation":
    case "terminate":
    case "forget":
    case "dispatch":
      return "core";
    default:
      return "host";
  }
}

/** Stable, readable form: `observe_outcome(c1, #3, completed)`. */
export function formatMessage(m: Message | HostEvent | CoreEvent): string {
  switch (m.type) {
    case "shutdown":
      return "shutdown";
    case "observe_outcome":
    case "terminate_outcome":
      return `${m.type}(${m.cell}, #${m.req}, ${m.outcome})`;
    case "dispatch":
      return `dispatch(${m.cell}, #${m.req}, ${m.decision})`;
    case "js_tool_call":
    case "invoke_tool":
    case "cancel_tool":
    case "observe":
    case "drop_observation":
    case "terminate":
    case "wait_observe":
    case "cancel_observe":
    case "user_terminate":
      return `${m.type}(${m.cell}, #${m.req})`;
    default:
      return `${m.type}(${m.cell})`;
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
