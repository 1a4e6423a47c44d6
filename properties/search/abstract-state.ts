/**
 * The abstract state of a run: what a search deduplicates on and what coverage counts as
 * "distinct states reached". It is the model state plus the in-flight messages, optionally plus
 * the implementation's own state, with three abstractions that keep the space finite without
 * changing any verdict:
 *
 * - Request ids are renamed in order of value to 1, 2, ... over the live ones (requests not yet
 *   read by Core, and every id in flight). The model and the reference compare ids only for
 *   equality, so states that differ by a renaming behave alike (data independence). The counter
 *   of the next id is left out: the next id is fresh in both.
 * - Requests whose reply Core has read are left out: the model never consults them again except
 *   to flag a second reply, which fails whatever their history was. The one fact about them that
 *   coverage needs (the initial observation was cancelled) is kept per cell.
 * - A cell's count of terminates that reached the Host is capped at 2: the invariants and guards
 *   only ask whether it is 0, or more than 1.
 *
 * The implementation part (`view`):
 * - "snapshot": the instance's own `snapshot()` (ids renamed the same way). Sound: equal
 *   snapshots behave alike by the snapshot contract.
 * - "table": Core's gate table only. This assumes the implementation's future behaviour is
 *   determined by what it has observed, as summarised by the model and the channels. It is not
 *   true in general, not even for the reference (a preserved initial yield is Host state the
 *   model does not record), so a search deduplicating this way can miss states.
 * - "none": model and channels only (coverage counting, where no implementation state is needed).
 */
import { createHash } from "node:crypto";
import type { Message } from "../../protocol/index.ts";
import type { HarnessRun } from "../run/run.ts";

export type ImplView = "snapshot" | "table" | "none";

export interface KeyOptions {
  readonly view: ImplView;
  /** Include, per cell, how many observe/terminate requests the harness has issued (a search's budget). */
  readonly issued?: boolean;
}

/** The canonical text of a run's abstract state. */
export function abstractKey(run: HarnessRun, options: KeyOptions): string {
  const s = run.state;
  const chans = run.channels.queuesInOrder();
  // Live request ids, renamed in order of value.
  const live: number[] = [];
  const cancelledInitial = new Set<string>();
  const issued = new Map<string, number>();
  for (const r of s.requests.values()) {
    if (r.kind === "create") continue;
    if (r.stage !== "done") live.push(r.req);
    if (r.initial && r.cancelled) cancelledInitial.add(r.cell);
    if (r.origin !== "guard") issued.set(r.cell, (issued.get(r.cell) ?? 0) + 1);
  }
  for (const { messages } of chans) for (const m of messages) if ("req" in m) live.push(m.req);
  live.sort((a, b) => a - b);
  const ids = new Map<number, number>();
  for (const req of live) if (!ids.has(req)) ids.set(req, ids.size + 1);
  const liveCount = ids.size;
  const rename = (req: number): number => {
    let n = ids.get(req);
    if (n === undefined) {
      n = ids.size + 1;
      ids.set(req, n);
    }
    return n;
  };

  let key = s.shutdown ? "S" : "-";
  for (const c of s.cells.values()) {
    let attached = "";
    for (const r of c.attachedAtClose) {
      const n = ids.get(r);
      if (n !== undefined && n <= liveCount) attached += `+${n}`;
    }
    key +=
      `|${c.cell},${c.admission},${c.hostAnswer},${+c.ready}${+c.initialTaken}${+c.jsDone},${Math.min(c.terminatesReached, 2)},` +
      `${c.outcome ?? ""},${c.closedEmitted},${+c.closedDelivered}${+c.coreKnowsEnd}${+c.goneAfterClose}${+cancelledInitial.has(c.cell)}${+c.idKnown}${+c.consumed}${+c.endedNaturally}${+c.abandoned},` +
      `${attached},${c.forgetsInFlight},${options.issued === true ? (issued.get(c.cell) ?? 0) : ""}`;
  }
  const requests: string[] = [];
  for (const r of s.requests.values()) {
    if (r.stage === "done") continue;
    const id = r.kind === "create" ? r.cell : rename(r.req);
    requests.push(`${r.kind}:${id}:${r.cell}:${r.origin}:${r.stage}:${+r.initial}${+r.cancelled}${+r.dropAtHost}${+r.attached}${+r.letGo}`);
  }
  key += `|${requests.sort().join(";")}`;
  for (const { channel, messages } of chans) {
    if (messages.length === 0) continue;
    key += `|${channel}=`;
    for (const m of messages) key += messageKey(m, rename);
  }
  if (options.view === "table") {
    key += "|";
    for (const row of run.instance.gateTable()) key += `${row.cell}:${row.kind},`;
  } else if (options.view === "snapshot") {
    const snap = run.instance.snapshot?.();
    if (snap === undefined) throw new Error("the implementation offers no snapshot()");
    key += `|${canonicalJson(snap, rename)}`;
  }
  return key;
}

/** JSON text with every number (outside strings) renamed as a request id. */
function canonicalJson(x: unknown, rename: (req: number) => number): string {
  const text = JSON.stringify(x) ?? "null";
  let out = "";
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34) {
      // skip a string literal
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (ch === 45 || (ch >= 48 && ch <= 57)) {
      let end = i + 1;
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
      out += text.slice(from, i) + String(rename(Number(text.slice(i, end))));
      from = end;
      i = end - 1;
    }
  }
  return out + text.slice(from);
}

/** Digits, sign, decimal point, exponent: the rest of a JSON number. */
function isNumberChar(ch: number): boolean {
  return (ch >= 48 && ch <= 57) || ch === 46 || ch === 101 || ch === 69 || ch === 43 || ch === 45;
}

function messageKey(m: Message, rename: (req: number) => number): string {
  switch (m.type) {
    case "observe_outcome":
    case "terminate_outcome":
      return `${m.type}(${m.cell},${rename(m.req)},${m.outcome}),`;
    case "observe":
    case "drop_observation":
    case "terminate":
      return `${m.type}(${m.cell},${rename(m.req)}),`;
    default:
      return `${m.type}(${m.cell}),`;
  }
}

/** A 132-bit hash of a key, 22 base64 characters (searches store these instead of the keys). */
export function hashKey(key: string): string {
  return createHash("sha1").update(key).digest("base64").slice(0, 22);
}

/** A 64-bit hash of a run's model state and in-flight messages, as hex (coverage's "distinct states"). */
export function stateHash(run: HarnessRun): string {
  return hash64(abstractKey(run, { view: "none" }));
}

/**
 * A fast 64-bit string hash (two 32-bit multiply–xor lanes, after bryc's cyrb53), as 16 hex
 * digits. Not cryptographic; at ten million distinct states a collision has odds of about 3·10⁻⁶.
 */
export function hash64(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, "0") + (h1 >>> 0).toString(16).padStart(8, "0");
}
