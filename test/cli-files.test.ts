/**
 * Untrusted input in the CLI: file arguments (a regular file of bounded size, never a device or a
 * FIFO), paths that cannot be created, report targets checked before the check starts, atomic
 * writes, repro directories never overwritten by another failure, repro files validated strictly
 * and never allowed to choose code to run, merge input whose counts disagree.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./support/cli.ts";
import { makeScratch, removeScratch } from "./support/scratch.ts";

const scratch = makeScratch("cellgate-files-");
afterAll(() => removeScratch(scratch));
const BUG = "bug-close-before-ready";
let reproDir = "";

beforeAll(async () => {
  const r = await cli("check", "--impl", BUG, "--runs", "100", "--out", join(scratch, "base"));
  expect(r.code).toBe(1);
  reproDir = join(scratch, "base", `${BUG}-1`);
});

function editedRepro(name: string, edit: (o: Record<string, unknown>) => void): string {
  const o = JSON.parse(readFileSync(join(reproDir, "repro.json"), "utf8")) as Record<string, unknown>;
  edit(o);
  const file = join(scratch, `${name}.json`);
  writeFileSync(file, JSON.stringify(o));
  return file;
}

describe("file arguments", () => {
  it.each(["replay", "merge"])("%s refuses a device, a directory's stand-in and a FIFO at once, exit 2", async (command) => {
    const zero = await cli(command, "/dev/zero");
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/\/dev\/zero is not a regular file$/);
    const fifo = join(scratch, `${command}.fifo`);
    execFileSync("mkfifo", [fifo]);
    const f = await cli(command, fifo);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/\.fifo is not a regular file$/);
  });

  it("refuses a file larger than the bound without reading it", async () => {
    const big = join(scratch, "big.json");
    writeFileSync(big, "");
    truncateSync(big, 17 * 1024 * 1024);
    const r = await cli("replay", big);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/big\.json is too large \(17825792 bytes; at most 16777216\)$/);
  });
});

describe("paths to write", () => {
  it("a repro folder that cannot be created fails fast with one line (it spun forever under /proc)", () => {
    // Through bin.mjs, with a timeout: the old failure was a hang.
    const r = spawnSync(process.execPath, ["cli/bin.mjs", "check", "--runs", "5", "--out", "/proc/nope/repro"], { encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^cellgate check: cannot create directory \/proc\/nope\/repro: \w+\n$/);
    expect(r.stdout).toBe("");
  });

  it("report targets are checked before the check starts: parent creatable, not a directory, not twice the same, not a repro file", async () => {
    const cases: [string[], RegExp][] = [
      [["--report", "json:/proc/nope/r.json"], /cannot create directory \/proc\/nope/],
      [["--report", `json:${scratch}`], /it exists and is not a regular file/],
      [["--report", `json:${join(scratch, "a.json")}`, "--report", `junit:${join(scratch, ".", "a.json")}`], /are the same file/],
      [["--report", "json:-", "--report", "md:-"], /are the same file/],
      [["--out", join(scratch, "d"), "--report", `json:${join(scratch, "d", `${BUG}-1`, "repro.json")}`], /is where a repro file would be written/],
    ];
    for (const [args, message] of cases) {
      const r = await cli("check", "--impl", BUG, "--runs", "100", ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split("\n")).toHaveLength(1);
      expect(r.stdout, "nothing ran").toBe("");
    }
  });

  it("creates the parents of a report, writes it whole (no temporary file left) and appends Markdown", async () => {
    const dir = join(scratch, "nested", "reports");
    for (let i = 0; i < 2; i++) {
      const r = await cli("check", "--runs", "20", "--report", `junit:${join(dir, "x.xml")}`, "--report", `md:${join(dir, "summary.md")}`, "--report", `json:${join(dir, "x.json")}`);
      expect(r.code).toBe(0);
    }
    expect(readdirSync(dir).sort()).toEqual(["summary.md", "x.json", "x.xml"]);
    const md = readFileSync(join(dir, "summary.md"), "utf8");
    expect(md.match(/^## cellgate check: `reference` conforms$/gm)).toHaveLength(2);
  });

  it("a repro folder holding another failure is left alone: the new repro goes beside it", async () => {
    const out = join(scratch, "keep");
    const first = await cli("check", "--impl", BUG, "--runs", "100", "--out", out);
    expect(first.stdout).toContain(`repro written to ${join(out, `${BUG}-1`)}/`);
    // The same failure again: the same folder, the same bytes.
    const again = await cli("check", "--impl", BUG, "--runs", "100", "--out", out);
    expect(again.stdout).toContain(`repro written to ${join(out, `${BUG}-1`)}/`);
    const other = join(out, `${BUG}-1`, "repro.json");
    const text = readFileSync(other, "utf8").replace('"seed": 1', '"seed": 7');
    writeFileSync(other, text);
    const third = await cli("check", "--impl", BUG, "--runs", "100", "--out", out);
    expect(third.stdout).toContain(`repro written to ${join(out, `${BUG}-1-2`)}/`);
    expect(readFileSync(other, "utf8")).toBe(text);
  });
});

describe("replay takes a repro file as data", () => {
  it("a cut or emptied command list, or a source without its command, is an error, not 'fixed'", async () => {
    const cut = editedRepro("cut", (o) => void (o.commands as unknown[]).pop());
    const cutAll = editedRepro("cut-all", (o) => {
      (o.commands as unknown[]).pop();
      (o.labels as unknown[]).pop();
    });
    const empty = editedRepro("empty", (o) => {
      o.commands = [];
      o.labels = [];
    });
    const noCommand = editedRepro("no-command", (o) => void (o.source = { kind: "command" }));
    const noSource = editedRepro("no-source", (o) => void delete o.source);
    const expected: [string, RegExp][] = [
      [cut, /commands but \d+ labels: the command list was cut or edited/],
      [cutAll, /commands but the trace has \d+ command steps: the command list was cut or edited/],
      [empty, /the "commands" list is empty/],
      [noCommand, /"source" of kind command needs a non-empty "command"/],
      [noSource, /missing or bad "source"/],
    ];
    for (const [file, message] of expected) {
      const r = await cli("replay", file);
      expect(r.code, file).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).not.toContain("fixed");
    }
  });

  it("never runs a command line or imports a module named by the file unless trusted", async () => {
    const marker = join(scratch, "ran");
    const command = `touch ${marker}; python3 examples/python/cellgate_impl_broken.py`;
    const file = editedRepro("command", (o) => void (o.source = { kind: "command", command }));
    const refused = await cli("replay", file);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`cellgate replay: the repro file would run the command line ${JSON.stringify(command)}; pass --trust-source to run it, or --impl-cmd to choose one`);
    expect(existsSync(marker)).toBe(false);
    const mod = editedRepro("module", (o) => void (o.source = { kind: "module", path: "./test/fixtures/ts/crash.ts" }));
    expect((await cli("replay", mod)).stderr).toMatch(/would import the module "\.\/test\/fixtures\/ts\/crash\.ts"; pass --trust-source/);
    const path = editedRepro("bundled-path", (o) => void (o.source = { kind: "bundled", name: "./test/fixtures/ts/crash.ts" }));
    expect((await cli("replay", path)).stderr).toMatch(/which is no bundled implementation/);
    const trusted = await cli("replay", file, "--trust-source");
    expect(existsSync(marker)).toBe(true);
    expect(trusted.code).toBe(1);
    // Choosing the implementation oneself needs no trust.
    expect((await cli("replay", file, "--impl", BUG)).code).toBe(1);
  });
});

describe("merge checks what a report claims", () => {
  it("a report that says no seed failed but lists counterexamples is an error, not conforms", async () => {
    const json = join(scratch, "failing.json");
    const r = await cli("explore", "--impl", BUG, "--runs", "100", "--progress-every", "0", "--out", join(scratch, "ex"), "--report", `json:${json}`);
    expect(r.code).toBe(1);
    const o = JSON.parse(readFileSync(json, "utf8")) as Record<string, unknown>;
    expect(o.violations).toBe(1);
    o.violations = 0;
    const forged = join(scratch, "forged.json");
    writeFileSync(forged, JSON.stringify(o));
    const m = await cli("merge", forged);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/"violations" is 0 but 1 counterexamples are listed$/);
    expect((await cli("merge", json)).code).toBe(1);
  });
});
