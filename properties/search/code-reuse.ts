/**
 * Reusing the code of a snapshot's unchanged parts from one state's rendering to the next
 * (state-code.ts). An implementation with `snapshotsUnshared` never changes a value its snapshots
 * hold, and the bundled ones share every unchanged part between a snapshot and the next
 * (reference/snapshot.ts), so an object met again is the same JSON value, whose code is the same
 * words except for its request ids, which are renamed per state (live ones by the state's tables,
 * the others numbered in order of appearance).
 *
 * A `Place` is a position in the snapshot tree (the root, or the i-th field or element of a
 * place). It remembers the object rendered there last and where its code lies in the buffer of
 * that rendering; the buffers of the last `RING` renderings are kept. When the same object (`===`)
 * is at the same place again, its words are copied from there, and each of its request ids (the
 * holes the buffer logged) is renamed again, in the order the full rendering would meet them, so
 * the code is word for word the one rendered from scratch (test/code-reuse.test.ts).
 * Nothing is allocated per state; a place holds one object, so what is kept is bounded by the
 * shape of the snapshots.
 */
import { Code } from "./code-buffer.ts";
import { strings } from "./string-ids.ts";

/** Renderings whose buffers are kept (a part unchanged for longer is rendered again). */
const RING = 16;

/** What renames a request id: writes its two words at `pos` of the current buffer. */
export interface Renamer {
  renameAt(id: number, pos: number): void;
}

/** A position in the snapshot tree and what was last rendered there. */
export class Place {
  /** The object last rendered here, in rendering `at`, at words `start..end` of its buffer and its holes `holesFrom..holesTo`. */
  node: object | undefined = undefined;
  at = 0;
  start = 0;
  end = 0;
  holesFrom = 0;
  holesTo = 0;
  private readonly kids: (Place | undefined)[] = [];
  /** The field name last met here (the key this place's value was under) and the string value last met here, with their ids. */
  private key: string | undefined = undefined;
  private keyCode = 0;
  private text: string | undefined = undefined;
  private textCode = 0;

  /** The id of the field name `k` of the value at this place. */
  keyId(k: string): number {
    if (this.key !== k) {
      this.key = k;
      this.keyCode = strings.id(k);
    }
    return this.keyCode;
  }

  /** The id of the string value `x` at this place. */
  textId(x: string): number {
    if (this.text !== x) {
      this.text = x;
      this.textCode = strings.id(x);
    }
    return this.textCode;
  }

  /** The place of this one's `i`-th field or element. */
  kid(i: number): Place {
    let p = this.kids[i];
    if (p === undefined) {
      p = new Place();
      this.kids[i] = p;
    }
    return p;
  }
}

/** The kept buffers and the places of the snapshots rendered into them. */
export class CodeReuse {
  private readonly ring: Code[] = Array.from({ length: RING }, () => new Code());
  private no = 0;
  readonly root = new Place();
  /** Objects whose code was reused, and objects rendered afresh (for tests and benches). */
  reused = 0;
  rendered = 0;

  /** The (emptied) buffer of the next rendering. */
  next(): Code {
    this.no++;
    const code = this.ring[this.no % RING] as Code;
    code.len = 0;
    code.holes = 0;
    return code;
  }

  /**
   * Append to `code` (the current buffer) the code of `x` as last rendered at `place`, each of its
   * request ids renamed again by `ids` in the order they appear; false when `x` is not what was
   * rendered there or that buffer is no longer kept.
   */
  copy(place: Place, x: object, code: Code, ids: Renamer): boolean {
    if (place.node !== x) return false;
    const age = this.no - place.at;
    if (age <= 0 || age >= RING) return false;
    const from = this.ring[place.at % RING] as Code;
    const n = place.end - place.start;
    const at = code.reserve(n);
    const src = from.buf;
    const dst = code.buf;
    for (let i = 0, j = place.start; i < n; i++, j++) dst[at + i] = src[j] as number;
    const holesFrom = code.holes;
    const shift = at - place.start;
    for (let h = place.holesFrom; h < place.holesTo; h++) {
      const pos = (from.holePos[h] as number) + shift;
      const id = from.holeId[h] as number;
      code.hole(pos, id);
      ids.renameAt(id, pos);
    }
    this.keep(place, x, code, at, holesFrom);
    this.reused++;
    return true;
  }

  /** `x` is now at `place`: its code from `start` and hole `holesFrom` to the end of `code` (the current buffer). */
  private keep(place: Place, x: object, code: Code, start: number, holesFrom: number): void {
    place.node = x;
    place.at = this.no;
    place.start = start;
    place.end = code.len;
    place.holesFrom = holesFrom;
    place.holesTo = code.holes;
  }

  /** Record that `x` was just rendered afresh at `place`, from `start` and hole `holesFrom` to the end of `code` (the current buffer). */
  fresh(place: Place, x: object, code: Code, start: number, holesFrom: number): void {
    this.keep(place, x, code, start, holesFrom);
    this.rendered++;
  }
}
