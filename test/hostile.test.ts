/**
 * The hostile-implementation suite: implementations (and inputs) built to break the harness
 * rather than the protocol. Each case runs the real `cellgate` command as a process and states
 * its verdict, its exit code, that it ends within a generous bound (to catch a hang, not to
 * measure speed) and that no process it started is left (every process carries a marker in its
 * environment; /proc is searched for it). .ci/run runs this file under artificial load (2 busy
 * loops per core), so that a verdict that depends on an idle machine fails CI; `npm run
 * test:hostile` runs it alone. Fixtures: test/fixtures/hostile/ (and the stdio and ts fixtures).
 */
import { readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeThrown, errorMessage } from "../adapters/errors.ts";
import { check } from "../properties/index.ts";
import { reference } from "../reference/index.ts";
import { misbehaving } from "./fixtures/ts/misbehaving.ts";
import { markedProcesses, runMarked, type Ended } from "./support/marked.ts";
import { PYTHON, readIfThere, until } from "./support/processes.ts";
import { makeScratch, removeScratch } from "./support/scratch.ts";

const scratch = makeScratch("cellgate-hostile-");
afterAll(() => removeScratch(scratch));

/** Generous: a hang is a case that does not end within this. */
const BOUND_MS = 60_000;
/** After a signal, the command ends at once; this bound only tells a hang from an end. */
const SIGNAL_BOUND_MS = 10_000;
const MISBEHAVE = "test/fixtures/stdio/misbehave.py";

let dirs = 0;
const dir = (name: string): string => join(scratch, `${name}-${++dirs}`);

/** Nothing the case started is running any more (an escapee may take a moment to notice its pipe is gone). */
async function nothingLeft(marker: string): Promise<void> {
  await until(() => markedProcesses(marker).length === 0, 10_000);
  expect(markedProcesses(marker), "processes left running").toEqual([]);
}

