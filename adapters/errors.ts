import { StartFailure } from "../properties/run/start-failure.ts";

/**
 * Errors of the adapters, and the one safe way to describe whatever an implementation throws.
 */
import { types } from "node:util";

/**
 * An implementation that cannot be loaded or started at all (a module without an Implementation,
 * a command that exits before the handshake, another protocol version). Not a verdict: nothing
 * was checked. The CLI prints it as one line and exits 2.
 */
export class SetupError extends StartFailure {
  override readonly name: string = "SetupError";
}

/** Longest description: a thrown value is evidence in a verdict, not a log. */
const MAX = 500;

/**
 * One line that says what `value` is, for a value an implementation threw or returned. It never
 * throws and never runs a trap: a Proxy is named without being touched, an object without a
 * prototype or with a throwing `message`/`name` getter is described from what can be read
 * safely. (A getter that never returns still never returns; in a worker that is a timeout.)
 */
export function describeThrown(value: unknown): string {
  try {
    return oneLine(describe(value));
  } catch {
    return "an unprintable value";
  }
}

/**
 * The first line of an Error's message (what a reader wants from an ordinary error), else the
 * safe description of whatever it is. Never throws.
 */
export function errorMessage(value: unknown): string {
  try {
    if (!types.isProxy(value) && value instanceof Error) {
      const m: unknown = value.message;
      if (typeof m === "string" && m !== "") return oneLine(m);
    }
  } catch {
    // a throwing message getter: described below
  }
  return describeThrown(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return value === "" ? "an empty string" : value;
    case "undefined":
      return "undefined";
    case "symbol":
      return `a symbol${value.description === undefined ? "" : ` (${value.description})`}`;
    case "bigint":
    case "number":
    case "boolean":
      return `${typeof value} ${String(value)}`;
    default:
      break;
  }
  if (types.isProxy(value)) return typeof value === "function" ? "a Proxy of a function" : "a Proxy object";
  const o = value as object;
  if (types.isNativeError(o) || hasErrorShape(o)) {
    const name = field(o, "name") ?? "Error";
    const message = field(o, "message");
    return message === undefined || message === "" ? name : `${name}: ${message}`;
  }
  if (typeof o === "function") return `a function ${field(o, "name") ?? ""}`.trimEnd();
  if (Object.getPrototypeOf(o) === null) return `an object with no prototype (keys: ${keys(o)})`;
  try {
    const json = JSON.stringify(o);
    if (typeof json === "string") return `an object ${json}`;
  } catch {
    // a getter threw, a cycle, a BigInt: describe it by its keys
  }
  return `an object (keys: ${keys(o)})`;
}

/** Is `o` an Error by its prototype chain (without running any trap: o is not a Proxy)? */
function hasErrorShape(o: object): boolean {
  for (let p: object | null = Object.getPrototypeOf(o); p !== null; p = Object.getPrototypeOf(p)) if (p === Error.prototype) return true;
  return false;
}

/** A string-valued property, read once; what a throwing getter threw is named, not rethrown. */
function field(o: object, key: string): string | undefined {
  let v: unknown;
  try {
    v = (o as Record<string, unknown>)[key];
  } catch {
    // What the getter threw is not looked at: it may be as hostile as the getter.
    return `(reading "${key}" threw)`;
  }
  if (v === undefined) return undefined;
  return typeof v === "string" ? v : typeof v === "object" || typeof v === "function" ? `(a non-string ${key})` : String(v);
}

function keys(o: object): string {
  const ks = Reflect.ownKeys(o).map((k) => (typeof k === "symbol" ? k.toString() : k));
  return ks.length === 0 ? "none" : ks.slice(0, 8).join(", ") + (ks.length > 8 ? ", …" : "");
}

function oneLine(text: string): string {
  const first = text.split("\n")[0] ?? "";
  return first.length > MAX ? `${first.slice(0, MAX)}…` : first;
}
