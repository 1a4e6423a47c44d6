/**
 * Running the cellgate command as a real process, marked: every process it starts inherits
 * $HOSTILE_MARKER, so that afterwards /proc says whether anything of it is still running (an
 * implementation, a grandchild, an escapee in another session), whatever its process group.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface Ended {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** It did not end within the bound and was killed (a hang). */
  readonly hung: boolean;
}

export interface Marked {
  readonly pid: number;
  readonly marker: string;
  /** Ends when the command ends, or after `boundMs` (then it is SIGKILLed and `hung`). */
  readonly ended: Promise<Ended>;
  readonly stderrSoFar: () => string;
  kill(signal: NodeJS.Signals): void;
}

let count = 0;

export function runMarked(args: readonly string[], options: { env?: Record<string, string>; boundMs: number }): Marked {
  const marker = `hostile-${process.pid}-${++count}`;
  const child = spawn(process.execPath, ["cli/bin.mjs", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env, HOSTILE_MARKER: marker },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill("SIGKILL");
  }, options.boundMs);
  const ended = new Promise<Ended>((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, hung });
    }),
  );
  return { pid: child.pid as number, marker, ended, stderrSoFar: () => stderr, kill: (s) => child.kill(s) };
}

/** The pids of live (not zombie) processes whose environment carries `marker`. */
export function markedProcesses(marker: string): number[] {
  const needle = `HOSTILE_MARKER=${marker}\0`;
  const found: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state === "Z" || state === "X") continue;
      if (`${readFileSync(`/proc/${e}/environ`, "latin1")}\0`.includes(needle)) found.push(Number(e));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}
