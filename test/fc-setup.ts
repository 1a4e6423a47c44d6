// Pin fast-check's seed when asked (FC_SEED), and always under mutation testing, so that test
// names and generated cases are the same from one load to the next.
import fc from "fast-check";

const seed = process.env.FC_SEED ?? (process.env.STRYKER_MUTATOR_WORKER !== undefined ? "42" : undefined);
if (seed !== undefined) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(seed) });
