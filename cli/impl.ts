/** Resolving `--impl` to an implementation. */
import type { Implementation } from "../protocol/index.ts";
import { BUNDLED, bundled } from "../reference/index.ts";
import { UsageError } from "./errors.ts";

export function resolveImplementation(name: string | undefined): Implementation {
  const n = name ?? "reference";
  const impl = bundled(n);
  if (impl === undefined) {
    throw new UsageError(`unknown implementation "${n}" (bundled: ${BUNDLED.map((i) => i.name).join(", ")})`);
  }
  return impl;
}
