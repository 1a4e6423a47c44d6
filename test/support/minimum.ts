/**
 * The shortest counterexample of each bundled variant, in commands (the end-of-run drain after
 * them is not counted), found by `exhaustive` with no request bound and no dedupe: the ground
 * truth shrinking is judged against (test/exploration.test.ts re-derives it, test/repro.test.ts
 * holds `check` to it).
 */
export const MINIMUM: Readonly<Record<string, number>> = {
  "bug-close-before-ready": 3,
  "bug-cancelled-observation-marker": 6,
  "bug-close-before-rejected-delivery": 8,
  "bug-busy-displaces-observer": 6,
  "bug-double-close": 3,
  "bug-forget-on-yield": 6,
  "bug-lost-buffered-completion": 4,
  "bug-terminate-overrides-completion": 8,
};
