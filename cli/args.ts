/** Option values of the cellgate commands, converted and checked, with one-line errors. */
import { randomInt } from "node:crypto";
import { isStrategy, STRATEGIES, type StrategyName } from "../properties/generate/strategy.ts";
import { UsageError } from "./errors.ts";
import { parseCommand, type CommandSpec, type Values } from "./grammar.ts";
import type { ImplementationSpec } from "./impl.ts";
import { DEFAULT_CELLS } from "./options.ts";
import { DEFAULT_PROGRESS_EVERY_S } from "./progress.ts";

export type { Values } from "./grammar.ts";

/** Parse the arguments of a command (see grammar.ts). */
export function parse(spec: CommandSpec, args: readonly string[]): Values {
  return parseCommand(spec, args);
}

/** A whole-number option of at least `min`, or the default. */
export function intOption(values: Record<string, unknown>, name: string, fallback: number, min = 0): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== "string" || !/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min) {
    throw new UsageError(`--${name} expects a whole number of at least ${min}, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/** `--seed S|random`: the seed, and whether it was drawn at random (then it is printed and reported). */
export function seedOption(values: Record<string, unknown>, fallback = 1): { readonly seed: number; readonly random: boolean } {
  if (values.seed === "random") return { seed: randomInt(1, 2 ** 31 - 1), random: true };
  if (typeof values.seed === "string" && !/^\d+$/.test(values.seed)) throw new UsageError(`--seed expects a whole number or random, got ${JSON.stringify(values.seed)}`);
  return { seed: intOption(values, "seed", fallback), random: false };
}

/** `--cells K`: 1 to 9 (cell ids are c1..c9). */
export function cellsOption(values: Record<string, unknown>, fallback = DEFAULT_CELLS): number {
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

/** A duration in seconds (decimals allowed: `0.5`), returned in ms; or the default. `zero`: 0 is allowed. */
export function secondsOption(values: Record<string, unknown>, name: string, fallbackMs: number | undefined, zero = false): number | undefined {
  const raw = values[name];
  if (raw === undefined) return fallbackMs;
  if (typeof raw !== "string" || !/^\d+(\.\d+)?$/.test(raw)) throw new UsageError(`--${name} expects seconds (e.g. 2 or 0.5), got ${JSON.stringify(raw)}`);
  const ms = Math.round(Number(raw) * 1000);
  if (ms <= 0 && !(zero && ms === 0)) throw new UsageError(`--${name} must be more than 0 seconds, got ${raw}`);
  return ms;
}

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

/** `--progress-every SECONDS` (0: no progress lines), in seconds. */
export function progressEveryOption(values: Record<string, unknown>): number {
  return (secondsOption(values, "progress-every", DEFAULT_PROGRESS_EVERY_S * 1000, true) as number) / 1000;
}
