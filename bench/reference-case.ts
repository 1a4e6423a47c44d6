/** The reference as the exhaustive bench searches it: with its tool calls, or without (the nearest graph to the SPIN peer's). */
import type { Implementation } from "../protocol/index.ts";
import { reference } from "../reference/index.ts";

export function referenceCase(dispatch: boolean): Implementation {
  return dispatch ? reference : { ...reference, name: "reference-without-dispatch", dispatch: false };
}
