/** What a worker's reply to a `send` op means for the wire client. */
import type { Reply } from "./channel.ts";
import { Status } from "./status.ts";
import type { Exchange } from "./transport.ts";

/** Map a worker reply to the outcome of an exchange. */
export function toExchange(r: Reply): Exchange {
  switch (r.status) {
    case "timeout":
      return { kind: "timeout" };
    case Status.line:
      return { kind: "lines", lines: r.payload.split("\n") };
    case Status.unsolicited:
      return { kind: "unsolicited", line: r.payload };
    case Status.tooLong:
      return { kind: "too-long", bytes: (JSON.parse(r.payload) as { bytes: number }).bytes };
    case Status.exited:
    case Status.stopped: {
      const e = JSON.parse(r.payload) as { code: number | null; signal: string | null; answered?: string[]; why?: string };
      return { kind: "exited", code: e.code, signal: e.signal, answered: e.answered ?? [], ...(e.why === undefined ? {} : { why: e.why }) };
    }
    default:
      return { kind: "exited", code: null, signal: `an unexpected adapter reply (${r.status})`, answered: [] };
  }
}

