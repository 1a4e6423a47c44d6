/**
 * The implementation side of the wire protocol for an in-process Implementation: one request
 * line in, one answer line out. The module worker uses it to run a TypeScript module behind the
 * same protocol as a child process, and it is the protocol in executable form for anyone writing
 * an adapter in another language (compare examples/python/cellgate_impl.py).
 */
import { PROTOCOL_VERSION, type Implementation, type Instance } from "../../protocol/index.ts";
import type { Answer, Request } from "./messages.ts";

export class WireServer {
  private instance: Instance | undefined;

  constructor(private readonly impl: Implementation) {}

  /** Answer one request line. Whatever the implementation returns is passed on as is. */
  answer(line: string): string {
    let request: Request;
    try {
      request = JSON.parse(line) as Request;
    } catch {
      return JSON.stringify({ id: null, kind: "error", message: `malformed request: ${line.slice(0, 80)}` });
    }
    try {
      return JSON.stringify(this.handle(request));
    } catch (e) {
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      return JSON.stringify({ id: request.id, kind: "error", message } satisfies Answer);
    }
  }

  private handle(r: Request): Answer {
    switch (r.kind) {
      case "hello":
        return { id: r.id, kind: "hello", protocol: PROTOCOL_VERSION, name: this.impl.name, summary: this.impl.summary };
      case "reset":
        this.instance?.close?.();
        this.instance = this.impl.start();
        return { id: r.id, kind: "reset" };
      case "step": {
        const instance = this.live();
        const messages = r.party === "host" ? instance.host(r.input) : instance.core(r.input);
        return { id: r.id, kind: "step", messages };
      }
      case "gate_table":
        return { id: r.id, kind: "gate_table", entries: this.live().gateTable() };
      default:
        throw new Error(`unknown request kind ${JSON.stringify((r as { kind: unknown }).kind)}`);
    }
  }

  private live(): Instance {
    if (this.instance === undefined) throw new Error("no reset before the first step");
    return this.instance;
  }
}
