/**
 * The abstract state of a run: what a search deduplicates on and what coverage counts as
 * "distinct states reached". It is the model state plus the in-flight messages, optionally plus
 * the implementation's own state, with three abstractions that keep the space finite without
 * changing any verdict:
 *
 * - Request ids are renamed cell by cell: the live ids of a cell (requests not yet read by Core,
 *   and every id in flight) in order of value to `c1.1`, `c1.2`, ...; ids no longer live that the
 *   implementation still keeps to `c1~1`, `c1~2`, ... in order of appearance. The model and the
 *   reference compare ids only for equality, so states that differ by a renaming behave alike
 *   (data independence); the order in which requests of *different* cells were issued is not
 *   part of the state (renaming over the whole run kept it, 1.17× more states at 2 cells × 1
 *   request, the same graph otherwise). The counter of the next id is left out: it is fresh in both.
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
import type { Message } from "../../protocol/index.ts";
import type { HarnessRun } from "../run/run.ts";

export type ImplView = "snapshot" | "table" | "none";

export interface KeyOptions {
  readonly view: ImplView;
  /** Include, per cell, how many observe/terminate requests the harness has issued (a search's budget). */
  readonly issued?: boolean;
  /** With view "snapshot": the instance's snapshot, when the caller has taken it already. */
  readonly snapshot?: unknown;
  /**
   * Symmetry over cell names: the least key over every renaming of the created cells, so states
   * that differ only by which cell is which count as one. Assumes the implementation treats cells
   * alike up to their names and the order it keeps them in (see docs/exploration.md).
   */
  readonly symmetry?: boolean;
}

/** The canonical text of a run's abstract state. */
export function abstractKey(run: HarnessRun, options: KeyOptions): string {
  const facts = gather(run, options);
  const cells = [...run.state.cells.keys()];
  if (options.symmetry !== true || cells.length < 2) return render(run, facts, options, undefined);
  let best: string | undefined;
  for (const perm of candidateRenamings(run, facts, cells)) {
    const key = render(run, facts, options, perm);
    if (best === undefined || key < best) best = key;
  }
  return best as string;
}

/**
 * The renamings whose least key is the canonical one. Each cell gets a signature that no renaming
 * changes (its model facts without names, and how many requests and in-flight host hops it has);
 * cells are renamed c1, c2, ... in order of signature, and only cells with equal signatures are
 * tried in every order. The least key over this set is a function of the state's orbit, as the
 * least over every renaming is, at one rendering per state when the cells differ.
 */
export function candidateRenamings(run: HarnessRun, f: Facts, cells: readonly string[]): Map<string, string>[] {
  const sig = new Map<string, string>();
  for (const c of run.state.cells.values()) {
    sig.set(
      c.cell,
      `${c.admission},${c.hostAnswer},${+c.ready}${+c.initialTaken}${+c.jsDone},${Math.min(c.terminatesReached, 2)},${c.outcome ?? ""},${c.closedEmitted},` +
        `${+c.closedDelivered}${+c.coreKnowsEnd}${+c.goneAfterClose}${+f.cancelledInitial.has(c.cell)}${+c.idKnown}${+c.consumed}${+c.endedNaturally}${+c.abandoned},` +
        `${c.attachedAtClose.length},${c.forgetsInFlight},${f.issued.get(c.cell) ?? 0},${f.liveByCell.get(c.cell)?.length ?? 0},${run.channels.peek(`host:${c.cell}` as never) === undefined ? 0 : 1}`,
    );
  }
  return renamingsInOrder(cells, (a, b) => ((sig.get(a) as string) < (sig.get(b) as string) ? -1 : (sig.get(a) as string) > (sig.get(b) as string) ? 1 : 0));
}

/**
 * The renamings of `cells` to c1, c2, ... in the order `compare` puts them in (an order of
 * signatures no renaming changes), with every order of the cells it finds equal.
 */
export function renamingsInOrder(cells: readonly string[], compare: (a: string, b: string) => number): Map<string, string>[] {
  const sorted = [...cells].sort(compare);
  const groups: string[][] = [];
  for (const c of sorted) {
    const last = groups.at(-1);
    if (last !== undefined && compare(last[0] as string, c) === 0) last.push(c);
    else groups.push([c]);
  }
  const names = [...cells].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  let orders: string[][] = [[]];
  for (const g of groups) orders = orders.flatMap((prefix) => permutations(g).map((p) => [...prefix, ...p]));
  return orders.map((order) => new Map(order.map((c, i) => [c, names[i] as string])));
}

