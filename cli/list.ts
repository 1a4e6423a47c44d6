/** `cellgate list`: the bundled implementations, one per line with its summary. */
import { BUNDLED } from "../reference/index.ts";
import { parse } from "./args.ts";
import { EXIT } from "./errors.ts";

export function list(args: readonly string[]): number {
  parse(args, {});
  const width = Math.max(...BUNDLED.map((i) => i.name.length));
  for (const impl of BUNDLED) console.log(`${impl.name.padEnd(width)}  ${impl.summary}`);
  return EXIT.conforms;
}
