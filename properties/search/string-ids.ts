/**
 * Strings as integer ids in a state's code (state-code.ts): an id is a hash of the text's
 * content, the same in every thread, and a collision of two texts is refused, not merged, so
 * equal ids mean equal texts. A `Vocabulary` answers for one place in the code that meets only a
 * handful of texts (a message type, a stage, a cell name) by comparing the text with the few it
 * has met, which is cheaper than a lookup in the map; its ids are the map's.
 */

/** Strings as non-negative integer ids, from their content; a collision is refused. */
export class Strings {
  private readonly ids = new Map<string, number>();
  private readonly owners = new Map<number, string>();

  id(text: string): number {
    const known = this.ids.get(text);
    if (known !== undefined) return known;
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    h = (h ^ (h >>> 15)) >>> 1;
    const owner = this.owners.get(h);
    if (owner !== undefined) throw new Error(`state code: the strings ${JSON.stringify(owner)} and ${JSON.stringify(text)} have the same id`);
    this.owners.set(h, text);
    this.ids.set(text, h);
    return h;
  }
}

/** The thread's ids (every code of the thread uses these). */
export const strings = new Strings();

/** The ids of the few texts one place in a code meets: the first `size` kept and compared (`===`, by content), the others looked up. */
export class Vocabulary {
  private readonly texts: string[] = [];
  private readonly ids: number[] = [];

  constructor(
    private readonly size = 8,
    private readonly from: Strings = strings,
  ) {}

  id(text: string): number {
    const texts = this.texts;
    for (let i = 0; i < texts.length; i++) if (texts[i] === text) return this.ids[i] as number;
    const id = this.from.id(text);
    if (texts.length < this.size) {
      texts.push(text);
      this.ids.push(id);
    }
    return id;
  }
}
