/**
 * The one command-line grammar of every cellgate command: a command is a table of options (name,
 * value, default, help, aliases), from which both the parser and the help text are made, so they
 * cannot disagree. The parser is strict and explains itself in one line: an unknown option names
 * the nearest known one, an option's value is the next argument whatever it looks like (so
 * `--runs -5` is a bad number, not an ambiguity), `--name=value` works too, and an option given
 * twice (or by its alias) takes the last value.
 */
import { UsageError } from "./errors.ts";

export interface OptionSpec {
  /** The long name, without dashes. */
  readonly name: string;
  /** The value's placeholder (`N`, `SECONDS`); absent for a flag. */
  readonly value?: string;
  readonly short?: string;
  readonly multiple?: boolean;
  readonly help: string;
  /** The default, as the help shows it. */
  readonly default?: string;
  /** Other names accepted for the option (kept from earlier versions), folded into `name`. */
  readonly aliases?: readonly string[];
}

export interface CommandSpec {
  readonly name: string;
  /** A few words for the list of commands. */
  readonly brief: string;
  readonly summary: string;
  /** What follows the options in the synopsis (`REPORT.json...`), if anything. */
  readonly positionals?: string;
  /** Most positionals the command takes (default 0). */
  readonly maxPositionals?: number;
  readonly options: readonly OptionSpec[];
  /** Paragraphs after the option list. */
  readonly notes?: readonly string[];
  /** Command lines that show the command in use, each with what it does (`[args, what]`). */
  readonly examples: readonly (readonly [string, string])[];
}

export type Values = Record<string, string | boolean | string[] | undefined> & { readonly _: string[] };

const HELP: OptionSpec = { name: "help", short: "h", help: "show this help and exit" };

/** Parse `args` against `spec`; `--help` gives `{ help: true }` whatever else is there. */
export function parseCommand(spec: CommandSpec, args: readonly string[]): Values {
  const options = [...spec.options, HELP];
  const byName = new Map<string, OptionSpec>();
  for (const o of options) {
    byName.set(`--${o.name}`, o);
    for (const a of o.aliases ?? []) byName.set(`--${a}`, o);
    if (o.short !== undefined) byName.set(`-${o.short}`, o);
  }
  if (args.includes("--help") || args.includes("-h")) return { help: true, _: [] };
  const values: Values = { _: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      values._.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      values._.push(arg);
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const key = eq >= 0 ? arg.slice(0, eq) : arg;
    const o = byName.get(key);
    if (o === undefined) throw new UsageError(`unknown option ${key}${hint(key, options)}; see cellgate ${spec.name} --help`);
    let value: string | boolean = true;
    if (o.value !== undefined) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < args.length) value = args[++i] as string;
      else throw new UsageError(`--${o.name} expects ${o.value}`);
    } else if (eq >= 0) {
      throw new UsageError(`--${o.name} takes no value, got ${JSON.stringify(arg.slice(eq + 1))}`);
    }
    const before = values[o.name];
    if (o.multiple === true) values[o.name] = [...(Array.isArray(before) ? before : []), String(value)];
    else values[o.name] = value; // given twice, the last one counts (a script's default overridden later)
  }
  const max = spec.maxPositionals ?? 0;
  if (values._.length > max) {
    const extra = values._[max] as string;
    throw new UsageError(max === 0 ? `unexpected argument ${JSON.stringify(extra)}; see cellgate ${spec.name} --help` : `too many arguments (from ${JSON.stringify(extra)}); see cellgate ${spec.name} --help`);
  }
  return values;
}

function hint(key: string, options: readonly OptionSpec[]): string {
  const names = options.flatMap((o) => [o.name, ...(o.aliases ?? [])]);
  const near = nearest(key.replace(/^-+/, ""), names);
  return near === undefined ? "" : ` (did you mean --${near}?)`;
}

/** The candidate nearest to `word` (edit distance at most 2, or a unique prefix), if any. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const prefixed = candidates.filter((c) => word.length >= 2 && c.startsWith(word));
  if (prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.max(1, Math.floor(word.length / 3)));
  for (const c of candidates) {
    const d = distance(word, c);
    if (d <= bestDistance && (best === undefined || d < distance(word, best))) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, with a swap of two neighbours counted as one edit. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => (d[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return at(a.length, b.length);
}

/** The help of one command: synopsis, summary, every option with its default, the notes, examples. */
export function helpText(spec: CommandSpec): string {
  const options = [...spec.options, HELP];
  const left = (o: OptionSpec): string => `${o.short !== undefined ? `-${o.short}, ` : "    "}--${o.name}${o.value !== undefined ? ` ${o.value}` : ""}`;
  const width = Math.max(...options.map((o) => left(o).length));
  const lines = [`usage: cellgate ${spec.name} [options]${spec.positionals !== undefined ? ` ${spec.positionals}` : ""}`, "", spec.summary, "", "options:"];
  for (const o of options) {
    const extra = [o.default !== undefined ? `default ${o.default}` : "", o.multiple === true ? "repeatable" : "", ...(o.aliases ?? []).map((a) => `also --${a}`)].filter((x) => x !== "");
    lines.push(`  ${left(o).padEnd(width)}  ${o.help}${extra.length > 0 ? ` (${extra.join("; ")})` : ""}`);
  }
  for (const n of spec.notes ?? []) lines.push("", n);
  lines.push("", "examples:");
  for (const [args, what] of spec.examples) lines.push(`  cellgate ${spec.name}${args === "" ? "" : ` ${args}`}`, `      ${what}`);
  return lines.join("\n");
}
