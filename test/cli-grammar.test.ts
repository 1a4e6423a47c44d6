/**
 * One grammar for every command: help with descriptions and defaults from the same table the
 * parser uses, suggestions for unknown options and commands, one name for the time limit, one
 * default for cells, `--seed random`, `--version`.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CHECK } from "../cli/check.ts";
import { EXHAUSTIVE } from "../cli/exhaustive.ts";
import { EXPLORE } from "../cli/explore.ts";
import { helpText, nearest, parseCommand } from "../cli/grammar.ts";
import { LIST } from "../cli/list.ts";
import { MERGE } from "../cli/merge.ts";
import { REPLAY } from "../cli/replay.ts";
import { cli } from "./support/cli.ts";
import { makeScratch, removeScratch } from "./support/scratch.ts";

const scratch = makeScratch("cellgate-grammar-");
afterAll(() => removeScratch(scratch));
/** A shell-like split of an example's arguments (double quotes group words). */
const splitArgs = (line: string): string[] => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
const COMMANDS = ["check", "list", "explore", "exhaustive", "merge", "replay"];

describe("help and version", () => {
  it("--version names the package version and the protocol versions (through bin.mjs)", () => {
    const out = execFileSync(process.execPath, ["cli/bin.mjs", "--version"], { encoding: "utf8" });
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(out).toBe(`cellgate ${pkg.version} (protocol versions 1 and 2)\n`);
  });

  it.each(COMMANDS)("`help %s` and `%s --help` print the same command help, exit 0", async (name) => {
    const a = await cli("help", name);
    const b = await cli(name, "--help");
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(new RegExp(`^usage: cellgate ${name} `));
    expect(a.stdout).toContain("-h, --help");
  });

  it("describes every option with its default", async () => {
    const { stdout } = await cli("check", "--help");
    expect(stdout).toMatch(/--runs N +runs to do \(default 10000\)/);
    expect(stdout).toMatch(/--cells K +cells per run, 1 to 9 \(default 3\)/);
    expect(stdout).toMatch(/--time SECONDS .*\(default none; also --budget\)/);
    for (const o of CHECK.options) expect(stdout).toContain(`--${o.name}`);
  });

  it.each([CHECK, LIST, EXPLORE, EXHAUSTIVE, MERGE, REPLAY])("$name's help ends with examples, and each parses under its grammar", (spec) => {
    const help = helpText(spec);
    expect(help).toMatch(/\nexamples:\n  cellgate /);
    expect(spec.examples.length).toBeGreaterThan(0);
    for (const [args] of spec.examples) {
      expect(help).toContain(`  cellgate ${spec.name}${args === "" ? "" : ` ${args}`}\n`);
      expect(() => parseCommand(spec, splitArgs(args))).not.toThrow();
    }
  });

  it("the top-level help lists every command; no command is a usage error", async () => {
    const help = await cli("--help");
    expect(help.code).toBe(0);
    for (const name of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    const none = await cli();
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^usage: cellgate <command>/);
  });
});

describe("mistakes get one line with a way out", () => {
  it("an unknown option names the nearest one", async () => {
    const r = await cli("check", "--rnus", "5");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("cellgate check: unknown option --rnus (did you mean --runs?); see cellgate check --help");
    expect((await cli("explore", "--min-coverag", "x=1")).stderr).toContain("(did you mean --min-coverage?)");
    expect((await cli("list", "--zzzzzz")).stderr).toBe("cellgate list: unknown option --zzzzzz; see cellgate list --help");
  });

  it("a negative number is a bad number, not an ambiguity; a missing value is named", async () => {
    expect((await cli("check", "--runs", "-5")).stderr).toBe('cellgate check: --runs expects a whole number of at least 1, got "-5"');
    expect((await cli("check", "--runs=-5")).stderr).toBe('cellgate check: --runs expects a whole number of at least 1, got "-5"');
    expect((await cli("check", "--runs")).stderr).toBe("cellgate check: --runs expects N");
    expect((await cli("check", "--quiet=yes")).stderr).toBe('cellgate check: --quiet takes no value, got "yes"');
  });

  it("an unknown command names the nearest one", async () => {
    const r = await cli("chekc");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('cellgate: unknown command "chekc" (did you mean check?); commands: check, list, explore, exhaustive, merge, replay');
    expect((await cli("help", "exhaustve")).stderr).toContain("(did you mean exhaustive?)");
    expect((await cli("frobnicate")).stderr).not.toContain("did you mean");
  });

  it("nearest: a unique prefix, or at most two edits (a swap is one)", () => {
    expect(nearest("max", ["max-commands", "impl"])).toBe("max-commands");
    expect(nearest("sede", ["seed", "shard"])).toBe("seed");
    expect(nearest("xyz", ["seed", "shard"])).toBeUndefined();
  });
});

describe("one name, one meaning, one default", () => {
  it("the time limit is --time everywhere, and --budget is its alias", () => {
    for (const spec of [CHECK, EXPLORE, EXHAUSTIVE]) {
      expect(parseCommand(spec, ["--budget", "5"]).time).toBe("5");
      expect(parseCommand(spec, ["--time", "5"]).time).toBe("5");
      expect(parseCommand(spec, ["--time", "5", "--budget", "6"]).time).toBe("6"); // the last one counts
    }
  });

  it("cells default to 3 in check, explore and exhaustive; --out and --report mean the same everywhere", () => {
    for (const spec of [CHECK, EXPLORE, EXHAUSTIVE]) {
      expect(spec.options.find((o) => o.name === "cells")?.default).toBe("3");
      expect(spec.options.find((o) => o.name === "out")?.default).toBe("cellgate-repro");
    }
    for (const spec of [CHECK, EXPLORE, EXHAUSTIVE, REPLAY, MERGE]) expect(spec.options.find((o) => o.name === "report")?.value).toBe("KIND:FILE");
  });

  it("--seed random draws a seed, prints it, and puts it in the report", async () => {
    const json = join(scratch, "random.json");
    const r = await cli("check", "--seed", "random", "--runs", "20", "--report", `json:${json}`);
    expect(r.code).toBe(0);
    const seed = Number(/^seed: (\d+) \(chosen at random; --seed \1 repeats this check\)$/m.exec(r.stdout)?.[1]);
    expect(seed).toBeGreaterThan(0);
    const report = JSON.parse(readFileSync(json, "utf8")) as { seed: number; seedRandom: boolean; settings: { seed: number }; reproduce: string };
    expect(report).toMatchObject({ seed, seedRandom: true, settings: { seed } });
    expect(report.reproduce).toContain(`--seed ${seed}`);
    expect((await cli("check", "--seed", "lucky")).stderr).toBe('cellgate check: --seed expects a whole number or random, got "lucky"');
  });
});
