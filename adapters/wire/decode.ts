/**
 * Reading one answer line: anything that is not exactly the answer to the open request is a
 * protocol error (malformed JSON, unknown kind, wrong or missing field, another request's id);
 * an `error` answer is the implementation saying it failed, which is a crash.
 */
import { ImplementationCrash, ProtocolError } from "../../properties/run/run.ts";
import { ANSWER_FIELDS, type Answer, type Request } from "./messages.ts";

/** Decode `line` as the answer to `request`; throws ProtocolError or ImplementationCrash. */
export function decodeAnswer(line: string, request: Request, what: string): Answer {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ProtocolError(`malformed JSON in the answer to ${what}: ${excerpt(line)}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProtocolError(`the answer to ${what} is not a JSON object: ${excerpt(line)}`);
  }
  const o = value as Record<string, unknown>;
  if (o.id !== request.id) {
    throw new ProtocolError(`answered request id ${JSON.stringify(o.id)} while request ${request.id} (${what}) was open: an answer to a request never asked`);
  }
  if (typeof o.kind !== "string" || !Object.hasOwn(ANSWER_FIELDS, o.kind)) {
    throw new ProtocolError(`unknown answer kind ${JSON.stringify(o.kind)} to ${what} (expected "${request.kind}" or "error")`);
  }
  const kind = o.kind as Answer["kind"];
  if (kind !== "error" && kind !== request.kind) {
    throw new ProtocolError(`answered ${what} with kind "${kind}" (expected "${request.kind}" or "error")`);
  }
  const { required, optional } = ANSWER_FIELDS[kind];
  for (const key of Object.keys(o)) {
    if (key !== "id" && key !== "kind" && !required.includes(key) && !optional.includes(key)) {
      throw new ProtocolError(`the "${kind}" answer to ${what} has an unexpected field "${key}"`);
    }
  }
  for (const key of required) {
    if (!Object.hasOwn(o, key)) throw new ProtocolError(`the "${kind}" answer to ${what} lacks the field "${key}"`);
  }
  switch (kind) {
    case "error":
      throw new ImplementationCrash(`the implementation reported an error on ${what}: ${typeof o.message === "string" ? firstLine(o.message) : JSON.stringify(o.message)}`);
    case "hello":
      if (typeof o.protocol !== "number") throw new ProtocolError(`the hello answer has a non-numeric "protocol": ${JSON.stringify(o.protocol)}`);
      for (const key of ["name", "summary"]) {
        if (o[key] !== undefined && typeof o[key] !== "string") throw new ProtocolError(`the hello answer's "${key}" is not a string`);
      }
      // "dispatch" (a version 2 capability): a boolean, and only in a version 2 answer.
      if (Object.hasOwn(o, "dispatch")) {
        if (o.protocol === 1) throw new ProtocolError(`the hello answer of a version 1 implementation has the field "dispatch" (dispatch is a protocol version 2 capability)`);
        if (typeof o.dispatch !== "boolean") throw new ProtocolError(`the hello answer's "dispatch" is not a boolean: ${brief(o.dispatch)}`);
      }
      break;
    case "step":
      // The messages themselves are judged by the harness (properties/run/validate.ts).
      if (!Array.isArray(o.messages)) throw new ProtocolError(`the answer to ${what} has "messages" ${excerpt(JSON.stringify(o.messages))}, not a list`);
      break;
    case "gate_table":
      // The rows are judged by the harness (properties/run/run.ts).
      if (!Array.isArray(o.entries)) throw new ProtocolError(`the answer to ${what} has "entries" ${excerpt(JSON.stringify(o.entries))}, not a list`);
      break;
    case "observers": {
      // Unlike the gate table's rows, checked here: the list is the Host's own report, and a bad
      // one is a protocol error whatever the harness does with it.
      const bad = invalidObservers(o.entries);
      if (bad !== undefined) throw new ProtocolError(`the answer to ${what} ${bad}`);
      break;
    }
    case "reset":
      break;
  }
  return o as unknown as Answer;
}

/** What is wrong with an observers answer's `entries` (completing "the answer to X ..."), or undefined. */
function invalidObservers(entries: unknown): string | undefined {
  if (!Array.isArray(entries)) return `has "entries" ${brief(entries)}, not a list`;
  const seen = new Set<number>();
  for (const e of entries) {
    const text = brief(e);
    if (typeof e !== "object" || e === null || Array.isArray(e)) return `lists ${text}, not an object {"cell", "req"}`;
    const r = e as Record<string, unknown>;
    const extra = Object.keys(r).find((k) => k !== "cell" && k !== "req");
    if (extra !== undefined) return `lists ${text} with an unexpected field "${extra}"`;
    if (typeof r.cell !== "string" || !/^c[1-9]$/.test(r.cell)) return `lists ${text}: "cell" is not a cell ("c1" to "c9")`;
    if (typeof r.req !== "number" || !Number.isSafeInteger(r.req) || r.req < 1) return `lists ${text}: "req" is not a positive integer`;
    if (seen.has(r.req)) return `lists request #${r.req} twice`;
    seen.add(r.req);
  }
  return undefined;
}

/** A JSON value as JSON, at most 80 characters of it, for messages. */
function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}

/** At most 120 characters of a line, for messages. */
export function excerpt(line: string): string {
  const one = line.replace(/\s+/g, " ");
  return one.length > 120 ? `${JSON.stringify(one.slice(0, 120))}...` : JSON.stringify(one);
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? "";
}
