/**
 * The harness side of a worker channel: post an op, then block this thread (Atomics.wait) until
 * the worker replies or the timeout passes. This is what keeps the harness synchronous while the
 * implementation runs elsewhere, and what bounds every step in time.
 */
import { HEADER_BYTES, PAYLOAD_BYTES, type Op, type StatusCode } from "./status.ts";

export type Reply = { readonly status: StatusCode; readonly payload: string } | { readonly status: "timeout" };

type OpBody = Op extends infer O ? (O extends Op ? Omit<O, "seq"> : never) : never;

export class SyncChannel {
  readonly buffer = new SharedArrayBuffer(HEADER_BYTES + PAYLOAD_BYTES);
  private readonly header = new Int32Array(this.buffer, 0, 3);
  private readonly data = new Uint8Array(this.buffer, HEADER_BYTES);
  private readonly decoder = new TextDecoder();
  private seq = 0;

  /** Post `op` through `post` and wait up to `timeoutMs` for the reply to it. */
  call(post: (op: Op) => void, body: OpBody, timeoutMs: number): Reply {
    const seq = ++this.seq;
    post({ ...body, seq } as Op);
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const replied = Atomics.load(this.header, 0);
      if (replied === seq) break;
      const left = deadline - performance.now();
      if (left <= 0) return { status: "timeout" };
      Atomics.wait(this.header, 0, replied, left);
    }
    const length = Atomics.load(this.header, 2);
    return { status: Atomics.load(this.header, 1) as StatusCode, payload: this.decoder.decode(this.data.slice(0, length)) };
  }
}
