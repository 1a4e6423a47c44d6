/**
 * Scheduling strategies for random runs. The strategy of a run is part of its generated value
 * (a parameter record generated alongside the command list), so a run replays from its seed and
 * fast-check shrinks the parameters with the commands:
 *
 * - uniform: every command kind by its weight, `deliver[i]` picks a channel by index (the
 *   default; it generates exactly what `check` always generated).
 * - swarm (Groce et al., "Swarm testing"): each run disables a random subset of command kinds;
 *   their commands are skipped. `deliver` and `create` are never disabled (without them nothing
 *   happens). Shrinking re-enables kinds, towards uniform.
 * - pct (Burckhardt et al., "A randomized scheduler with probabilistic guarantees of finding
 *   bugs"): every channel gets a random priority and `deliver` always delivers the non-empty
 *   channel of highest priority; at d−1 random change points (counted in deliveries) the channel
 *   just delivered drops below every other. A bug of depth d, in runs of k deliveries over n
 *   channels, is found with probability at least 1/(n·k^(d−1)) per run.
 */
import fc from "fast-check";
import { COMMAND_KINDS, type Command, type CommandKind } from "../run/commands.ts";
import type { HarnessRun } from "../run/run.ts";

export const STRATEGIES = ["uniform", "swarm", "pct"] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** Kinds swarm may switch off. */
// Nested tool calls are left to their weight (zero without dispatch), so that swarm draws the same
// switches for every implementation, with dispatch or without.
export const SWARM_KINDS: readonly CommandKind[] = COMMAND_KINDS.filter((k) => k !== "deliver" && k !== "create" && k !== "tool");

export type StrategyParams =
  | { readonly strategy: "uniform" }
  | { readonly strategy: "swarm"; readonly disabled: readonly CommandKind[] }
  | { readonly strategy: "pct"; readonly priorities: readonly number[]; readonly changePoints: readonly number[] };

export interface StrategyOptions {
  readonly cells: number;
  readonly maxCommands: number;
  /** PCT's bug depth d: d−1 change points (default 3). */
  readonly pctDepth?: number;
}

/** Channels in the harness's canonical order: core→host, host→core, host⇢core, host:c1.., core:self. */
export function channelCount(cells: number): number {
  return 4 + cells;
}

/** The per-run parameters of a strategy (uniform has none, and generates nothing). */
export function strategyArbitrary(name: Exclude<StrategyName, "uniform">, options: StrategyOptions): fc.Arbitrary<StrategyParams> {
  switch (name) {
    case "swarm":
      return fc
        .tuple(...SWARM_KINDS.map(() => fc.boolean()))
        .map((off): StrategyParams => ({ strategy: "swarm", disabled: SWARM_KINDS.filter((_, i) => off[i] === true) }));
    case "pct": {
      const d = options.pctDepth ?? 3;
      const n = channelCount(options.cells);
      return fc
        .tuple(
          fc.array(fc.nat({ max: 1000 }), { minLength: n, maxLength: n }),
          fc.array(fc.nat({ max: Math.max(0, options.maxCommands - 1) }), { minLength: d - 1, maxLength: d - 1 }),
        )
        .map(([priorities, changePoints]): StrategyParams => ({ strategy: "pct", priorities, changePoints }));
    }
  }
}

/** One run's scheduler: which commands may run, and which channel a delivery takes. */
export class Scheduler {
  private readonly priorities: number[];
  private deliveries = 0;

  constructor(readonly params: StrategyParams) {
    this.priorities = params.strategy === "pct" ? [...params.priorities] : [];
  }

  /** Swarm: is this command's kind switched on in this run? */
  allows(cmd: Command): boolean {
    return this.params.strategy !== "swarm" || !this.params.disabled.includes(cmd.kind);
  }

  /**
   * The command to execute for `cmd` (call once per executed command): under pct a delivery is
   * replaced by the delivery of the highest-priority non-empty channel.
   */
  effective(run: HarnessRun, cmd: Command): Command {
    if (this.params.strategy !== "pct" || cmd.kind !== "deliver") return cmd;
    const order = run.channels.queuesInOrder().map((c) => c.channel);
    const live = run.channels.nonEmpty();
    let best = 0;
    for (let i = 1; i < live.length; i++) {
      if (this.priority(order.indexOf(live[i] as never)) > this.priority(order.indexOf(live[best] as never))) best = i;
    }
    const j = this.params.changePoints.indexOf(this.deliveries);
    if (j >= 0) this.priorities[order.indexOf(live[best] as never)] = -(j + 1);
    this.deliveries++;
    return { kind: "deliver", index: best };
  }

  private priority(channel: number): number {
    return this.priorities[channel] ?? 0;
  }
}

/** Parse a strategy name (CLI). */
export function isStrategy(x: string): x is StrategyName {
  return (STRATEGIES as readonly string[]).includes(x);
}
