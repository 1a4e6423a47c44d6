/**
 * Strings as ids in a state's code (properties/search/string-ids.ts): a `Vocabulary` gives every
 * text the id `Strings` gives it, for texts equal by content but made apart, past its size, in
 * any order; a vocabulary that compares texts too loosely or mixes up its ids is caught by the
 * same check; two texts are never given one id.
 */
import { describe, expect, it } from "vitest";
import { Strings, Vocabulary } from "../properties/search/string-ids.ts";

interface Ids {
  id(text: string): number;
}

/** How many of a stream of texts `v` gives another id than `Strings` does. */
function mismatches(make: (from: Strings) => Ids): number {
  const from = new Strings();
  const v = make(from);
  const truth = new Strings();
  const words = ["observe", "terminate", "create", "tool", "c1", "c2", "c10", "asked", "sent", "atHost", "replied", "done", "", "x"];
  let seed = 3;
  let bad = 0;
  for (let i = 0; i < 5000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    // A text made afresh (not the literal itself), so that it is equal by content only.
    const w = words[(seed >>> 8) % (i < 2000 ? 5 : words.length)] as string;
    const text = (seed & 1) === 0 ? w : [...w].join("");
    if (v.id(text) !== truth.id(text)) bad++;
  }
  return bad;
}

/** A vocabulary broken on purpose: `same` says when a text is one it has met (at `i`), `pick` which id it then answers. */
function broken(same: (known: string, text: string) => boolean, pick: (i: number) => number): (from: Strings) => Ids {
  return (from) => {
    const texts: string[] = [];
    const ids: number[] = [];
    return {
      id(text: string): number {
        for (let i = 0; i < texts.length; i++) if (same(texts[i] as string, text)) return ids[pick(i)] as number;
        const id = from.id(text);
        texts.push(text);
        ids.push(id);
        return id;
      },
    };
  };
}

describe("string ids", () => {
  it("a vocabulary gives each text the id Strings gives it (equal by content, past its size, in any order)", () => {
    expect(mismatches((from) => new Vocabulary(8, from))).toBe(0);
    expect(mismatches((from) => new Vocabulary(2, from))).toBe(0);
  });

  it("a vocabulary comparing texts by length, or mixing up its ids, would be caught", () => {
    // Takes a text for one of the same length; keeps its ids one place off once it holds seven.
    expect(mismatches(broken((known, text) => known.length === text.length, (i) => i))).toBeGreaterThan(100);
    expect(mismatches(broken((known, text) => known === text, (i) => Math.min(i, 6)))).toBeGreaterThan(100);
  });

  it("ids are non-negative and never shared by two texts", () => {
    const s = new Strings();
    const ids = new Set<number>();
    let negative = 0;
    for (let i = 0; i < 20000; i++) {
      const id = s.id(`t${i}`);
      if (id < 0) negative++;
      ids.add(id);
    }
    expect(negative).toBe(0);
    expect(ids.size).toBe(20000);
  });
});
