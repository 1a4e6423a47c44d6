/**
 * The cellgate command line. Exit codes: 0 conforms, 1 does not conform, 2 usage or harness
 * error (one line on stderr, never a stack trace).
 */
import { readFileSync } from "node:fs";
import { errorMessage } from "../adapters/errors.ts";
import { processRegistry, registryClosed } from "../adapters/transport/registry.ts";
import { PROTOCOL_VERSIONS } from "../protocol/index.ts";
import { CHECK, checkCommand } from "./check.ts";
import { EXIT, UsageError } from "./errors.ts";
import { EXHAUSTIVE, exhaustiveCommand } from "./exhaustive.ts";
import { EXPLORE, exploreCommand } from "./explore.ts";
import { helpText, nearest, type CommandSpec } from "./grammar.ts";
import { LIST, list } from "./list.ts";
import { MERGE, mergeCommand } from "./merge.ts";
import { REPLAY, replayCommand } from "./replay.ts";
import { restoreOutput } from "./reports.ts";

type Handler = (args: readonly string[]) => number | Promise<number>;

/** Every subcommand; each lives in its own module with its grammar. */
const COMMANDS: Record<string, { readonly run: Handler; readonly spec: CommandSpec }> = {
  check: { run: checkCommand, spec: CHECK },
  list: { run: list, spec: LIST },
  explore: { run: exploreCommand, spec: EXPLORE },
  exhaustive: { run: exhaustiveCommand, spec: EXHAUSTIVE },
  merge: { run: mergeCommand, spec: MERGE },
  replay: { run: replayCommand, spec: REPLAY },
};

function usage(): string {
  const lines = ["usage: cellgate <command> [options]", "       cellgate help <command> | cellgate <command> --help | cellgate --version", "", "commands:"];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${c.spec.brief}`);
  lines.push("", "exit codes: 0 conforms, 1 does not conform, 2 usage or harness error (or nothing was checked), 130/143/129/131 interrupted by SIGINT/SIGTERM/SIGHUP/SIGQUIT");
  return lines.join("\n");
}

/** `cellgate 0.1.0 (protocol versions 1 and 2)`. */
export function versionText(): string {
  let version = "unknown";
  // cli/main.ts in the sources, dist/cli/main.js in the built package.
  for (const up of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === "cellgate" && typeof pkg.version === "string") {
        version = pkg.version;
        break;
      }
    } catch {
      // not there: try the next place (a copy without its package.json: the version is unknown)
    }
  }
  return `cellgate ${version} (protocol versions ${PROTOCOL_VERSIONS.join(" and ")})`;
}

function unknownCommand(name: string): string {
  const near = nearest(name, Object.keys(COMMANDS));
  return `cellgate: unknown command ${JSON.stringify(name)}${near !== undefined ? ` (did you mean ${near}?)` : ""}; commands: ${Object.keys(COMMANDS).join(", ")}`;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    (name === undefined ? console.error : console.log)(usage());
    return name === undefined ? EXIT.usage : EXIT.conforms;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    console.log(versionText());
    return EXIT.conforms;
  }
  if (name === "help") {
    const topic = rest[0];
    if (topic === undefined) {
      console.log(usage());
      return EXIT.conforms;
    }
    const c = COMMANDS[topic];
    if (c === undefined) {
      console.error(unknownCommand(topic));
      return EXIT.usage;
    }
    console.log(helpText(c.spec));
    return EXIT.conforms;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(name.startsWith("-") ? `cellgate: ${name} is an option of a command; usage: cellgate <command> [options] (see cellgate --help)` : unknownCommand(name));
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
  } finally {
    restoreOutput();
  }
}
