/**
 * The bridge between the protocol (what implementations speak) and the model (what the
 * invariants judge): each protocol message or event becomes one model action.
 */
import type { CoreEvent, HostEvent, Message } from "../../protocol/index.ts";
import type { EmitAction, EnvAction, ReceiveAction } from "../../model/index.ts";

export function envAction(e: CoreEvent | HostEvent): EnvAction {
  switch (e.type) {
    case "exec_create":
      return e.req === undefined ? { type: "coreStartsCell", cell: e.cell } : { type: "coreStartsCell", cell: e.cell, req: e.req };
    case "mark_ready":
      return { type: "coreMarksReady", cell: e.cell };
    case "wait_observe":
      return { type: "coreStartsObserve", cell: e.cell, req: e.req };
    case "cancel_observe":
      return { type: "coreCancelsObserve", cell: e.cell, req: e.req };
    case "user_terminate":
      return { type: "coreRequestsTerminate", cell: e.cell, req: e.req };
    case "js_yield":
      return { type: "jsYields", cell: e.cell };
    case "js_complete":
      return { type: "jsCompletes", cell: e.cell };
    case "js_tool_call":
      return { type: "jsCallsTool", cell: e.cell, req: e.req };
    case "shutdown":
      return { type: "hostShutsDown" };
  }
}

export function emitAction(m: Message): EmitAction {
  switch (m.type) {
    case "create_cell":
      return { type: "coreSendsCreate", cell: m.cell };
    case "observe":
      return { type: "coreSendsObserve", cell: m.cell, req: m.req };
    case "drop_observation":
      return { type: "coreSendsDrop", cell: m.cell, req: m.req };
    case "terminate":
      return { type: "coreSendsTerminate", cell: m.cell, req: m.req };
    case "forget":
      return { type: "coreSendsForget", cell: m.cell };
    case "dispatch":
      return { type: "coreDecidesDispatch", cell: m.cell, req: m.req, decision: m.decision };
    case "invoke_tool":
      return { type: "hostSendsToolCall", cell: m.cell, req: m.req };
    case "cancel_tool":
      return { type: "hostCancelsToolCall", cell: m.cell, req: m.req };
    case "created":
      return { type: "hostAnswersCreate", cell: m.cell, admitted: true };
    case "rejected":
      return { type: "hostAnswersCreate", cell: m.cell, admitted: false };
    case "observe_outcome":
      return { type: "hostAnswersObserve", cell: m.cell, req: m.req, outcome: m.outcome };
    case "terminate_outcome":
      return { type: "hostAnswersTerminate", cell: m.cell, req: m.req, outcome: m.outcome };
    case "cell_closed":
      return { type: "hostSendsCellClosed", cell: m.cell };
    case "commit":
    case "deliver_completion":
    case "actor_exit":
      return { type: "hostSchedulesHop", cell: m.cell, hop: m.type };
  }
}

export function receiveAction(m: Message): ReceiveAction {
  switch (m.type) {
    case "create_cell":
      return { type: "hostReceivesCreate", cell: m.cell };
    case "observe":
      return { type: "hostReceivesObserve", cell: m.cell, req: m.req };
    case "drop_observation":
      return { type: "hostReceivesDrop", cell: m.cell, req: m.req };
    case "terminate":
      return { type: "hostReceivesTerminate", cell: m.cell, req: m.req };
    case "forget":
      return { type: "coreReceivesForget", cell: m.cell };
    case "dispatch":
      return { type: "hostReceivesDispatch", cell: m.cell, req: m.req };
    case "invoke_tool":
      return { type: "coreReceivesToolCall", cell: m.cell, req: m.req };
    case "cancel_tool":
      return { type: "coreReceivesToolCancel", cell: m.cell, req: m.req };
    case "created":
      return { type: "coreReceivesAdmission", cell: m.cell, admitted: true };
    case "rejected":
      return { type: "coreReceivesAdmission", cell: m.cell, admitted: false };
    case "observe_outcome":
      return { type: "coreReceivesObserveOutcome", cell: m.cell, req: m.req, outcome: m.outcome };
    case "terminate_outcome":
      return { type: "coreReceivesTerminateOutcome", cell: m.cell, req: m.req, outcome: m.outcome };
    case "cell_closed":
      return { type: "coreReceivesCellClosed", cell: m.cell };
    case "commit":
    case "deliver_completion":
    case "actor_exit":
      return { type: "hostRunsHop", cell: m.cell, hop: m.type };
  }
}
