/** Finding the Implementation in a user's module: the default export, or an `implementation` export. */
import type { Implementation } from "../../protocol/index.ts";
import { describeThrown, SetupError } from "../errors.ts";

/** The module's Implementation; throws SetupError (one line) when it has none of the right shape. */
export function implementationFromModule(loaded: Readonly<Record<string, unknown>>, label: string): Implementation {
  const mod = commonJsExports(loaded) ?? loaded;
  const candidates = [mod.default, mod.implementation].filter((x) => x !== undefined);
  for (const c of candidates) if (problemWith(c) === undefined) return c as Implementation;
  const first = candidates[0];
  if (first !== undefined) throw new SetupError(`${label}: its ${mod.default !== undefined ? "default" : '"implementation"'} export is not an Implementation: ${problemWith(first)}`);
  const names = Object.keys(mod).filter((k) => k !== "__esModule");
  throw new SetupError(
    `${label} exports no Implementation: expected a default export or an "implementation" export with name, summary and start()` +
      (names.length > 0 ? ` (it exports: ${names.join(", ")})` : " (it exports nothing)"),
  );
}

/**
 * A CommonJS module (a .cts file, or a .ts file in a "type": "commonjs" package, compiled to
 * CommonJS) arrives as a namespace whose `default` is its `module.exports`; `export default x`
 * and `export const implementation = x` are properties of that object. Returns that object
 * when the namespace is such a module, else undefined.
 */
function commonJsExports(mod: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | undefined {
  const d = mod.default;
  if (typeof d !== "object" || d === null || problemWith(d) === undefined) return undefined;
  const o = d as Record<string, unknown>;
  return o.default !== undefined || o.implementation !== undefined ? o : undefined;
}

/** What is wrong with `x` as an Implementation, or undefined when nothing is. */
export function problemWith(x: unknown): string | undefined {
  if (typeof x !== "object" || x === null) return `expected an object, got ${x === null ? "null" : typeof x}`;
  let o: Record<string, unknown>;
  try {
    const r = x as Record<string, unknown>;
    o = { name: r.name, summary: r.summary, start: r.start };
  } catch (e) {
    return `reading its fields threw ${describeThrown(e)}`;
  }
  if (typeof o.name !== "string" || o.name === "") return `"name" must be a non-empty string`;
  if (typeof o.summary !== "string") return `"summary" must be a string`;
  if (typeof o.start !== "function") return `"start" must be a function returning an Instance`;
  return undefined;
}
