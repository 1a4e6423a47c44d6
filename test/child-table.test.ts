/**
 * The table a search worker sends its children as (properties/search/child-table.ts): every
 * field of every child record comes back as it was, state by state, whichever fields it has.
 */
import { describe, expect, it } from "vitest";
import { pack, unpack } from "../properties/search/child-table.ts";
import type { ChildRecord } from "../properties/search/expand.ts";

const plain = (lists: readonly (readonly ChildRecord[])[]): unknown =>
  lists.map((l) => l.map((c) => ({ ...c, counts: Array.from(c.counts), ...(c.drain === undefined ? {} : { drain: { ...c.drain, checks: Array.from(c.drain.checks) } }) })));

describe("child table", () => {
  it("gives back every child record of a chunk, state by state", () => {
    const counts = (n: number): number[] => Array.from({ length: 6 }, (_, i) => (i * n) % 7);
    const lists: ChildRecord[][] = [
      [
        { command: { kind: "create" }, key: [1, 2, 3, 0xffffffff], snap: 0, drain: { passes: true, failure: undefined, checks: [1, 0, 2] }, counts: counts(1) },
        { command: { kind: "deliver", index: 3 }, key: [4, 5, 6, 7], counts: counts(2) },
        { command: { kind: "observe", index: 0 }, failure: { verdict: "crash", step: 4, message: "boom" }, counts: counts(3) },
      ],
      [],
      [
        { command: { kind: "shutdown" }, snap: 1, drain: { passes: false, failure: { verdict: "livelock", step: 9, message: "loops" }, checks: [0, 5, 0] }, counts: counts(4) },
        { command: { kind: "tool", index: 70000 }, key: [0, 0, 0, 0], snap: 2, drain: { passes: true, failure: undefined, checks: [3, 3, 3] }, counts: counts(5) },
      ],
    ];
    const back = unpack(pack(lists));
    expect(plain(back)).toStrictEqual(plain(lists));
  });

  it("packs a chunk with no children", () => {
    expect(unpack(pack([[], []]))).toStrictEqual([[], []]);
  });
});
