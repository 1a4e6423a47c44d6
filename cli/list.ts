/** `cellgate list`: the bundled implementations, one per line with its summary. */
import { BUNDLED } from "../reference/index.ts";
import { parse } from "./args.ts";
import { EXIT } from "./errors.ts";
import { helpText, type CommandSpec } from "./grammar.ts";

export const LIST: CommandSpec = {
  name: "list",
  brief: "name the bundled implementations",
  summary: "Name the bundled implementations (for --impl NAME), one per line with what it is or gets wrong.",
  options: [],
  examples: [["", "every bundled implementation, one per line"]],
};

export function list(args: readonly string[]): number {
  if (parse(LIST, args).help === true) {
    console.log(helpText(LIST));
    return EXIT.conforms;
  }
  const width = Math.max(...BUNDLED.map((i) => i.name.length));
  for (const impl of BUNDLED) console.log(`${impl.name.padEnd(width)}  ${impl.summary}`);
  return EXIT.conforms;
}
