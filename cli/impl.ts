/**
 * Resolving what to check: a bundled implementation by name, a module by path (run in a worker
 * thread), or a command that speaks the wire protocol (run as a child process).
 */
import { existsSync } from "node:fs";
import type { Implementation } from "../protocol/index.ts";
import { BUNDLED, bundled } from "../reference/index.ts";
import { moduleImplementation, SetupError, stdioImplementation } from "../adapters/index.ts";
import { UsageError } from "./errors.ts";

export interface ImplementationSpec {
  /** A bundled name, or a path to a module (anything with a `/` or ending .ts/.js/.mjs). */
  readonly impl?: string;
  /** A command line speaking the wire protocol on stdin/stdout. */
  readonly implCmd?: string;
  /** Step timeout for out-of-thread implementations, in ms. */
  readonly stepTimeoutMs?: number;
  /** Start limit (thread, process, hello) for out-of-thread implementations, in ms. */
  readonly startTimeoutMs?: number;
}

/** Is this `--impl` value a path rather than a bundled name? */
export function isModulePath(value: string): boolean {
  return /[/\\]/.test(value) || /\.(ts|mts|cts|js|mjs|cjs)$/.test(value);
}

/** The implementation to check, started (a child process or worker is running after this). */
export function openImplementation(spec: ImplementationSpec): Implementation {
  if (spec.impl !== undefined && spec.implCmd !== undefined) throw new UsageError("give either --impl or --impl-cmd, not both");
  const timeout = {
    ...(spec.stepTimeoutMs === undefined ? {} : { stepTimeoutMs: spec.stepTimeoutMs }),
    ...(spec.startTimeoutMs === undefined ? {} : { startTimeoutMs: spec.startTimeoutMs }),
  };
  try {
    if (spec.implCmd !== undefined) {
      if (spec.implCmd.trim() === "") throw new UsageError("--impl-cmd expects a command line, got an empty string");
      return stdioImplementation(spec.implCmd, timeout);
    }
    const name = spec.impl ?? "reference";
    if (isModulePath(name)) {
      if (!existsSync(name)) throw new UsageError(`--impl ${name}: no such file`);
      return moduleImplementation(name, timeout);
    }
  } catch (e) {
    if (e instanceof SetupError) throw new UsageError(e.message);
    throw e;
  }
  return resolveImplementation(spec.impl);
}

/** A bundled implementation by name (default: the reference), or a module by path. */
export function resolveImplementation(name: string | undefined): Implementation {
  const n = name ?? "reference";
  if (isModulePath(n)) return openImplementation({ impl: n });
  const impl = bundled(n);
  if (impl === undefined) {
    throw new UsageError(`unknown implementation "${n}" (bundled: ${BUNDLED.map((i) => i.name).join(", ")}; or a path to a module, or --impl-cmd)`);
  }
  return impl;
}
