/**
 * Just enough JSON Schema (2020-12) to check the wire protocol's schemas in docs/protocol.md
 * against real traffic: type, const, enum, pattern, minimum, properties, required,
 * additionalProperties: false, items, oneOf, $ref (by $id or local). Any other keyword throws,
 * so a schema cannot pass by using something this does not check.
 */
type Schema = { readonly [k: string]: unknown };

const IGNORED = new Set(["$schema", "$id", "$defs", "title", "description"]);
const CHECKED = new Set(["type", "const", "enum", "pattern", "minimum", "properties", "required", "additionalProperties", "items", "oneOf", "$ref"]);

export class Schemas {
  private readonly byId = new Map<string, Schema>();

  add(schema: Schema): void {
    if (typeof schema.$id !== "string") throw new Error("a schema without $id");
    this.byId.set(schema.$id, schema);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): Schema {
    const s = this.byId.get(id);
    if (s === undefined) throw new Error(`no schema ${id}`);
    return s;
  }

  /** Problems of `value` against schema `id` (empty when it is valid). */
  check(value: unknown, id: string): string[] {
    const root = this.get(id);
    return this.validate(value, root, root, "$");
  }

  private resolve(ref: string, root: Schema): { schema: Schema; root: Schema } {
    const [base, pointer = ""] = ref.split("#");
    const doc = base === "" || base === undefined ? root : this.get(base);
    let node: unknown = doc;
    for (const part of pointer.split("/").filter(Boolean)) node = (node as Record<string, unknown>)[part];
    if (typeof node !== "object" || node === null) throw new Error(`unresolved $ref ${ref}`);
    return { schema: node as Schema, root: doc };
  }

  private validate(v: unknown, s: Schema, root: Schema, at: string): string[] {
    for (const k of Object.keys(s)) if (!IGNORED.has(k) && !CHECKED.has(k)) throw new Error(`unsupported keyword ${k}`);
    const out: string[] = [];
    if (typeof s.$ref === "string") {
      const r = this.resolve(s.$ref, root);
      out.push(...this.validate(v, r.schema, r.root, at));
    }
    if (s.type !== undefined && !hasType(v, s.type as string)) return [...out, `${at}: not of type ${String(s.type)}`];
    if ("const" in s && JSON.stringify(v) !== JSON.stringify(s.const)) out.push(`${at}: not ${JSON.stringify(s.const)}`);
    if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) out.push(`${at}: not one of ${JSON.stringify(s.enum)}`);
    if (typeof s.pattern === "string" && typeof v === "string" && !new RegExp(s.pattern, "u").test(v)) out.push(`${at}: does not match ${s.pattern}`);
    if (typeof s.minimum === "number" && typeof v === "number" && v < s.minimum) out.push(`${at}: below ${s.minimum}`);
    if (isObject(v)) {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const r of (s.required ?? []) as string[]) if (!(r in v)) out.push(`${at}: lacks ${r}`);
      for (const [k, x] of Object.entries(v)) {
        const p = props[k];
        if (p !== undefined) out.push(...this.validate(x, p, root, `${at}.${k}`));
        else if (s.additionalProperties === false) out.push(`${at}: unexpected field ${k}`);
      }
    }
    if (Array.isArray(v) && s.items !== undefined) v.forEach((x, i) => out.push(...this.validate(x, s.items as Schema, root, `${at}[${i}]`)));
    if (Array.isArray(s.oneOf)) {
      const matching = (s.oneOf as Schema[]).filter((o) => this.validate(v, o, root, at).length === 0).length;
      if (matching !== 1) out.push(`${at}: matches ${matching} of the oneOf alternatives, not exactly 1`);
    }
    return out;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function hasType(v: unknown, type: string): boolean {
  switch (type) {
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
    case "integer":
      return Number.isInteger(v);
    case "null":
      return v === null;
    default:
      return typeof v === type;
  }
}

/** The wire protocol's schemas: every JSON block of docs/protocol.md's wire section. */
export function wireSchemas(doc: string): Schemas {
  const wire = doc.slice(doc.indexOf("## Driving an implementation over stdio"));
  const schemas = new Schemas();
  for (const block of wire.matchAll(/```json\n([\s\S]*?)```/g)) schemas.add(JSON.parse(block[1] as string) as Schema);
  return schemas;
}

/**
 * The schema of one wire line in a session of `version` (the version the hello answer named):
 * version 2's where it has one, else version 1's. The hello request always offers version 2.
 */
export function wireSchemaOf(schemas: Schemas, line: string, direction: "request" | "answer", version: 1 | 2): string {
  const kind = (JSON.parse(line) as { kind: string }).kind.replace("_", "-");
  const v2 = `urn:cellgate:wire:2:${direction}-${kind}`;
  const offered = direction === "request" && kind === "hello";
  return (version === 2 || offered) && schemas.has(v2) ? v2 : `urn:cellgate:wire:1:${direction}-${kind}`;
}