function noStackTrace(e: Ended): void {
  expect(e.stderr + e.stdout).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

async function gate(args: readonly string[], env: Record<string, string> = {}, boundMs = BOUND_MS): Promise<Ended & { marker: string }> {
  const m = runMarked(args, { env, boundMs });
  const e = await m.ended;
  expect(e.hung, `hung: ${e.stderr}`).toBe(false);
  await nothingLeft(m.marker);
  noStackTrace(e);
  return { ...e, marker: m.marker };
}

/** A crash verdict with a repro that says crash, and whose message matches. */
async function expectCrash(args: readonly string[], env: Record<string, string>, message: RegExp): Promise<void> {
  const out = dir("repro");
  const e = await gate([...args, "--runs", "50", "--out", out], env);
  expect(e.code, e.stdout + e.stderr).toBe(1);
  expect(e.stdout).toMatch(/verdict: crash after \d+ runs/);
  expect(e.stdout).toMatch(message);
  // --out is the folder of repro directories: the check names the one it wrote.
  const written = /^repro written to (.*)\/ \(/m.exec(e.stdout)?.[1] ?? out;
  const repro = JSON.parse(readFileSync(join(written, "repro.json"), "utf8")) as { failure: { verdict: string; message: string } };
  expect(repro.failure.verdict).toBe("crash");
  expect(repro.failure.message).toMatch(message);
}

describe.concurrent("a module that throws or returns what cannot be described naively is a crash with a repro", () => {
  it.each([
    ["no-prototype", /error on the host step commit\(c1\): an object with no prototype \(keys: none\)/],
    ["message-getter", /error on the host step commit\(c1\): \(reading "name" threw\): \(reading "message" threw\)/],
    ["proxy", /error on the host step commit\(c1\): a Proxy object/],
    ["revoked", /error on the host step commit\(c1\): a Proxy object/],
    ["symbol", /error on the host step commit\(c1\): a symbol \(hostile\)/],
    ["return-proxy", /error on the host step commit\(c1\): a Proxy object/],
    ["microtask", /threw outside any step: an object with no prototype/],
  ])("%s", async (kind, message) => {
    await expectCrash(["check", "--impl", "./test/fixtures/hostile/throws.ts"], { HOSTILE_THROW: kind }, message);
  });
});

describe.concurrent("a module that ends its thread or the process is a crash, and the harness goes on", () => {
  it.each([
    ["exit", /called process\.exit\(3\) during the host step commit\(c1\)/],
    ["really-exit", /called process\.reallyExit\(3\) during the host step commit\(c1\)/],
    ["abort", /called process\.abort\(\) during the host step commit\(c1\)/],
    ["swallowed", /called process\.exit\(4\) during the host step commit\(c1\)/],
  ])("%s", async (kind, message) => {
    await expectCrash(["check", "--impl", "./test/fixtures/hostile/exits.ts"], { HOSTILE_EXIT: kind }, message);
  });
});

describe.concurrent("setup errors are one line, exit 2", () => {
  it("an implementation whose name getter throws cannot be identified", async () => {
    const e = await gate(["check", "--impl", "./test/fixtures/hostile/name-getter.ts"]);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/^cellgate check: \.\/test\/fixtures\/hostile\/name-getter\.ts: its default export is not an Implementation: reading its fields threw an object with no prototype \(keys: none\)\n$/);
  });

  it("a command that does not exist: the shell's 'not found' is in the error every time", async () => {
    // Six at once: before the fix, three in six lost it (the capture was reset after the shell wrote it).
    for (const e of await Promise.all(Array.from({ length: 6 }, () => gate(["check", "--impl-cmd", "nonexistent-xyz"])))) {
      expect(e.code).toBe(2);
      expect(e.stderr).toMatch(/^cellgate check: nonexistent-xyz: no handshake: the implementation exited with code 127 during hello \(stderr: .*nonexistent-xyz.*not found\)\n$/);
    }
  });
});

describe.concurrent("hostile inputs are refused at once: one line, exit 2", () => {
  it.each([
    ["replay of /dev/zero (endless)", () => ["replay", "/dev/zero"], /^cellgate replay: repro file \/dev\/zero is not a regular file\n$/],
    ["replay of a FIFO no one writes", () => ["replay", fifo("repro.fifo").path], /^cellgate replay: repro file .*repro\.fifo is not a regular file\n$/],
    ["--out under /proc", () => ["check", "--impl", "bug-double-close", "--out", "/proc/nope"], /^cellgate check: cannot create directory \/proc\/nope: ENOENT\n$/],
  ])("%s", async (_name, args, message) => {
    const e = await gate(args());
    expect(e.code, e.stderr).toBe(2);
    expect(e.stderr).toMatch(message);
  });
});

describe.concurrent("nothing escapes", () => {
  it("a name that would forge output (a newline and a verdict line, an escape sequence) is escaped", async () => {
    const e = await gate(["check", "--impl", "./test/fixtures/ts/forged-name.ts", "--out", dir("forged")]);
    expect(e.code, e.stdout + e.stderr).toBe(1);
    expect(e.stdout).toMatch(/verdict: violation after \d+ runs/);
    expect(e.stdout).not.toMatch(/^verdict: conforms/m);
    expect(e.stdout + e.stderr).not.toContain("\u001b");
  });

  it("a setsid escapee's writes into the old stdout never reach the next process: a crash, not a protocol error", async () => {
    const state = dir("escapee");
    const e = await gate(["check", "--impl-cmd", `${PYTHON} test/fixtures/hostile/escapee.py ${state}`, "--out", `${state}-repro`]);
    expect(e.code, e.stdout + e.stderr).toBe(1);
    expect(e.stdout).toMatch(/verdict: crash after \d+ runs/);
    expect(e.stdout).toMatch(/the implementation exited with code 3 during the host step commit\(c1\)/);
    expect(e.stdout + e.stderr).not.toMatch(/escapee \/|answers no request|malformed JSON|nondeterminism/);
    // The escapees did try, once the next process ran, and found the old pipe closed.
    await until(() => readIfThere(`${state}.log`).includes("epipe"), 10_000);
    expect(readIfThere(`${state}.log`)).toContain("epipe");
    expect(readIfThere(`${state}.log`)).not.toContain("wrote");
  });

  it("a livelock (a hop that re-emits itself) ends with its verdict, no hang", async () => {
    const e = await gate(["check", "--impl", "./test/fixtures/ts/livelock.ts", "--runs", "50", "--max-commands", "10", "--out", dir("livelock")]);
    expect(e.code, e.stdout + e.stderr).toBe(1);
    expect(e.stdout).toMatch(/verdict: livelock after \d+ runs/);
  });
});

describe.concurrent("load is never a verdict: slow is slow, not hung, not broken, and never a pass", () => {
  it("the README's Python example conforms (exit 0) beside the busy loops", async () => {
    const e = await gate(["check", "--impl-cmd", `${PYTHON} examples/python/cellgate_impl.py`, "--runs", "100", "--max-commands", "30"], {}, 2 * BOUND_MS);
    expect(e.code, e.stdout + e.stderr).toBe(0);
    expect(e.stdout).toContain("verdict: conforms (100 runs, no invariant violated)");
  });

  it("a step that is slow once is a warning with the times, exit 0, not a timeout", async () => {
    const pidfile = join(scratch, "slow-once.pids");
    const e = await gate(["check", "--impl-cmd", `PIDFILE=${pidfile} ${PYTHON} ${MISBEHAVE} slow-once`, "--runs", "30", "--max-commands", "5", "--step-timeout", "0.5"]);
    expect(e.code, e.stdout + e.stderr).toBe(0);
    expect(e.stdout).toMatch(/^warning: slow, not hung: step \d+: no answer to the host step commit\(c1\) .*within 500 ms; .*under the 5 s retry limit, it answered/m);
    expect(e.stdout).toContain("verdict: conforms (30 runs, no invariant violated)");
  });

  it("a broken implementation too slow for its time limit is inconclusive (exit 2), never a pass", async () => {
    const e = await gate(["check", "--impl", "./test/fixtures/hostile/slow-broken.ts", "--time", "3", "--out", dir("slow-broken")]);
    expect(e.stdout).not.toMatch(/^verdict: conforms/m);
    // Should a run be done in time, the race is found: either way it does not pass.
    if (e.code === 1) expect(e.stdout).toMatch(/verdict: violation after \d+ runs/);
    else {
      expect(e.code, e.stdout + e.stderr).toBe(2);
      expect(e.stderr).toMatch(/^cellgate check: inconclusive: the time limit ran out (before the first run was done|after \d+ of the 100 runs a pass needs)/);
    }
  });

  it("a module slow to load again (the fresh replays): its crash, confirmed, not a crash at step 0 nor nondeterminism", async () => {
    const e = await gate(["check", "--impl", "./test/fixtures/hostile/slow-reload.ts", "--runs", "50", "--out", dir("slow-reload")], { HOSTILE_STATE: join(scratch, "slow-reload.loads") });
    expect(e.code, e.stdout + e.stderr).toBe(1);
    expect(e.stdout).toMatch(/^crash at step [1-9]\d*: the implementation reported an error on the host step commit\(c1\): Error: commit failed$/m);
    expect(e.stdout).not.toMatch(/nondeterminism|crash at step 0/);
    expect(readIfThere(join(scratch, "slow-reload.loads")).length, "the module was not loaded again").toBeGreaterThan(1);
  });

  it("a segfault on every reset but the first is a crash (not silent restarts), and its repro replays as one", async () => {
    const pidfile = join(scratch, "segv.pids");
    const out = dir("segv");
    const e = await gate(["check", "--impl-cmd", `PIDFILE=${pidfile} ${PYTHON} ${MISBEHAVE} segv-on-reset`, "--runs", "30", "--max-commands", "3", "--out", out]);
    expect(e.code, e.stdout + e.stderr).toBe(1);
    expect(e.stdout).toMatch(/^crash at step 0: the implementation exited with code 139 during reset \(run 2 of these commands in one fresh process/m);
    const written = /^repro written to (.*)\/ \(/m.exec(e.stdout)?.[1] ?? out;
    const again = await gate(["replay", written, "--trust-source"]);
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(again.stdout).toContain("still fails: the same crash at step 0");
  });

  it("a livelock is a verdict in exhaustive and in replay too, not a hang", async () => {
    const out = dir("livelock-exhaustive");
    const e = await gate(["exhaustive", "--impl", "./test/fixtures/ts/livelock.ts", "--cells", "1", "--depth", "4", "--out", out]);
    expect(e.code, e.stdout + e.stderr).toBe(1);
    expect(e.stdout).toMatch(/livelock/);
    expect(e.stdout).toMatch(/the end-of-run drain did not settle within \d+ steps/);
    const written = /^repro written to (.*)\/ \(/m.exec(e.stdout)?.[1] ?? out;
    const again = await gate(["replay", written, "--trust-source"]);
    expect(again.code, again.stdout + again.stderr).toBe(1);
    expect(again.stdout).toContain("still fails: the same livelock at step");
  });
});

/** Run the command, wait until `ready(its pid)`, send `signal`, and expect it to end by it at once. */
async function interrupt(args: readonly string[], env: Record<string, string>, ready: (pid: number) => boolean, signal: NodeJS.Signals, status: number): Promise<Ended> {
  const m = runMarked(args, { env, boundMs: BOUND_MS });
  expect(await until(() => ready(m.pid), 40_000), `not ready: ${m.stderrSoFar()}`).toBe(true);
  const sent = Date.now();
  m.kill(signal);
  const e = await m.ended;
  expect(e.hung, e.stderr).toBe(false);
  expect(Date.now() - sent, "ended long after the signal").toBeLessThan(SIGNAL_BOUND_MS);
  // Either the status itself, or (a thread stuck in native code) ended by the signal, which a shell reports as the same status.
  expect(e.code === status || (e.code === null && e.signal === signal), `code ${e.code}, signal ${e.signal}`).toBe(true);
  expect(e.stderr).toContain(`cellgate: interrupted by ${signal}`);
  noStackTrace(e);
  await nothingLeft(m.marker);
  return e;
}

/**
 * A FIFO no one writes, and a way to tell when a thread of process `pid` is blocked on it (its
 * kernel wait channel, /proc/PID/task/TID/wchan; where that reads "0", after a while).
 */
function fifo(name: string): { path: string; blockedIn: (pid: number) => boolean } {
  const path = join(scratch, name);
  mkfifoSync(path);
  const since = Date.now();
  return { path, blockedIn: (pid) => Date.now() - since > 8000 || threadsOf(pid).some((wchan) => /fifo|partner|pipe/.test(wchan)) };
}

function threadsOf(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map((t) => readIfThere(`/proc/${pid}/task/${t}/wchan`));
  } catch {
    return [];
  }
}

function mkfifoSync(path: string): void {
  execFileSync("mkfifo", [path]);
}

describe.concurrent("every signal ends the command at once and leaves nothing running", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
    ["SIGQUIT", 131],
  ] as const)("%s while a step of a process hangs (spinning): exit %i", async (signal, status) => {
    const pidfile = join(scratch, `hang-${signal}.pids`);
    await interrupt(["check", "--impl-cmd", `PIDFILE=${pidfile} ${PYTHON} ${MISBEHAVE} hang`, "--step-timeout", "60"], {}, () => readIfThere(pidfile).includes("hang"), signal, status);
  });

  it("SIGTERM while a module spins after starting a child of its own: the child is killed too", async () => {
    const pidfile = join(scratch, "spawns.pids");
    await interrupt(["check", "--impl", "./test/fixtures/hostile/spawns.ts", "--step-timeout", "60"], { HOSTILE_PIDFILE: pidfile }, () => readIfThere(pidfile).includes("spawned"), "SIGTERM", 143);
  });

  it("SIGINT to explore --workers 2: every worker's implementation is killed too", async () => {
    const pidfile = join(scratch, "explore.pids");
    const hangs = () => readIfThere(pidfile).split("\n").filter((l) => l === "hang").length;
    await interrupt(["explore", "--impl-cmd", `PIDFILE=${pidfile} ${PYTHON} ${MISBEHAVE} hang`, "--workers", "2", "--runs", "100", "--step-timeout", "60"], {}, () => hangs() >= 1, "SIGINT", 130);
  });

  it("SIGINT while a module's thread is blocked on a FIFO no one writes (native code, cannot be terminated)", async () => {
    const f = fifo("module.fifo");
    await interrupt(["check", "--impl", "./test/fixtures/hostile/fifo.ts"], { HOSTILE_FIFO: f.path }, f.blockedIn, "SIGINT", 130);
  });

});

