/**
 * Generation: fast-check command sequences over the harness commands. Each generated command is
 * a tiny fast-check `Command` whose `check` asks the model (through the run) whether it applies
 * and whose `run` executes it, so fast-check's own shrinker keeps only commands that ran.
 */
import fc from "fast-check";
import type { Command, CommandKind } from "../run/commands.ts";
import { formatRawCommand } from "../run/commands.ts";
import type { HarnessRun } from "../run/run.ts";
import type { Scheduler } from "./strategy.ts";
import { offersDispatch, type Implementation } from "../../protocol/index.ts";

/**
 * What fast-check's model runner passes around: the one live run (model and real at once), and
 * the run's scheduler when a strategy other than uniform is in force.
 */
export interface Box {
  readonly run: HarnessRun;
  readonly scheduler?: Scheduler;
  /** When true, no further command runs (the check's budget is spent). */
  readonly stop?: () => boolean;
}

export class HarnessCommand implements fc.Command<Box, Box> {
  constructor(readonly data: Command) {}
  check(m: Readonly<Box>): boolean {
    return m.stop?.() !== true && (m.scheduler?.allows(this.data) ?? true) && m.run.canApply(this.data);
  }
  run(m: Box): void {
    m.run.apply(m.scheduler === undefined ? this.data : m.scheduler.effective(m.run, this.data));
  }
  toString(): string {
    return formatRawCommand(this.data);
  }
}

/** Relative weights of the command kinds; deliveries dominate, because they choose interleavings. */
export type Weights = Readonly<Record<CommandKind, number>>;

export const DEFAULT_WEIGHTS: Weights = {
  create: 3,
  ready: 3,
  // Waits and yields keep cells alive long enough to reach the deep races (a wait needs the id
  // that the initial reply gives); terminates, cancels and shutdown end them, so they are rarer.
  observe: 6,
  "observe-cancel": 1,
  yield: 3,
  complete: 3,
  terminate: 2,
  shutdown: 1,
  deliver: 20,
  // Nested tool calls, for an implementation that offers dispatch (weightsFor drops them otherwise).
  tool: 2,
};

/**
 * The weights for `impl`: without dispatch no tool call can run, so none is generated and a seed
 * gives the same runs it gave before tool calls existed.
 */
export function weightsFor(impl: Pick<Implementation, "dispatch" | "protocol">, weights: Weights = DEFAULT_WEIGHTS): Weights {
  return offersDispatch(impl) ? weights : { ...weights, tool: 0 };
}

export const DEFAULT_MAX_COMMANDS = 100;

export interface GenerationOptions {
  readonly maxCommands?: number;
  readonly weights?: Weights;
  /** fast-check size of the sequences (default medium; "max" exhausts the heap). */
  readonly size?: fc.SizeForArbitrary;
  /** fast-check's replayPath of a recorded sequence (with seed and path, replays it exactly). */
  readonly replayPath?: string;
}

/** One command, by weight; indices shrink towards 0 (the first live candidate). */
export function commandData(weights: Weights = DEFAULT_WEIGHTS): fc.Arbitrary<Command> {
  const index = fc.nat({ max: 15 });
  const parts: fc.WeightedArbitrary<Command>[] = [];
  for (const [kind, weight] of Object.entries(weights) as [CommandKind, number][]) {
    if (weight <= 0) continue;
    const arb: fc.Arbitrary<Command> =
      kind === "create" || kind === "shutdown" ? fc.constant({ kind }) : index.map((i) => ({ kind, index: i }) as Command);
    parts.push({ arbitrary: arb, weight });
  }
  return fc.oneof(...parts);
}

export function commandsArbitrary(options: GenerationOptions = {}): fc.Arbitrary<Iterable<fc.Command<Box, Box>>> {
  return fc.commands([commandData(options.weights).map((d) => new HarnessCommand(d))], {
    maxCommands: options.maxCommands ?? DEFAULT_MAX_COMMANDS,
    size: options.size ?? "medium",
    ...(options.replayPath !== undefined ? { replayPath: options.replayPath } : {}),
  });
}

/** The commands of a (shrunk) sequence that actually ran, as plain data. */
export function ranCommands(cmds: Iterable<unknown>): Command[] {
  const out: Command[] = [];
  for (const w of cmds as Iterable<{ hasRan?: boolean; cmd?: HarnessCommand }>) {
    if (w.hasRan === true && w.cmd instanceof HarnessCommand) out.push(w.cmd.data);
  }
  return out;
}

/** The replayPath fast-check prints for a command sequence (needed with seed and path to replay it). */
export function replayPathOf(cmds: unknown): string | undefined {
  const meta = (cmds as { metadataForReplay?: () => string }).metadataForReplay?.();
  const m = meta === undefined ? null : /replayPath="([^"]*)"/.exec(meta);
  return m?.[1];
}
