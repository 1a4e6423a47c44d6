/**
 * Checks that what an implementation emitted is a well-formed protocol message from the right
 * party, about a cell and request the harness knows. Anything else is a protocol error.
 */
import { emitter, type Message, type Party } from "../../protocol/index.ts";

const OBSERVE_OUTCOMES = new Set(["yielded", "completed", "terminated", "missing", "busy"]);
const TERMINATE_OUTCOMES = new Set(["completed", "terminated", "missing", "already_terminating"]);
const FIELDS: Record<string, readonly string[]> = {
  create_cell: ["cell"],
  observe: ["cell", "req"],
  drop_observation: ["cell", "req"],
  terminate: ["cell", "req"],
  forget: ["cell"],
  created: ["cell"],
  rejected: ["cell"],
  observe_outcome: ["cell", "req", "outcome"],
  terminate_outcome: ["cell", "req", "outcome"],
  cell_closed: ["cell"],
  commit: ["cell"],
  deliver_completion: ["cell"],
  actor_exit: ["cell"],
  invoke_tool: ["cell", "req"],
  cancel_tool: ["cell", "req"],
  dispatch: ["cell", "req", "decision"],
};
const DECISIONS = new Set(["passed", "held", "refused"]);

/** Returns a one-line reason when `x` is not a message `party` may emit, else undefined. */
export function invalidMessage(party: Party, x: unknown, knownCells: ReadonlySet<string>, maxReq: number): string | undefined {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return `${party} emitted ${JSON.stringify(x)}, not a message object`;
  const o = x as Record<string, unknown>;
  if (typeof o.type !== "string") return `${party} emitted a message without a string "type"`;
  const fields = FIELDS[o.type];
  if (fields === undefined) return `${party} emitted an unknown message kind "${o.type}"`;
  if (emitter(o.type as Message["type"]) !== party) return `${party} emitted "${o.type}", which only the ${party === "host" ? "core" : "host"} may send`;
  for (const key of Object.keys(o)) {
    if (key !== "type" && !fields.includes(key)) return `${party} emitted ${o.type} with an unexpected field "${key}"`;
  }
  if (typeof o.cell !== "string" || !knownCells.has(o.cell)) return `${party} emitted ${o.type} for unknown cell ${JSON.stringify(o.cell)}`;
  if (fields.includes("req") && (typeof o.req !== "number" || !Number.isInteger(o.req) || o.req < 1 || o.req > maxReq)) {
    return `${party} emitted ${o.type} with a request id ${JSON.stringify(o.req)} that was never issued`;
  }
  if (o.type === "observe_outcome" && !OBSERVE_OUTCOMES.has(o.outcome as string)) return `${party} emitted observe_outcome with outcome ${JSON.stringify(o.outcome)}`;
  if (o.type === "terminate_outcome" && !TERMINATE_OUTCOMES.has(o.outcome as string)) return `${party} emitted terminate_outcome with outcome ${JSON.stringify(o.outcome)}`;
  if (o.type === "dispatch" && !DECISIONS.has(o.decision as string)) return `${party} emitted dispatch with decision ${JSON.stringify(o.decision)} (expected passed, held or refused)`;
  return undefined;
}
