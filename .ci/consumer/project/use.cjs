// The API from CommonJS: require() of the package (an ES module) works on Node 20.19 and later,
// where require(esm) is on by default; on older Node use `await import("cellgate")`.
const { check, formatSummary, reference } = require("cellgate");

const result = check(reference, { runs: 20 });
console.log(formatSummary(result).at(-1));
process.exitCode = result.counterexample === undefined ? 0 : 1;