describe("what an implementation throws is described safely, in process too", () => {
  const hostileValues: [string, () => unknown, RegExp][] = [
    ["an object without a prototype", () => Object.create(null), /^an object with no prototype \(keys: none\)$/],
    ["a Proxy whose traps throw", () => new Proxy({}, { get: () => { throw new Error("trap"); }, getPrototypeOf: () => { throw new Error("trap"); } }), /^a Proxy object$/],
    ["an Error whose getters throw", () => Object.defineProperty(new Error("x"), "message", { get: () => { throw new Error("getter"); } }), /^Error: \(reading "message" threw\)$/],
    ["a symbol", () => Symbol("s"), /^a symbol \(s\)$/],
    ["a cyclic object", () => { const o: Record<string, unknown> = { a: 1 }; o.self = o; return o; }, /^an object \(keys: a, self\)$/],
    ["a multi-line string", () => "first\nsecond", /^first$/],
  ];

  it.each(hostileValues)("%s", (_name, make, text) => {
    expect(errorMessage(make())).toMatch(text);
    expect(describeThrown(make())).toMatch(text);
  });

  it("an in-process implementation that throws an object without a prototype: a crash verdict, not a harness error", () => {
    const impl = misbehaving("throws-null-proto", "commit", () => {
      throw Object.create(null);
    });
    const r = check(impl, { runs: 50, seed: 1 });
    expect(r.counterexample?.failure).toMatchObject({ verdict: "crash", message: "host threw: an object with no prototype (keys: none)" });
  });

  it("a correct implementation is not affected: the reference conforms", () => {
    expect(check(reference, { runs: 50, seed: 1 }).counterexample).toBeUndefined();
  });
});

describe.concurrent("a thread stuck in native code at the end cannot hang the command", () => {
  it("a module blocked on a FIFO while loading: the load times out, then the process ends (SIGKILL, said on stderr)", async () => {
    const f = fifo("load.fifo");
    {
      // A short start limit (the load gets twice this): the case is the end, not the limit.
      const m = runMarked(["check", "--impl", "./test/fixtures/hostile/fifo.ts", "--start-timeout", "5"], { env: { HOSTILE_FIFO: f.path }, boundMs: BOUND_MS });
      const e = await m.ended;
      expect(e.hung, e.stderr).toBe(false);
      expect(e.code === 137 || e.signal === "SIGKILL", `code ${e.code}, signal ${e.signal}`).toBe(true);
      expect(e.stderr).toMatch(/loading took more than 10 s \(--start-timeout\)/);
      expect(e.stderr).toMatch(/a thread of the implementation is stuck in a blocking system call and cannot be stopped; ending the process by SIGKILL \(exit 2 intended\)/);
      noStackTrace(e);
      await nothingLeft(m.marker);
    }
  });
});
