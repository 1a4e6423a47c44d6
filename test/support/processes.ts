import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

/** The real python3 executable (not a version-manager shim that adds 150 ms to every start). */
export const PYTHON = execFileSync("python3", ["-c", "import sys; print(sys.executable)"]).toString().trim();

/** Is `pid` a live process? A zombie counts as gone (it runs nothing and holds nothing). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

export function readIfThere(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

/** The pids a fixture wrote to its PIDFILE, one per line (other lines are notes). */
export function pidsIn(file: string): number[] {
  return readIfThere(file).split("\n").filter((l) => /^\d+$/.test(l)).map(Number);
}

/** Wait until `pred` holds (polling), at most `ms`. */
export async function until(pred: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return pred();
}
