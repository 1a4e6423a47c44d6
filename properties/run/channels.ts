/**
 * The in-flight messages, one FIFO queue per channel, owned by the harness. Channels are kept in
 * a canonical order so that "deliver[i]" (the i-th non-empty channel) means the same thing in
 * every run of the same command list.
 *
 * A copy shares the queues with its original until one of them changes a queue (copy on write),
 * so saving and restoring a run for a search copies a few array slots, not every queue.
 */
import { route, type ChannelName, type Message } from "../../protocol/index.ts";

/** The canonical order of a run's channels, and each one's place in it, per cell list. */
interface Layout {
  readonly order: readonly ChannelName[];
  readonly index: ReadonlyMap<ChannelName, number>;
}

const layouts = new Map<string, Layout>();

function layoutOf(cells: readonly string[]): Layout {
  const key = cells.join(",");
  let layout = layouts.get(key);
  if (layout === undefined) {
    // host⇢dispatch last: a run without nested tool calls names every channel as before.
    const order: ChannelName[] = ["core→host", "host→core", "host⇢core", ...cells.map((c) => `host:${c}` as ChannelName), "core:self", "host⇢dispatch"];
    layout = { order, index: new Map(order.map((name, i) => [name, i])) };
    layouts.set(key, layout);
  }
  return layout;
}

const EMPTY: readonly Message[] = [];

export class Channels {
  private readonly layout: Layout;
  private queues: (readonly Message[])[];
  /** Which queues this copy may change in place (the others are shared with another copy). */
  private owned: boolean[];
  private inFlight = 0;

  /** `from`: a copy of those channels instead, sharing their queues (what `clone` makes; `cells` is then not read). */
  constructor(cells: readonly string[], from?: Channels) {
    if (from !== undefined) {
      this.layout = from.layout;
      this.queues = from.queues.slice();
      this.owned = from.owned.slice();
      this.inFlight = from.inFlight;
      return;
    }
    this.layout = layoutOf(cells);
    this.queues = this.layout.order.map(() => EMPTY);
    this.owned = this.layout.order.map(() => false);
  }

  /** Channels holding these queues (in canonical order, as `messagesAt` gives them). */
  static fromQueues(cells: readonly string[], queues: readonly (readonly Message[])[]): Channels {
    const c = new Channels(cells);
    if (queues.length !== c.queues.length) throw new Error(`${queues.length} queues for ${c.queues.length} channels`);
    c.queues = queues.slice();
    for (const q of queues) c.inFlight += q.length;
    return c;
  }

  private slot(channel: ChannelName): number | undefined {
    return this.layout.index.get(channel);
  }

  /** Queue `i`, ours to change. */
  private writable(i: number): Message[] {
    if (this.owned[i] === true) return this.queues[i] as Message[];
    const q = [...(this.queues[i] as readonly Message[])];
    this.queues[i] = q;
    this.owned[i] = true;
    return q;
  }

  push(message: Message): ChannelName {
    const { channel } = route(message);
    const i = this.slot(channel);
    if (i === undefined) throw new Error(`no channel ${channel}`);
    this.writable(i).push(message);
    this.inFlight++;
    return channel;
  }

  /** Non-empty channels in canonical order. */
  nonEmpty(): ChannelName[] {
    const out: ChannelName[] = [];
    if (this.inFlight === 0) return out;
    const order = this.layout.order;
    for (let i = 0; i < order.length; i++) if ((this.queues[i] as readonly Message[]).length > 0) out.push(order[i] as ChannelName);
    return out;
  }

  peek(channel: ChannelName): Message | undefined {
    const i = this.slot(channel);
    return i === undefined ? undefined : this.queues[i]?.[0];
  }

  take(channel: ChannelName): Message | undefined {
    const i = this.slot(channel);
    if (i === undefined || (this.queues[i] as readonly Message[]).length === 0) return undefined;
    const m = this.writable(i).shift();
    this.inFlight--;
    return m;
  }

  get quiescent(): boolean {
    return this.inFlight === 0;
  }

  /** Is a message matching `pred` in flight on `channel`? */
  has(channel: ChannelName, pred: (m: Message) => boolean): boolean {
    const i = this.slot(channel);
    return i === undefined ? false : (this.queues[i] as readonly Message[]).some(pred);
  }

  /** An independent copy (messages are immutable and shared; so are the queues, until either copy changes one). */
  clone(): Channels {
    this.owned.fill(false);
    return new Channels(this.layout.order, this);
  }

  /** The channels in canonical order. */
  get order(): readonly ChannelName[] {
    return this.layout.order;
  }

  /** The queue of channel `order[i]`, without copying (do not modify). */
  messagesAt(i: number): readonly Message[] {
    return this.queues[i] ?? EMPTY;
  }

  /** Each channel's queue in canonical order, without copying (do not modify). */
  queuesInOrder(): { readonly channel: ChannelName; readonly messages: readonly Message[] }[] {
    return this.layout.order.map((channel, i) => ({ channel, messages: this.queues[i] as readonly Message[] }));
  }

  /** Every in-flight message, channel by channel (for reports and state hashing). */
  snapshot(): { channel: ChannelName; messages: Message[] }[] {
    return this.layout.order.map((channel, i) => ({ channel, messages: [...(this.queues[i] as readonly Message[])] }));
  }
}
