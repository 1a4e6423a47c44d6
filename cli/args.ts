/** Argument parsing shared by the cellgate commands: strict, with one-line errors. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { isStrategy, STRATEGIES, type StrategyName } from "../properties/generate/strategy.ts";
import { UsageError } from "./errors.ts";
import type { ImplementationSpec } from "./impl.ts";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export function parse(args: readonly string[], options: Options): Record<string, string | boolean | string[] | undefined> {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
    return { ...values, _: positionals } as Record<string, string | boolean | string[] | undefined>;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.split("\n")[0] ?? "bad arguments" : "bad arguments");
  }
}

/** A non-negative integer option, or the default. */
export function intOption(values: Record<string, unknown>, name: string, fallback: number, min = 0): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== "string" || !/^\d+$/.test(raw)) throw new UsageError(`--${name} expects a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be at least ${min}, got ${raw}`);
  return n;
}

/** Reports are `kind:FILE`; returns the pairs, checking the kinds. */
export function reportTargets(raw: unknown, kinds: readonly string[]): { kind: string; file: string }[] {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.map((r) => {
    const m = /^([a-z]+):(.+)$/.exec(String(r));
    if (m === null || !kinds.includes(m[1] as string)) {
      throw new UsageError(`--report expects ${kinds.map((k) => `${k}:FILE`).join(" or ")}, got ${JSON.stringify(r)}`);
    }
    return { kind: m[1] as string, file: m[2] as string };
  });
}

/** `--cells K`: 1 to 9 (cell ids are c1..c9). */
export function cellsOption(values: Record<string, unknown>, fallback: number): number {
  const cells = intOption(values, "cells", fallback, 1);
  if (cells > 9) throw new UsageError(`--cells must be at most 9, got ${cells}`);
  return cells;
}

/** `--strategy uniform|swarm|pct` (default uniform). */
export function strategyOption(raw: unknown): StrategyName {
  if (raw === undefined) return "uniform";
  if (typeof raw !== "string" || !isStrategy(raw)) throw new UsageError(`--strategy expects ${STRATEGIES.join(", ")}, got ${JSON.stringify(raw)}`);
  return raw;
}

/** A positive duration in seconds (decimals allowed: `0.5`), returned in ms; or the default. */
export function secondsOption(values: Record<string, unknown>, name: string, fallbackMs: number | undefined): number | undefined {
  const raw = values[name];
  if (raw === undefined) return fallbackMs;
  if (typeof raw !== "string" || !/^\d+(\.\d+)?$/.test(raw)) throw new UsageError(`--${name} expects seconds (e.g. 2 or 0.5), got ${JSON.stringify(raw)}`);
  const ms = Math.round(Number(raw) * 1000);
  if (ms <= 0) throw new UsageError(`--${name} must be more than 0 seconds, got ${raw}`);
  return ms;
}

/** The timing options of every command that starts an implementation (parse configs spread it). */
export const TIMING_OPTIONS = { "step-timeout": { type: "string" }, "start-timeout": { type: "string" } } as const satisfies Options;

/** `--impl NAME|PATH`, `--impl-cmd "COMMAND"`, `--step-timeout SECONDS` and `--start-timeout SECONDS`, as an implementation spec. */
export function implementationSpec(values: Record<string, unknown>): ImplementationSpec {
  const stepTimeoutMs = secondsOption(values, "step-timeout", undefined);
  const startTimeoutMs = secondsOption(values, "start-timeout", undefined);
  return {
    ...(typeof values.impl === "string" ? { impl: values.impl } : {}),
    ...(typeof values["impl-cmd"] === "string" ? { implCmd: values["impl-cmd"] } : {}),
    ...(stepTimeoutMs !== undefined ? { stepTimeoutMs } : {}),
    ...(startTimeoutMs !== undefined ? { startTimeoutMs } : {}),
  };
}
