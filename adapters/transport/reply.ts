/** The worker side of a channel: write one reply into the shared buffer and wake the harness. */
import { HEADER_BYTES, PAYLOAD_BYTES, Status, type StatusCode } from "./status.ts";

export class Replier {
  private readonly header: Int32Array;
  private readonly data: Uint8Array;
  private readonly encoder = new TextEncoder();

  constructor(buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, 3);
    this.data = new Uint8Array(buffer, HEADER_BYTES, PAYLOAD_BYTES);
  }

  /** Reply to op `seq`; a payload that does not fit becomes a `tooLong` reply. */
  reply(seq: number, status: StatusCode, payload: string | object): void {
    const text = typeof payload === "string" ? payload : JSON.stringify(payload);
    const bytes = this.encoder.encode(text);
    if (bytes.length > PAYLOAD_BYTES) {
      this.reply(seq, Status.tooLong, { bytes: bytes.length });
      return;
    }
    this.data.set(bytes);
    Atomics.store(this.header, 1, status);
    Atomics.store(this.header, 2, bytes.length);
    Atomics.store(this.header, 0, seq);
    Atomics.notify(this.header, 0);
  }
}
