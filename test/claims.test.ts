/**
 * The search workers' shared claims (properties/search/claims.ts): a key is sent by the first
 * chunk in frontier order that claims it, never kept from a chunk before the one that claimed it;
 * drain verdicts are kept per key; growing keeps everything; a full table sends rather than omits.
 */
import { describe, expect, it } from "vitest";
import { Claims } from "../properties/search/claims.ts";
import type { Fingerprint } from "../properties/search/visited.ts";

const key = (i: number): Fingerprint => [Math.imul(i, 0x9e3779b1) >>> 0, i, 0xffffffff - i, (i * 7) >>> 0];

describe("search claims", () => {
  it("lets a key be sent by the first chunk that claims it, and by any chunk before that one, never after", () => {
    const c = Claims.create(16);
    expect(c.claim(key(1), 5)).toBe(true);
    // The same chunk at a later child, and a later chunk: the state is sent already.
    expect(c.claim(key(1), 5)).toBe(false);
    expect(c.claim(key(1), 9)).toBe(false);
    // An earlier chunk (another worker got to the key first): it sends the state too, and claims it.
    expect(c.claim(key(1), 3)).toBe(true);
    expect(c.claim(key(1), 4)).toBe(false);
    expect(c.claim(key(2), 4)).toBe(true);
    expect(c.count).toBe(2);
  });

  it("keeps each key's drain verdict", () => {
    const c = Claims.create(16);
    expect(c.drainVerdict(key(1))).toBeUndefined();
    c.setDrainVerdict(key(1), true);
    c.setDrainVerdict(key(2), false);
    expect(c.drainVerdict(key(1))).toBe(true);
    expect(c.drainVerdict(key(2))).toBe(false);
    expect(c.drainVerdict(key(3))).toBeUndefined();
    // A verdict alone claims nothing.
    expect(c.claim(key(2), 7)).toBe(true);
    expect(c.drainVerdict(key(2))).toBe(false);
  });

  it("grows with every key, claim and verdict, once past half full", () => {
    const c = Claims.create(16);
    for (let i = 0; i < 8; i++) c.claim(key(i), i);
    expect(c.crowded()).toBe(false);
    c.claim(key(8), 8);
    c.setDrainVerdict(key(3), false);
    expect(c.crowded()).toBe(true);
    const g = c.grown();
    expect(g.slots).toBeGreaterThanOrEqual(4 * g.count);
    expect(g.count).toBe(9);
    for (let i = 0; i <= 8; i++) expect(g.claim(key(i), i)).toBe(false);
    expect(g.claim(key(4), 2)).toBe(true);
    expect(g.drainVerdict(key(3))).toBe(false);
    expect(g.drainVerdict(key(4))).toBeUndefined();
  });

  it("a full table claims nothing more: a key not in it is sent (and drained) every time", () => {
    const c = Claims.create(8);
    for (let i = 0; i < 6; i++) expect(c.claim(key(i), 1)).toBe(true);
    expect(c.count).toBe(6);
    expect(c.claim(key(100), 1)).toBe(true);
    expect(c.claim(key(100), 1)).toBe(true);
    c.setDrainVerdict(key(100), true);
    expect(c.drainVerdict(key(100))).toBeUndefined();
    // What it holds still holds.
    expect(c.claim(key(5), 2)).toBe(false);
  });

  it("is one table for every thread that opens its buffer", () => {
    const a = Claims.create(16);
    const b = new Claims(a.buffer);
    expect(a.claim(key(1), 2)).toBe(true);
    expect(b.claim(key(1), 4)).toBe(false);
    b.setDrainVerdict(key(1), true);
    expect(a.drainVerdict(key(1))).toBe(true);
  });
});
