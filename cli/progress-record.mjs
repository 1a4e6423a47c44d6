// The progress record of the running command, in shared memory. bin.mjs creates it and hands it
// to the command's thread (workerData.progress); the command writes what it has done so far (runs,
// steps, violations, what it is busy with) and bin.mjs reads it when a signal comes, to print a
// partial summary even while the command's thread is stuck in a synchronous step.
//
// Plain JavaScript, so that bin.mjs can use it without loading TypeScript. Layout: an Int32 sequence
// number (odd while a write is under way; readers retry), then numbers as Float64, then the text
// fields as JSON (UTF-8, length-prefixed), which change rarely.

export const PROGRESS_RECORD_BYTES = 4096;

const SEQ = 0; // Int32 index
const FROZEN = 1; // Int32 index: 1 once the signal handler has frozen the record
const NUM = 8; // byte offset of the Float64 fields
const FIELDS = ["started", "startedAtMs", "updatedAtMs", "runs", "steps", "violations", "planned", "drawn"];
const TEXT_LEN = NUM + FIELDS.length * 8; // byte offset of the Int32 text length
const TEXT = TEXT_LEN + 8; // byte offset of the text
const TEXT_MAX = PROGRESS_RECORD_BYTES - TEXT;

/** A fresh, empty record (nothing begun). */
export function createProgressRecord() {
  return new SharedArrayBuffer(PROGRESS_RECORD_BYTES);
}

/** Reader and writer of one record; any thread holding the buffer may construct one. */
export class ProgressRecord {
  constructor(buffer) {
    this.seq = new Int32Array(buffer, 0, 2);
    this.nums = new Float64Array(buffer, NUM, FIELDS.length);
    this.len = new Int32Array(buffer, TEXT_LEN, 1);
    this.bytes = new Uint8Array(buffer, TEXT, TEXT_MAX);
    this.text = { command: "", implementation: "", activity: "", seed: null };
  }

  write(fn) {
    if (Atomics.load(this.seq, FROZEN) === 1) return;
    Atomics.add(this.seq, SEQ, 1);
    try {
      fn();
    } finally {
      Atomics.add(this.seq, SEQ, 1);
    }
  }

  /** The command starts: what it is, against what, how many runs it plans (undefined: unknown). */
  begin({ command, implementation, planned, seed, units }) {
    this.write(() => {
      const now = Date.now();
      this.nums.set([1, now, now, 0, 0, 0, planned ?? NaN, 0]);
      this.text = { command, implementation, activity: "starting", seed: seed ?? null, run: units?.run ?? "run", step: units?.step ?? "step" };
      this.storeText();
    });
  }

  /** The counts so far (cheap: call it after every run). */
  count({ runs, steps, violations }) {
    this.write(() => {
      this.nums[2] = Date.now();
      this.nums[3] = runs;
      this.nums[4] = steps;
      this.nums[5] = violations;
    });
  }

  /** Whether a progress line is drawn on the terminal now (the summary then clears it first). */
  drawn(on) {
    if (Atomics.load(this.seq, FROZEN) === 1) return;
    this.nums[7] = on ? 1 : 0;
  }

  /** What the command is busy with now, in a few words ("shrinking a violation"). */
  activity(text) {
    if (this.text.activity === text) return;
    this.write(() => {
      this.text = { ...this.text, activity: text };
      this.storeText();
    });
  }

  storeText() {
    let encoded = new TextEncoder().encode(JSON.stringify(this.text));
    if (encoded.length > TEXT_MAX) {
      const short = { ...this.text, implementation: this.text.implementation.slice(0, 200), activity: this.text.activity.slice(0, 200) };
      encoded = new TextEncoder().encode(JSON.stringify(short)).slice(0, TEXT_MAX);
    }
    this.bytes.set(encoded);
    this.len[0] = encoded.length;
  }

  /** A consistent copy of the record, or undefined when nothing has begun (or it cannot be read). */
  read() {
    for (let attempt = 0; attempt < 100; attempt++) {
      const before = Atomics.load(this.seq, SEQ);
      if (before % 2 === 1) continue;
      const nums = [...this.nums];
      const length = this.len[0];
      const raw = this.bytes.slice(0, Math.max(0, Math.min(length, TEXT_MAX)));
      if (Atomics.load(this.seq, SEQ) !== before) continue;
      if (nums[0] !== 1) return undefined;
      let text;
      try {
        text = JSON.parse(new TextDecoder().decode(raw));
      } catch {
        return undefined;
      }
      const [, startedAtMs, updatedAtMs, runs, steps, violations, planned, drawn] = nums;
      return { ...text, frozen: Atomics.load(this.seq, FROZEN) === 1, startedAtMs, updatedAtMs, runs, steps, violations, planned: Number.isNaN(planned) ? undefined : planned, drawn: drawn === 1 };
    }
    return undefined;
  }
}

/**
 * Freeze the record at the moment a signal arrives, before the implementation is killed: what the
 * command does after that (a run failing because its process was killed) is not what was checked.
 * The time it was frozen is the time the summary gives.
 */
export function freezeProgressRecord(buffer) {
  const record = new ProgressRecord(buffer);
  record.write(() => {
    record.nums[2] = Date.now();
  });
  Atomics.store(record.seq, FROZEN, 1);
}

/** Control characters and line breaks as escapes, so that no name can forge a line. */
function printable(s) {
  // eslint-disable-next-line no-control-regex
  return String(s).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
}

/**
 * The partial summary of an interrupted command, as lines for stderr (none when the command had
 * not begun): what it checked before the signal and what it was doing.
 */
export function formatPartialSummary(buffer, nowMs = Date.now()) {
  const r = new ProgressRecord(buffer).read();
  if (r === undefined) return [];
  const seconds = Math.max(0, (r.frozen ? r.updatedAtMs : nowMs) - r.startedAtMs) / 1000;
  const unit = printable(r.run ?? "run");
  const runs = r.planned === undefined ? `${r.runs} ${unit}${r.runs === 1 ? "" : "s"}` : `${r.runs} of ${r.planned} ${unit}s`;
  const steps = `${r.steps} ${printable(r.step ?? "step")}${r.steps === 1 ? "" : "s"}`;
  const seed = r.seed === null ? "" : `, seed ${r.seed}`;
  const violations = `${r.violations} failing run${r.violations === 1 ? "" : "s"}`;
  // A progress line drawn in place on the terminal is cleared first, so the summary starts a clean line.
  return [
    `${r.drawn ? "\r\x1b[K" : ""}cellgate ${printable(r.command)}: interrupted after ${seconds.toFixed(1)} s: ${runs} done, ${steps}, ${violations} (${printable(r.implementation)}${seed})`,
    `cellgate ${printable(r.command)}: was ${printable(r.activity)}${r.activity === "running" && r.command === "check" ? ` run ${r.runs + 1}` : ""}; nothing after this point was checked, and no report was written`,
  ];
}
