/**
 * The cellgate command line. Exit codes: 0 conforms, 1 does not conform, 2 usage or harness
 * error (one line on stderr, never a stack trace).
 */
import { errorMessage } from "../adapters/errors.ts";
import { processRegistry, registryClosed } from "../adapters/transport/registry.ts";
import { checkCommand } from "./check.ts";
import { EXIT, UsageError } from "./errors.ts";
import { exhaustiveCommand } from "./exhaustive.ts";
import { exploreCommand } from "./explore.ts";
import { list } from "./list.ts";
import { mergeCommand } from "./merge.ts";
import { replayCommand } from "./replay.ts";

type Handler = (args: readonly string[]) => number | Promise<number>;

/** Every subcommand; each lives in its own module. */
const COMMANDS: Record<string, { readonly run: Handler; readonly help: string }> = {
  check: { run: checkCommand, help: "run the conformance property against an implementation" },
  list: { run: list, help: "name the bundled implementations" },
  explore: { run: exploreCommand, help: "explore long (many seeds, by runs or time) and report coverage" },
  exhaustive: { run: exhaustiveCommand, help: "search every command sequence up to a depth, breadth-first" },
  merge: { run: mergeCommand, help: "sum the JSON reports of explore shards" },
  replay: { run: replayCommand, help: "re-run the commands of a repro file (exit 1 still fails, 0 fixed)" },
};

function usage(): string {
  const lines = ["usage: cellgate <command> [options]", "", "commands:"];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${c.help}`);
  lines.push("", "exit codes: 0 conforms, 1 does not conform, 2 usage or harness error");
  return lines.join("\n");
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name === undefined ? EXIT.usage : EXIT.conforms;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(`cellgate: unknown command "${name}" (try: ${Object.keys(COMMANDS).join(", ")})`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    // Interrupted: the main thread has said so and is ending the process; a restart refused
    // meanwhile ("cellgate is stopping") is no error of its own.
    if (registryClosed(processRegistry())) return EXIT.usage;
    const message = errorMessage(e);
    console.error(`cellgate ${name}: ${e instanceof UsageError ? "" : "harness error: "}${message}`);
    return EXIT.usage;
  }
}
