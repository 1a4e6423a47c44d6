/**
 * What assertConforms and describeConformance check, and where it runs. A step that never
 * returns can only be stopped when the implementation runs off the test's thread, so an
 * implementation given in process runs in a worker thread by default. An object cannot be moved
 * to another thread (its functions and closures stay here), so the way in is its module: a path
 * or URL, loaded in the worker like `--impl PATH` (its default or `implementation` export, or
 * `exportName`). An object stays on the test's thread only when that is safe or asked for: one of
 * cellgate's bundled implementations, an adapter (its steps are already bounded), or
 * `{ inThread: true }` (a looping step then hangs the test).
 */
import type { Implementation } from "../../protocol/index.ts";
import { BUNDLED } from "../../reference/index.ts";
import { moduleImplementation, SetupError, type WireOptions } from "../../adapters/index.ts";

/** An implementation, a factory of one, or the module that exports one (a path or a file URL). */
export type ConformanceTarget = Implementation | (() => Implementation) | string | URL;

export interface TargetOptions {
  /** Run an in-process object on the test's thread (default false: it must be given as a module). */
  readonly inThread?: boolean;
  /** The module's export that holds the Implementation (default: `default`, then `implementation`). */
  readonly exportName?: string;
  /** Step timeout of a module run in a worker, in ms (default 2000). */
  readonly stepTimeoutMs?: number;
  /** Start limit of a module run in a worker, in ms (default 30 000). */
  readonly startTimeoutMs?: number;
}

/** The implementation to check, started where it belongs; `dispose` it when done. */
export function openTarget(target: ConformanceTarget, options: TargetOptions = {}): Implementation {
  if (typeof target === "string" || target instanceof URL) {
    const wire: WireOptions & { exportName?: string } = {
      ...(options.stepTimeoutMs !== undefined ? { stepTimeoutMs: options.stepTimeoutMs } : {}),
      ...(options.startTimeoutMs !== undefined ? { startTimeoutMs: options.startTimeoutMs } : {}),
      ...(options.exportName !== undefined ? { exportName: options.exportName } : {}),
    };
    return moduleImplementation(target instanceof URL ? target.href : target, wire);
  }
  const impl = typeof target === "function" ? target() : target;
  if (options.inThread === true || impl.timing !== undefined || BUNDLED.includes(impl)) return impl;
  throw new SetupError(
    `${impl.name} is an object on the test's thread, where a step that never returns would hang the test: pass its module instead ` +
      `(new URL("./gate.ts", import.meta.url), or a path, with exportName if it is not the default or "implementation" export), or { inThread: true }`,
  );
}
