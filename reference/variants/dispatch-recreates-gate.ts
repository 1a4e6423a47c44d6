/**
 * bug-dispatch-recreates-gate (R5 of cell-lifecycle.md §2, the dispatch worker of
 * openai/codex@28536e0b): a nested tool call for a cell with no entry inserts a `waiting` entry
 * and waits on it. Once the gate is gone after readiness (Core forgot the cell after the user's
 * terminate was answered, while the JavaScript still runs) nothing will ever open that entry:
 * the tool call hangs, and the entry is one more that nobody removes.
 */
import type { CellId, DispatchDecision } from "../../protocol/index.ts";
import { Core } from "../core.ts";
import { implementation } from "../reference.ts";

export class RecreatingDispatchCore extends Core {
  protected override decisionFor(cell: CellId): DispatchDecision {
    if (!this.gates.has(cell)) {
      this.gates.set(cell, "waiting");
      return "held";
    }
    return super.decisionFor(cell);
  }
}

export const dispatchRecreatesGate = implementation(
  "bug-dispatch-recreates-gate",
  "a tool call for a cell with no entry inserts a waiting entry and waits on it, after readiness too: the call hangs",
  undefined,
  () => new RecreatingDispatchCore(),
  true,
);
