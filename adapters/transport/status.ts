/**
 * The tiny protocol between the harness thread and an adapter's worker thread. The harness posts
 * an op (with a sequence number) and blocks on a SharedArrayBuffer; the worker writes one reply
 * (status + UTF-8 payload) and wakes it. Layout of the buffer: Int32 [replied seq, status,
 * payload length], then the payload bytes.
 */

/** Bytes of the header (3 × Int32, padded). */
export const HEADER_BYTES = 16;
/** Payload capacity: one answer line may be at most this long (1 MiB). */
export const PAYLOAD_BYTES = 1 << 20;

/** What a reply says; the payload is text for LINE and UNSOLICITED, JSON otherwise. */
export const Status = {
  /** The answer lines to a batch of requests (payload: the lines, joined by "\n"). */
  line: 1,
  /** The implementation ended (payload: { code, signal, answered }). */
  exited: 2,
  /** A line arrived that answers no request (payload: the line). */
  unsolicited: 3,
  /** A line longer than PAYLOAD_BYTES (payload: { bytes }). */
  tooLong: 4,
  /** Started (payload: { pid? , name?, summary? }). */
  started: 5,
  /** Could not start (payload: { message }). */
  startFailed: 6,
  /** Captured stderr (payload: { text, dropped }). */
  stderr: 7,
  /** Stopped and reaped (payload: { code, signal }). */
  stopped: 8,
} as const;

export type StatusCode = (typeof Status)[keyof typeof Status];

/** Ops the harness posts to a worker. */
export type Op =
  | { readonly op: "start"; readonly seq: number }
  /** Write a batch of request lines and reply with all their answers. */
  | { readonly op: "send"; readonly seq: number; readonly lines: readonly string[]; readonly newRun: boolean }
  | { readonly op: "stderr"; readonly seq: number }
  | { readonly op: "stop"; readonly seq: number; readonly graceMs: number };
