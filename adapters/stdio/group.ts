/**
 * Is anything of a process group still running? Killing a group is asynchronous: the leader's
 * exit is reported as soon as it is reaped, while what it started (the command behind `sh -c`,
 * a grandchild) may still be dying. Read from /proc (Linux); elsewhere nothing is known and the
 * group is taken as gone. Zombies count as gone: they run nothing, and their parent (or init)
 * reaps them.
 */
import { readdirSync, readFileSync } from "node:fs";

export function groupRunning(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return false;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${e}/stat`, "utf8");
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z" && fields[0] !== "X") return true;
  }
  return false;
}
