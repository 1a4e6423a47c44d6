/**
 * The whole conformance property as a vitest suite, in one call, for a TypeScript project that
 * implements the protocol (entry point `cellgate/vitest`):
 *
 *     import { describeConformance } from "cellgate/vitest";
 *     import { implementation } from "../src/gate.ts";
 *
 *     describeConformance(implementation);                       // must conform
 *     describeConformance(brokenVariant, { expect: "violation" }); // must be caught
 *
 * It registers `describe("cellgate conformance: <name>")` with one test that runs `check` (seed 1
 * and the default 10 000 runs unless given) and fails with the shrunk counterexample. Pass a
 * factory (`() => stdioImplementation("...")`) to start an out-of-process implementation only when
 * the test runs; whatever it starts is disposed after the suite.
 */
import { afterAll, describe, it } from "vitest";
import type { Implementation } from "../../protocol/index.ts";
import { assertConforms, type ConformanceOptions } from "./assert.ts";

export interface DescribeOptions extends ConformanceOptions {
  /** Name in the suite title (default: the implementation's name). */
  readonly name?: string;
  /** vitest timeout of the test, in ms (default 300 000). */
  readonly timeout?: number;
}

export function describeConformance(impl: Implementation | (() => Implementation), options: DescribeOptions = {}): void {
  const { name, timeout = 300_000, ...check } = options;
  const title = name ?? (typeof impl === "function" ? "implementation" : impl.name);
  const expected = check.expect ?? "conforms";
  let started: Implementation | undefined;
  describe(`cellgate conformance: ${title}`, () => {
    afterAll(() => started?.dispose?.());
    it(expected === "conforms" ? "conforms to the cellgate protocol" : `is rejected by the cellgate check (${expected})`, () => {
      started = typeof impl === "function" ? impl() : impl;
      assertConforms(started, check);
    }, timeout);
  });
}

export { assertConforms, ConformanceError, conformanceText, type ConformanceOptions } from "./assert.ts";