/** What a key is rendered from, whatever the cell names. */
export interface Facts {
  /** Live request ids per cell, in order of value. */
  readonly liveByCell: Map<string, number[]>;
  readonly cellOfReq: Map<number, string>;
  readonly cancelledInitial: Set<string>;
  readonly issued: Map<string, number>;
  readonly snapshot: unknown;
  readonly table: readonly { cell: string; kind: string }[] | undefined;
}

export function gather(run: HarnessRun, options: KeyOptions): Facts {
  const s = run.state;
  const liveByCell = new Map<string, number[]>();
  const cellOfReq = new Map<number, string>();
  const cancelledInitial = new Set<string>();
  const issued = new Map<string, number>();
  for (const r of s.requests.values()) {
    if (r.kind === "create") continue;
    cellOfReq.set(r.req, r.cell);
    if (r.stage !== "done") addLive(liveByCell, r.cell, r.req);
    if (r.initial && r.cancelled) cancelledInitial.add(r.cell);
    if (r.origin !== "guard") issued.set(r.cell, (issued.get(r.cell) ?? 0) + 1);
  }
  for (let i = 0; i < run.channels.order.length; i++) for (const m of run.channels.messagesAt(i)) if ("req" in m) addLive(liveByCell, m.cell, m.req);
  for (const reqs of liveByCell.values()) reqs.sort(byValue);
  let snapshot: unknown;
  if (options.view === "snapshot") {
    snapshot = options.snapshot ?? run.instance.snapshot?.();
    if (snapshot === undefined) throw new Error("the implementation offers no snapshot()");
  }
  const table = options.view === "table" ? run.instance.gateTable() : undefined;
  return { liveByCell, cellOfReq, cancelledInitial, issued, snapshot, table };
}

function byValue(a: number, b: number): number {
  return a - b;
}

function addLive(liveByCell: Map<string, number[]>, cell: string, req: number): void {
  const xs = liveByCell.get(cell);
  if (xs === undefined) liveByCell.set(cell, [req]);
  else if (!xs.includes(req)) xs.push(req);
}

/** The key with every cell named `perm.get(cell)` (and put in order of its new name), or as it is. */
function render(run: HarnessRun, f: Facts, options: KeyOptions, perm: Map<string, string> | undefined): string {
  const s = run.state;
  const name = (cell: string): string => perm?.get(cell) ?? cell;
  // Live request ids, per cell, renamed in order of value within the cell ("c1.1", "c1.2", ...).
  const ids = new Map<number, string>();
  for (const [cell, reqs] of f.liveByCell) for (const [i, req] of reqs.entries()) ids.set(req, `${name(cell)}.${i + 1}`);
  // Ids no longer live (kept by the implementation), per cell in order of appearance.
  const deadCount = new Map<string, number>();
  const rename = (req: number): string => {
    let n = ids.get(req);
    if (n === undefined) {
      const cell = name(f.cellOfReq.get(req) ?? "?");
      const k = (deadCount.get(cell) ?? 0) + 1;
      deadCount.set(cell, k);
      n = `${cell}~${k}`;
      ids.set(req, n);
    }
    return n;
  };
  const liveName = (req: number): string | undefined => {
    const n = ids.get(req);
    return n !== undefined && !n.includes("~") ? n : undefined;
  };

  const cells: string[] = [];
  for (const c of s.cells.values()) {
    let attached = "";
    for (const r of c.attachedAtClose) {
      const n = liveName(r);
      if (n !== undefined) attached += `+${n}`;
    }
    cells.push(
      `|${name(c.cell)},${c.admission},${c.hostAnswer},${+c.ready}${+c.initialTaken}${+c.jsDone},${Math.min(c.terminatesReached, 2)},` +
        `${c.outcome ?? ""},${c.closedEmitted},${+c.closedDelivered}${+c.coreKnowsEnd}${+c.goneAfterClose}${+f.cancelledInitial.has(c.cell)}${+c.idKnown}${+c.consumed}${+c.endedNaturally}${+c.abandoned},` +
        `${attached},${c.forgetsInFlight},${options.issued === true ? (f.issued.get(c.cell) ?? 0) : ""}`,
    );
  }
  if (perm !== undefined) cells.sort();
  let key = (s.shutdown ? "S" : "-") + cells.join("");
  const requests: string[] = [];
  for (const r of s.requests.values()) {
    if (r.stage === "done") continue;
    const id = r.kind === "create" ? name(r.cell) : rename(r.req);
    requests.push(`${r.kind}:${id}:${name(r.cell)}:${r.origin}:${r.stage}:${+r.initial}${+r.cancelled}${+r.dropAtHost}${+r.attached}${+r.letGo}${r.dispatch ?? ""}`);
  }
  key += `|${requests.sort().join(";")}`;
  const chans: string[] = [];
  for (const { channel, messages } of run.channels.queuesInOrder()) {
    if (messages.length === 0) continue;
    let text = `|${channel.startsWith("host:") ? `host:${name(channel.slice(5))}` : channel}=`;
    for (const m of messages) text += messageKey(m, rename, name);
    chans.push(text);
  }
  if (perm !== undefined) chans.sort();
  key += chans.join("");
  if (f.table !== undefined) {
    const rows = f.table.map((row) => `${name(row.cell)}:${row.kind},`);
    if (perm !== undefined) rows.sort();
    key += `|${rows.join("")}`;
  } else if (f.snapshot !== undefined) {
    key += `|${canonicalJson(f.snapshot, rename, perm)}`;
  }
  return key;
}

