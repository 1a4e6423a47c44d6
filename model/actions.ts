/**
 * cellgate abstract model — actions.
 *
 * Three families, named actor + verb:
 * - the environment's moves (what the harness generates: the turn, the user, the JavaScript);
 * - what a party emitted (facts read off an implementation's output);
 * - what a party received (the harness delivered a message).
 * Plus `stepEnds`, which carries Core's gate table after the step.
 */
import type { Cell, DispatchResult, GateKind, ObserveResult, Req, TerminateResult } from "./state.ts";

export type HostHop = "commit" | "deliver_completion" | "actor_exit";

/** Moves of the environment; these are the only actions the generator chooses. */
export type EnvAction =
  /** The exec call starts a cell; `req` is the id its initial observation may take if Core fuses it into the call. */
  | { readonly type: "coreStartsCell"; readonly cell: Cell; readonly req?: Req }
  | { readonly type: "coreMarksReady"; readonly cell: Cell }
  | { readonly type: "coreStartsObserve"; readonly cell: Cell; readonly req: Req }
  | { readonly type: "coreCancelsObserve"; readonly cell: Cell; readonly req: Req }
  | { readonly type: "coreRequestsTerminate"; readonly cell: Cell; readonly req: Req }
  | { readonly type: "jsYields"; readonly cell: Cell }
  | { readonly type: "jsCompletes"; readonly cell: Cell }
  /** The JavaScript makes a nested tool call (dispatch). */
  | { readonly type: "jsCallsTool"; readonly cell: Cell; readonly req: Req }
  | { readonly type: "hostShutsDown" };

export type EmitAction =
  | { readonly type: "coreSendsCreate"; readonly cell: Cell }
  | { readonly type: "coreSendsObserve"; readonly cell: Cell; readonly req: Req }
  | { readonly type: "coreSendsDrop"; readonly cell: Cell; readonly req: Req }
  | { readonly type: "coreSendsTerminate"; readonly cell: Cell; readonly req: Req }
  | { readonly type: "coreSendsForget"; readonly cell: Cell }
  | { readonly type: "hostAnswersCreate"; readonly cell: Cell; readonly admitted: boolean }
  | { readonly type: "hostAnswersObserve"; readonly cell: Cell; readonly req: Req; readonly outcome: ObserveResult }
  | { readonly type: "hostAnswersTerminate"; readonly cell: Cell; readonly req: Req; readonly outcome: TerminateResult }
  | { readonly type: "hostSendsCellClosed"; readonly cell: Cell }
  | { readonly type: "hostSchedulesHop"; readonly cell: Cell; readonly hop: HostHop }
  | { readonly type: "hostSendsToolCall"; readonly cell: Cell; readonly req: Req }
  | { readonly type: "hostCancelsToolCall"; readonly cell: Cell; readonly req: Req }
  | { readonly type: "coreDecidesDispatch"; readonly cell: Cell; readonly req: Req; readonly decision: DispatchResult };

export type ReceiveAction =
  | { readonly type: "hostReceivesCreate"; readonly cell: Cell }
  | { readonly type: "hostReceivesObserve"; readonly cell: Cell; readonly req: Req }
  | { readonly type: "hostReceivesDrop"; readonly cell: Cell; readonly req: Req }
  | { readonly type: "hostReceivesTerminate"; readonly cell: Cell; readonly req: Req }
  | { readonly type: "hostRunsHop"; readonly cell: Cell; readonly hop: HostHop }
  | { readonly type: "coreReceivesAdmission"; readonly cell: Cell; readonly admitted: boolean }
  | { readonly type: "coreReceivesObserveOutcome"; readonly cell: Cell; readonly req: Req; readonly outcome: ObserveResult }
  | { readonly type: "coreReceivesTerminateOutcome"; readonly cell: Cell; readonly req: Req; readonly outcome: TerminateResult }
  | { readonly type: "coreReceivesCellClosed"; readonly cell: Cell }
  | { readonly type: "coreReceivesForget"; readonly cell: Cell }
  | { readonly type: "coreReceivesToolCall"; readonly cell: Cell; readonly req: Req }
  | { readonly type: "coreReceivesToolCancel"; readonly cell: Cell; readonly req: Req }
  | { readonly type: "hostReceivesDispatch"; readonly cell: Cell; readonly req: Req };

export interface GateRow {
  readonly cell: Cell;
  readonly kind: GateKind;
}

/** An observation the Host reports attached (protocol version 2). */
export interface ObserverRow {
  readonly cell: Cell;
  readonly req: Req;
}

/**
 * A step ended: Core's gate table, whether nothing is in flight, and — when the Host reports it
 * (version 2) — the observations attached at the Host. Without a report, "attached" is derived.
 */
export type StepEnds = {
  readonly type: "stepEnds";
  readonly table: readonly GateRow[];
  readonly quiescent: boolean;
  readonly observers?: readonly ObserverRow[];
};

export type Action = EnvAction | EmitAction | ReceiveAction | StepEnds;
