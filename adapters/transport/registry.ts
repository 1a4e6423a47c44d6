/**
 * Which implementation processes are alive, in shared memory, so that any thread can kill them:
 * the worker that spawns a process records its pid here, and the CLI's main thread kills every
 * recorded process group on SIGINT/SIGTERM while the harness thread is busy. Each process runs in
 * its own process group, so killing the group also ends anything it started.
 */
const SLOTS = 64;

let shared = new SharedArrayBuffer(SLOTS * 4);

/** The registry this thread uses (pass it to workers and to the thread that handles signals). */
export function processRegistry(): SharedArrayBuffer {
  return shared;
}

/** Use a registry made by another thread (the CLI's main thread), so that it sees our processes. */
export function adoptProcessRegistry(buffer: SharedArrayBuffer): void {
  shared = buffer;
}

/** Record a live pid; false when every slot is taken (the process is then not killed on signals). */
export function recordPid(buffer: SharedArrayBuffer, pid: number): boolean {
  const slots = new Int32Array(buffer);
  for (let i = 0; i < slots.length; i++) if (Atomics.compareExchange(slots, i, 0, pid) === 0) return true;
  return false;
}

/** Forget a pid once its process has been reaped. */
export function forgetPid(buffer: SharedArrayBuffer, pid: number): void {
  const slots = new Int32Array(buffer);
  for (let i = 0; i < slots.length; i++) Atomics.compareExchange(slots, i, pid, 0);
}

export function livePids(buffer: SharedArrayBuffer): number[] {
  return [...new Int32Array(buffer)].filter((p) => p !== 0);
}

/** SIGKILL every recorded process group; returns the pids. Synchronous, safe in exit handlers. */
export function killRecorded(buffer: SharedArrayBuffer): number[] {
  const pids = livePids(buffer);
  for (const pid of pids) killGroup(pid);
  return pids;
}

/** SIGKILL a process group (its leader's pid), ignoring one that is already gone. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

let reaperInstalled = false;

/**
 * Kill every recorded process when this thread exits, whatever the reason (a forgotten
 * dispose(), an uncaught error). Installed once per thread by the first adapter.
 */
export function installExitReaper(): void {
  if (reaperInstalled) return;
  reaperInstalled = true;
  process.once("exit", () => killRecorded(shared));
}