/** Every ordering of `xs` (xs.length! of them). */
function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  const out: T[][] = [];
  for (const [i, x] of xs.entries()) for (const rest of permutations([...xs.slice(0, i), ...xs.slice(i + 1)])) out.push([x, ...rest]);
  return out;
}

/**
 * The JSON text of a snapshot (plain objects, arrays, strings, numbers, booleans, null, as
 * `Instance.snapshot` promises) with every number renamed as a request id; built by walking the
 * value, not by scanning its JSON text. With `perm` (symmetry), every string that is a cell name
 * is renamed, and collections keyed by cell — an object's keys, the entries of a `$map` and the
 * members of a `$set` (reference/snapshot.ts) — are put in order of the new names: the
 * implementation is assumed not to depend on the order in which it keeps its cells.
 */
function canonicalJson(x: unknown, rename: (req: number) => string, perm?: Map<string, string>): string {
  switch (typeof x) {
    case "number":
      return rename(x);
    case "string":
      return quoted(perm?.get(x) ?? x);
    case "boolean":
      return x ? "true" : "false";
    case "object": {
      if (x === null) return "null";
      if (Array.isArray(x)) {
        let out = "[";
        for (let i = 0; i < x.length; i++) out += (i === 0 ? "" : ",") + (x[i] === undefined ? "null" : canonicalJson(x[i], rename, perm));
        return out + "]";
      }
      const o = x as Record<string, unknown>;
      if (perm !== undefined) {
        const keyed = Array.isArray(o.$map) ? (o.$map as unknown[]) : Array.isArray(o.$set) ? (o.$set as unknown[]) : undefined;
        if (keyed !== undefined && keyed.length > 1 && keyed.every((e) => perm.has((Array.isArray(o.$map) ? (e as unknown[])[0] : e) as string))) {
          return `{${Array.isArray(o.$map) ? '"$map"' : '"$set"'}:[${keyed.map((e) => canonicalJson(e, rename, perm)).sort().join(",")}]}`;
        }
      }
      const parts: string[] = [];
      for (const k in o) {
        const v = o[k];
        if (v === undefined || typeof v === "function") continue;
        parts.push(`${quoted(perm?.get(k) ?? k)}:${canonicalJson(v, rename, perm)}`);
      }
      if (perm !== undefined && parts.length > 1 && Object.keys(o).some((k) => perm.has(k))) parts.sort();
      return `{${parts.join(",")}}`;
    }
    default:
      return "null";
  }
}

/** A JSON string literal; the common case (no quote, backslash or control character) without JSON.stringify. */
function quoted(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch < 32 || ch === 34 || ch === 92) return JSON.stringify(text);
  }
  return `"${text}"`;
}

function messageKey(m: Message, rename: (req: number) => string, name: (cell: string) => string): string {
  const cell = name(m.cell);
  switch (m.type) {
    case "observe_outcome":
    case "terminate_outcome":
      return `${m.type}(${cell},${rename(m.req)},${m.outcome}),`;
    case "dispatch":
      return `${m.type}(${cell},${rename(m.req)},${m.decision}),`;
    case "observe":
    case "drop_observation":
    case "terminate":
    case "invoke_tool":
    case "cancel_tool":
      return `${m.type}(${cell},${rename(m.req)}),`;
    default:
      return `${m.type}(${cell}),`;
  }
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
