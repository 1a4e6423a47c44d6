/**
 * Every filesystem operation on a path the user gave, failing fast with one line: reading a file
 * argument (a regular file of bounded size, never a FIFO or a device), creating directories
 * (Node's recursive mkdir spins forever under /proc), and writing reports and repro files
 * atomically (a temporary file in the same directory, then a rename), or appending (md).
 */
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync, appendFileSync, accessSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "./errors.ts";

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? (e instanceof Error ? e.message : String(e));
}

/**
 * Run `use` on a file argument that must be a regular file (opened without blocking, and a
 * directory, FIFO, socket or device refused before reading, so `/dev/zero` and a FIFO neither
 * grow nor hang), then close it; any other error is a one-line usage error naming the file.
 */
function withRegularFile<T>(path: string, what: string, use: (fd: number, size: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${code(e)}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UsageError(`${what} ${path} is not a regular file`);
    return use(fd, st.size);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${what} ${path}: ${code(e)}`);
  } finally {
    closeSync(fd);
  }
}

/** The text of a file argument: a regular file (`withRegularFile`) of at most `maxBytes`. */
export function readBoundedFile(path: string, maxBytes: number, what: string): string {
  return withRegularFile(path, what, (fd, size) => {
    if (size > maxBytes) throw new UsageError(`${what} ${path} is too large (${size} bytes; at most ${maxBytes})`);
    const buffer = Buffer.alloc(Math.min(maxBytes, size) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) throw new UsageError(`${what} ${path} grew while it was read (more than ${buffer.length - 1} bytes)`);
    }
    return buffer.subarray(0, length).toString("utf8");
  });
}

/**
 * A regular file argument (`withRegularFile`) read in parts: `use` gets its size and `read(at,
 * length)`, the bytes at `at` in a buffer of their own (so a file larger than one buffer can be
 * read). A read past the end throws `short(path)`.
 */
export function readFileParts<T>(path: string, what: string, use: (source: { readonly size: number; read(at: number, length: number): Uint8Array }) => T, short: () => Error): T {
  return withRegularFile(path, what, (fd, size) => {
    const read = (at: number, length: number): Uint8Array => {
      const out = new Uint8Array(length);
      for (let got = 0; got < length; ) {
        const n = readSync(fd, out, got, length - got, at + got);
        if (n === 0) throw short();
        got += n;
      }
      return out;
    };
    return use({ size, read });
  });
}

/** Create `dir` and its missing parents, one at a time (a failure is an error at once, never a loop). */
export function makeDirectories(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    let st;
    try {
      st = statSync(at);
    } catch (e) {
      if (code(e) !== "ENOENT") throw new UsageError(`cannot create directory ${dir}: ${at}: ${code(e)}`);
      missing.unshift(at);
      const up = dirname(at);
      if (up === at) break;
      at = up;
      continue;
    }
    if (!st.isDirectory()) throw new UsageError(`cannot create directory ${dir}: ${at} is not a directory`);
    break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      if (code(e) === "EEXIST" && statSync(d).isDirectory()) continue;
      throw new UsageError(`cannot create directory ${dir}: ${code(e)}`);
    }
  }
}

/**
 * Check that `file` can be written, before any work is done: its directory exists or is created
 * and is writable, and the file, if it exists, is a regular file.
 */
export function prepareTarget(file: string, what: string): void {
  const dir = dirname(file);
  makeDirectories(dir);
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new UsageError(`cannot write ${what} ${file}: ${dir}: ${code(e)}`);
  }
  let st;
  try {
    st = lstatSync(file);
  } catch {
    return;
  }
  if (st.isSymbolicLink()) st = statSync(file, { throwIfNoEntry: false }) ?? st;
  if (!st.isFile()) throw new UsageError(`cannot write ${what} ${file}: it exists and is not a regular file`);
  try {
    accessSync(file, constants.W_OK);
  } catch (e) {
    throw new UsageError(`cannot write ${what} ${file}: ${code(e)}`);
  }
}

/** One name for a path, to tell whether two targets are the same file. */
export function pathKey(file: string): string {
  try {
    const st = statSync(file);
    return `inode:${st.dev}:${st.ino}`;
  } catch {
    return `path:${resolve(file)}`;
  }
}

/** Write `text` (or the chunks, one after another) to `file` atomically: a reader sees the old file or the new one, never a part. */
export function writeAtomic(file: string, text: string | readonly Uint8Array[]): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    if (typeof text === "string") writeFileSync(temp, text, { flag: "wx" });
    else {
      const fd = openSync(temp, "wx");
      try {
        for (const chunk of text) for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
      } finally {
        closeSync(fd);
      }
    }
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new UsageError(`cannot write ${file}: ${code(e)}`);
  }
}

/** Append `text` to `file` (created if missing) in one write, as a CI job summary expects. */
export function appendText(file: string, text: string): void {
  try {
    appendFileSync(file, text);
  } catch (e) {
    throw new UsageError(`cannot append to ${file}: ${code(e)}`);
  }
}
