/**
 * The wire protocol: how the harness drives an implementation in another process (or thread),
 * one JSON object per line. Every request carries an `id` (1, 2, 3, ... per process) and a
 * `kind`; the implementation answers each request with exactly one line carrying the same `id`
 * and `kind` (or kind `error`). docs/protocol.md ("Driving an implementation over stdio") is the
 * prose and JSON Schema version of this file. `observers` is a version 2 request: it is never
 * sent to an implementation that answered hello with version 1. `dispatch` in the hello answer is
 * a version 2 field: a version 2 implementation that models nested tool calls declares it (true);
 * a version 1 answer with it is a protocol error.
 */
import type { AttachedObserver, CoreInput, GateEntry, HostInput, Message, Party } from "../../protocol/index.ts";

/** Requests the harness sends, one per line. */
export type Request =
  | { readonly id: number; readonly kind: "hello"; readonly protocol: number }
  | { readonly id: number; readonly kind: "reset" }
  | { readonly id: number; readonly kind: "step"; readonly party: "host"; readonly input: HostInput }
  | { readonly id: number; readonly kind: "step"; readonly party: "core"; readonly input: CoreInput }
  | { readonly id: number; readonly kind: "gate_table" }
  | { readonly id: number; readonly kind: "observers" };

export type RequestKind = Request["kind"];

/** Answers the implementation writes, one per line, each to the request with the same id. */
export type Answer =
  | { readonly id: number; readonly kind: "hello"; readonly protocol: number; readonly name?: string; readonly summary?: string; readonly dispatch?: boolean }
  | { readonly id: number; readonly kind: "reset" }
  | { readonly id: number; readonly kind: "step"; readonly messages: readonly Message[] }
  | { readonly id: number; readonly kind: "gate_table"; readonly entries: readonly GateEntry[] }
  | { readonly id: number; readonly kind: "observers"; readonly entries: readonly AttachedObserver[] }
  | { readonly id: number; readonly kind: "error"; readonly message: string };

/** The fields each answer kind has (besides id and kind): required, then optional. */
export const ANSWER_FIELDS: Readonly<Record<Answer["kind"], { readonly required: readonly string[]; readonly optional: readonly string[] }>> = {
  hello: { required: ["protocol"], optional: ["name", "summary", "dispatch"] },
  reset: { required: [], optional: [] },
  step: { required: ["messages"], optional: [] },
  gate_table: { required: ["entries"], optional: [] },
  observers: { required: ["entries"], optional: [] },
  error: { required: ["message"], optional: [] },
};

/** A request without its id (the client numbers them). */
export type RequestBody =
  | { readonly kind: "hello"; readonly protocol: number }
  | { readonly kind: "reset" }
  | { readonly kind: "step"; readonly party: Party; readonly input: HostInput | CoreInput }
  | { readonly kind: "gate_table" }
  | { readonly kind: "observers" };
