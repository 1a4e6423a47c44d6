// Declarations over the package's types (tsc --declaration, skipLibCheck off): a project's own
// implementation, options and results, and the vitest helper's signature.
import { check, reference, type CheckOptions, type CheckResult, type Implementation, type Instance } from "cellgate";
import { describeConformance } from "cellgate/vitest";

export const mine: Implementation = { name: "mine", summary: "the reference behind the public types", start: (): Instance => reference.start() };
export const options: CheckOptions = { runs: 1, seed: 7 };
export const run = (): CheckResult => check(mine, options);
export const suite: typeof describeConformance = describeConformance;
