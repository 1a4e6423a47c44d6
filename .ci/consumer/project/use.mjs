// The API from plain Node ESM: import the package, run a small check, print the verdict line.
import { check, formatSummary, reference } from "cellgate";

const result = check(reference, { runs: 20 });
console.log(formatSummary(result).at(-1));
process.exitCode = result.counterexample === undefined ? 0 : 1;
