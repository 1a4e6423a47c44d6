/**
 * The implementation side of the wire protocol for an in-process Implementation: one request
 * line in, one answer line out. The module worker uses it to run a TypeScript module behind the
 * same protocol as a child process, and it is the protocol in executable form for anyone writing
 * an adapter in another language (compare examples/python/cellgate_impl.py).
 *
 * It answers hello with the version the Implementation declares (`protocol`, default 1), with
 * `"dispatch": true` when a version 2 Implementation offers dispatch (never for version 1), and
 * the version 2 request `observers` from the Instance's `observers()`.
 */
import { offersDispatch, type Implementation, type Instance, type ProtocolVersion } from "../../protocol/index.ts";
import { describeThrown } from "../errors.ts";
import type { Answer, Request } from "./messages.ts";

export class WireServer {
  private instance: Instance | undefined;

  private readonly protocol: ProtocolVersion;
  /** The Implementation offers dispatch and speaks version 2 (version 1 has no such field). */
  private readonly dispatch: boolean;

  constructor(private readonly impl: Implementation) {
    this.protocol = impl.protocol ?? 1;
    this.dispatch = offersDispatch(impl);
  }

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
      // Whatever was thrown (a Proxy, an object without a prototype, an Error whose getters
      // throw) is described without running its code again.
      const message = describeThrown(e);
      return JSON.stringify({ id: request.id, kind: "error", message } satisfies Answer);
    }
  }

  private handle(r: Request): Answer {
    switch (r.kind) {
      case "hello":
        return { id: r.id, kind: "hello", protocol: this.protocol, name: this.impl.name, summary: this.impl.summary, ...(this.dispatch ? { dispatch: true } : {}) };
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
      case "observers": {
        if (this.protocol < 2) throw new Error(`"observers" is a protocol version 2 request; ${this.impl.name} speaks version ${this.protocol}`);
        const instance = this.live();
        if (instance.observers === undefined) throw new Error(`${this.impl.name} speaks protocol version 2, but its Instance has no observers()`);
        return { id: r.id, kind: "observers", entries: instance.observers() };
      }
      default:
        throw new Error(`unknown request kind ${JSON.stringify((r as { kind: unknown }).kind)}`);
    }
  }

  private live(): Instance {
    if (this.instance === undefined) throw new Error("no reset before the first step");
    return this.instance;
  }
}
