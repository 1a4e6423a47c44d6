/**
 * Which implementation processes are alive, in shared memory, so that any thread can kill them:
 * the worker that spawns a process records its pid here, and the CLI's main thread kills every
 * recorded process group on SIGINT/SIGTERM while the harness thread is busy. Each process runs in
 * its own process group, so killing the group also ends anything it started.
 */
const SLOTS = 64;
/**
 * After the pid slots, one Int32: 1 once the registry is closed (the command is being stopped
 * on a signal). No process starts after that, and one recorded just as it closed is killed by
 * the thread that recorded it, so that a harness still running while the main thread kills
 * (an explore worker restarting its implementation) leaves nothing behind.
 */
const CLOSED = SLOTS;
/** Bytes of a registry (bin.mjs makes the CLI's with the same layout). */
export const REGISTRY_BYTES = (SLOTS + 1) * 4;

let shared = new SharedArrayBuffer(REGISTRY_BYTES);

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
  for (let i = 0; i < CLOSED; i++) if (Atomics.compareExchange(slots, i, 0, pid) === 0) return true;
  return false;
}

/** Is the registry closed (see CLOSED)? Then no process may start, and one just recorded must be killed. */
export function registryClosed(buffer: SharedArrayBuffer): boolean {
  return buffer.byteLength > CLOSED * 4 && Atomics.load(new Int32Array(buffer), CLOSED) === 1;
}

/** Close the registry and kill every recorded process group; returns their pids. */
export function closeRegistry(buffer: SharedArrayBuffer): number[] {
  Atomics.store(new Int32Array(buffer), CLOSED, 1);
  return killRecorded(buffer);
}

/** Forget a pid once its process has been reaped. */
export function forgetPid(buffer: SharedArrayBuffer, pid: number): void {
  const slots = new Int32Array(buffer);
  for (let i = 0; i < slots.length; i++) Atomics.compareExchange(slots, i, pid, 0);
}

export function livePids(buffer: SharedArrayBuffer): number[] {
  return [...new Int32Array(buffer, 0, Math.min(CLOSED, buffer.byteLength / 4))].filter((p) => p !== 0);
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
