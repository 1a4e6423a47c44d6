/** Turn a replayed counterexample into a repro file. */
import { PROTOCOL_VERSION, type ProtocolVersion } from "../../protocol/index.ts";
import type { ReplayResult } from "../run/replay.ts";
import type { Failure } from "../run/run.ts";
import { REPRO_FORMAT, REPRO_FORMAT_VERSION, type ImplementationSource, type ReproFailure, type ReproFile } from "./format.ts";

export interface ReproInput {
  readonly implementation: string;
  /** The protocol version the implementation speaks (default: PROTOCOL_VERSION). */
  readonly protocol?: ProtocolVersion;
  readonly source?: ImplementationSource;
  readonly seed: number | null;
  readonly cells: number;
  readonly path?: string | null;
  readonly replayPath?: string | null;
  readonly result: ReplayResult;
  /** The verdict to record when it is not the replay's own (nondeterminism is judged over two replays). */
  readonly failure?: Failure;
  /** Runs of the same commands that must come before the judged one (state kept across reset); default 0. */
  readonly runsBefore?: number;
}

export function reproFailure(f: Failure): ReproFailure {
  if (f.verdict === "violation") {
    return { verdict: f.verdict, step: f.step, invariants: f.violations.map((v) => v.invariant), violations: f.violations, message: null };
  }
  if (f.verdict === "nondeterminism") {
    return { verdict: f.verdict, step: f.step, invariants: [], violations: [], message: `${f.message}; first: ${f.first}; second: ${f.second}` };
  }
  return { verdict: f.verdict, step: f.step, invariants: [], violations: [], message: f.message };
}

export function buildRepro(input: ReproInput): ReproFile {
  const failure = input.failure ?? input.result.failure;
  if (failure === undefined) throw new Error("a repro needs a failing run");
  const runsBefore = input.runsBefore ?? 0;
  return {
    format: REPRO_FORMAT,
    // Only a repro that needs runs before its own is of version 2: the others stay readable by older readers.
    formatVersion: runsBefore > 0 ? REPRO_FORMAT_VERSION : 1,
    protocolVersion: input.protocol ?? PROTOCOL_VERSION,
    implementation: input.implementation,
    source: input.source ?? { kind: "bundled", name: input.implementation },
    seed: input.seed,
    cells: input.cells,
    ...(runsBefore > 0 ? { runsBefore } : {}),
    path: input.path ?? null,
    replayPath: input.replayPath ?? null,
    commands: input.result.commands,
    labels: input.result.labels,
    failure: reproFailure(failure),
    trace: input.result.trace,
  };
}
