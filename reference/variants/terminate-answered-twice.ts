/**
 * bug-terminate-answered-twice: a terminate that finds the cell already terminating is answered
 * `already_terminating` and is also queued with the terminators, so the termination path answers
 * it again with `terminated`. The requester's reply slot is completed twice (in the real system,
 * a second send on a spent oneshot, or a stale reply delivered to the next request).
 */
import type { CellId, Message, ReqId } from "../../protocol/index.ts";
import { Host } from "../host.ts";
import { implementation } from "../reference.ts";

export class TerminateTwiceHost extends Host {
  protected override onTerminate(cell: CellId, req: ReqId, out: Message[]): void {
    const c = this.live(cell);
    if (c !== undefined && c.phase === "terminating") c.terminators.push(req);
    super.onTerminate(cell, req, out);
  }
}

export const terminateAnsweredTwice = implementation(
  "bug-terminate-answered-twice",
  "a terminate of a terminating cell is answered already_terminating and then again terminated",
  () => new TerminateTwiceHost(),
);
