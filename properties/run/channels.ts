/**
 * The in-flight messages, one FIFO queue per channel, owned by the harness. Channels are kept in
 * a canonical order so that "deliver[i]" (the i-th non-empty channel) means the same thing in
 * every run of the same command list.
 */
import { route, type ChannelName, type Message } from "../../protocol/index.ts";

export class Channels {
  private readonly queues = new Map<ChannelName, Message[]>();
  private readonly order: ChannelName[];
  private inFlight = 0;

  constructor(cells: readonly string[]) {
    // host⇢dispatch last: a run without nested tool calls names every channel as before.
    this.order = ["core→host", "host→core", "host⇢core", ...cells.map((c) => `host:${c}` as ChannelName), "core:self", "host⇢dispatch"];
    for (const name of this.order) this.queues.set(name, []);
  }

  push(message: Message): ChannelName {
    const { channel } = route(message);
    const q = this.queues.get(channel);
    if (q === undefined) throw new Error(`no channel ${channel}`);
    q.push(message);
    this.inFlight++;
    return channel;
  }

  /** Non-empty channels in canonical order. */
  nonEmpty(): ChannelName[] {
    const out: ChannelName[] = [];
    if (this.inFlight === 0) return out;
    for (const name of this.order) if ((this.queues.get(name)?.length ?? 0) > 0) out.push(name);
    return out;
  }

  peek(channel: ChannelName): Message | undefined {
    return this.queues.get(channel)?.[0];
  }

  take(channel: ChannelName): Message | undefined {
    const m = this.queues.get(channel)?.shift();
    if (m !== undefined) this.inFlight--;
    return m;
  }

  get quiescent(): boolean {
    return this.inFlight === 0;
  }

  /** Is a message matching `pred` in flight on `channel`? */
  has(channel: ChannelName, pred: (m: Message) => boolean): boolean {
    return this.queues.get(channel)?.some(pred) ?? false;
  }

  /** An independent copy (messages are immutable and shared). */
  clone(): Channels {
    const copy = Object.create(Channels.prototype) as Channels;
    const queues = new Map<ChannelName, Message[]>();
    for (const [name, q] of this.queues) queues.set(name, [...q]);
    Object.assign(copy, { queues, order: this.order, inFlight: this.inFlight });
    return copy;
  }

  /** Each channel's queue in canonical order, without copying (do not modify). */
  queuesInOrder(): { readonly channel: ChannelName; readonly messages: readonly Message[] }[] {
    return this.order.map((channel) => ({ channel, messages: this.queues.get(channel) ?? [] }));
  }

  /** Every in-flight message, channel by channel (for reports and state hashing). */
  snapshot(): { channel: ChannelName; messages: Message[] }[] {
    return this.order.map((channel) => ({ channel, messages: [...(this.queues.get(channel) ?? [])] }));
  }
}
