/**
 * The whole conformance property as a vitest suite, in one call, for a TypeScript project that
 * implements the protocol (entry point `cellgate/vitest`):
 *
 *     import { describeConformance } from "cellgate/vitest";
 *
 *     describeConformance(new URL("../src/gate.ts", import.meta.url));             // must conform
 *     describeConformance("./src/broken.ts", { expect: "violation" });            // must be caught
 *     describeConformance(() => stdioImplementation("cargo run -q --bin gate"));  // over stdio
 *
 * It registers `describe("cellgate conformance: <name>")` with one test that runs `check` (seed 1
 * and the default 10 000 runs unless given) and fails with the shrunk counterexample. A module
 * runs in a worker thread, so a step that loops is a `timeout`, not a hung test; an object on the
 * test's thread is accepted only with `{ inThread: true }` (or when it is an adapter, or one of
 * cellgate's bundled implementations): see target.ts. A factory starts an out-of-process
 * implementation only when the test runs; whatever the test starts is stopped when it ends. A slow
 * step (one that answered only when its run was re-run under the retry limit) does not fail the
 * test: its `warning: slow, not hung` line goes to the console and into a test annotation
 * (`context.annotate`, type "warning"), which vitest's reporters show.
 */
import { describe, it } from "vitest";
import { slowWarnings } from "../report/slow.ts";
import { assertConforms, type ConformanceOptions } from "./assert.ts";
import type { ConformanceTarget } from "./target.ts";

export interface DescribeOptions extends ConformanceOptions {
  /** Name in the suite title (default: the implementation's name, or the module's file name). */
  readonly name?: string;
  /** vitest timeout of the test, in ms (default 300 000). */
  readonly timeout?: number;
}

export function describeConformance(impl: ConformanceTarget, options: DescribeOptions = {}): void {
  const { name, timeout = 300_000, ...check } = options;
  const title = name ?? titleOf(impl);
  const expected = check.expect ?? "conforms";
  describe(`cellgate conformance: ${title}`, () => {
    it(expected === "conforms" ? "conforms to the cellgate protocol" : `is rejected by the cellgate check (${expected})`, async (context) => {
      const result = assertConforms(impl, check);
      // A step that answered only under the retry limit passes, with a warning the reporter shows.
      for (const line of slowWarnings(result.slow)) {
        console.warn(line);
        await context.annotate(line, "warning");
      }
    }, timeout);
  });
}

function titleOf(impl: ConformanceTarget): string {
  if (typeof impl === "function") return "implementation";
  if (typeof impl === "string" || impl instanceof URL) return String(impl).split("/").at(-1) ?? String(impl);
  return impl.name;
}

export { assertConforms, ConformanceError, conformanceText, type ConformanceOptions } from "./assert.ts";
export type { ConformanceTarget, TargetOptions } from "./target.ts";
