/**
 * The throughput baseline: the same generated command data as `cellgate check` (same kinds,
 * weights, lengths), driven straight into an implementation through a bare `fc.modelRun`, with no
 * model, no invariants, no validation, no ordering counts and no recording. What is left is what
 * any fast-check test of this protocol must pay: generation, `check`/`run` dispatch, the
 * implementation itself, and the channels that carry its messages.
 *
 * The only bookkeeping is the little needed to know which commands apply (a cell is ready, an
 * observation is pending, the JavaScript still runs), read off the messages as they pass.
 */
import fc from "fast-check";
import { cellId, type CellId, type ChannelName, type Implementation, type Instance, type Message } from "../protocol/index.ts";
import { Channels, commandData, DEFAULT_MAX_COMMANDS, DEFAULT_WEIGHTS, type Command } from "../properties/index.ts";

interface BareCell {
  readonly cell: CellId;
  admitted: boolean;
  ready: boolean;
  running: boolean;
  /** Core read a terminal reply or cell_closed. */
  ended: boolean;
  /** Observations whose reply Core has not read and that were not cancelled. */
  readonly pending: number[];
}

/** One bare run: an instance, its channels, and the minimum needed to pick applicable commands. */
export class BareRun {
  readonly instance: Instance;
  readonly channels: Channels;
  private readonly names: CellId[];
  private readonly cells: BareCell[] = [];
  private shutdown = false;
  private nextReq = 1;
  steps = 0;

  constructor(impl: Implementation, cells: number) {
    this.names = Array.from({ length: cells }, (_, i) => cellId(i + 1));
    this.channels = new Channels(this.names);
    this.instance = impl.start();
  }

  /** The action a command performs now, or undefined when it does not apply. */
  resolve(cmd: Command): (() => void) | undefined {
    switch (cmd.kind) {
      case "create": {
        const cell = this.names[this.cells.length];
        if (cell === undefined) return undefined;
        return () => {
          this.cells.push({ cell, admitted: false, ready: false, running: false, ended: false, pending: [] });
          this.core({ type: "exec_create", cell });
        };
      }
      case "shutdown":
        return this.shutdown ? undefined : () => {
          this.shutdown = true;
          for (const c of this.cells) c.running = false;
          this.host({ type: "shutdown" });
        };
      case "deliver": {
        const chans = this.channels.nonEmpty();
        if (chans.length === 0) return undefined;
        const channel = chans[cmd.index % chans.length] as ChannelName;
        return () => this.deliver(channel);
      }
      case "observe-cancel": {
        const all = this.cells.flatMap((c) => c.pending.map((req) => ({ c, req })));
        const pick = all[cmd.index % Math.max(1, all.length)];
        if (pick === undefined) return undefined;
        return () => {
          pick.c.pending.splice(pick.c.pending.indexOf(pick.req), 1);
          this.core({ type: "cancel_observe", cell: pick.c.cell, req: pick.req });
        };
      }
      default: {
        const kind = cmd.kind;
        const cands = this.cells.filter((c) => (kind === "ready" ? c.admitted && !c.ready : kind === "yield" || kind === "complete" ? c.running : c.ready));
        const c = cands[cmd.index % Math.max(1, cands.length)];
        if (c === undefined) return undefined;
        switch (kind) {
          case "ready":
            return () => {
              c.ready = true;
              this.core({ type: "mark_ready", cell: c.cell });
            };
          case "observe":
            return () => {
              const req = this.nextReq++;
              c.pending.push(req);
              this.core({ type: "wait_observe", cell: c.cell, req });
            };
          case "terminate":
            return () => this.core({ type: "user_terminate", cell: c.cell, req: this.nextReq++ });
          case "yield":
            return () => this.host({ type: "js_yield", cell: c.cell });
          case "complete":
            return () => {
              c.running = false;
              this.host({ type: "js_complete", cell: c.cell });
            };
        }
      }
    }
  }

  /**
   * The bare counterpart of the harness's drain, so both loops take about as many steps per run:
   * deliver everything, make the due readiness calls, finish the JavaScript, read each ready
   * cell's outcome, until nothing changes.
   */
  drain(): void {
    const observed = new Map<CellId, number>();
    for (let round = 0; round < 64; round++) {
      let progressed = false;
      for (let chans = this.channels.nonEmpty(); chans.length > 0; chans = this.channels.nonEmpty()) {
        this.deliver(chans[0] as ChannelName);
        progressed = true;
      }
      for (const kind of ["ready", "complete"] as const) {
        for (let act = this.resolve({ kind, index: 0 }); act !== undefined; act = this.resolve({ kind, index: 0 })) {
          act();
          progressed = true;
        }
      }
      for (const c of this.cells) {
        const tries = observed.get(c.cell) ?? 0;
        if (c.ready && !c.ended && tries < 3 && c.pending.length === 0) {
          observed.set(c.cell, tries + 1);
          const req = this.nextReq++;
          c.pending.push(req);
          this.core({ type: "wait_observe", cell: c.cell, req });
          progressed = true;
        }
      }
      if (!progressed) break;
    }
  }

  private deliver(channel: ChannelName): void {
    const m = this.channels.take(channel) as Message;
    if (channel === "core→host" || channel.startsWith("host:")) {
      if (m.type === "terminate") this.cellOf(m.cell).running = false;
      this.host(m as never);
    } else {
      const c = this.cellOf(m.cell);
      if (m.type === "created") c.admitted = true;
      if (m.type === "observe_outcome" && c.pending.includes(m.req)) c.pending.splice(c.pending.indexOf(m.req), 1);
      if (m.type === "cell_closed" || (m.type === "observe_outcome" && (m.outcome === "completed" || m.outcome === "terminated" || m.outcome === "missing"))) c.ended = true;
      if (m.type === "terminate_outcome" && m.outcome !== "already_terminating") c.ended = true;
      this.core(m as never);
    }
  }

  private cellOf(cell: CellId): BareCell {
    return this.cells.find((c) => c.cell === cell) as BareCell;
  }

  private host(input: Parameters<Instance["host"]>[0]): void {
    this.steps++;
    if (input.type === "create_cell") this.cellOf(input.cell).running = !this.shutdown;
    for (const m of this.instance.host(input)) this.channels.push(m);
  }

  private core(input: Parameters<Instance["core"]>[0]): void {
    this.steps++;
    for (const m of this.instance.core(input)) this.channels.push(m);
  }
}

class BareCommand implements fc.Command<{ run: BareRun }, { run: BareRun }> {
  constructor(readonly data: Command) {}
  check(m: Readonly<{ run: BareRun }>): boolean {
    return m.run.resolve(this.data) !== undefined;
  }
  run(m: { run: BareRun }): void {
    m.run.resolve(this.data)?.();
  }
  toString(): string {
    return this.data.kind;
  }
}

/** Run `runs` bare runs from `seed`; returns the steps taken (every input fed to a party). */
export function bareLoop(impl: Implementation, options: { runs: number; seed: number; cells?: number; maxCommands?: number }): number {
  let steps = 0;
  const arb = fc.commands([commandData(DEFAULT_WEIGHTS).map((d) => new BareCommand(d))], { maxCommands: options.maxCommands ?? DEFAULT_MAX_COMMANDS, size: "medium" });
  fc.assert(
    fc.property(arb, (cmds) => {
      const run = new BareRun(impl, options.cells ?? 3);
      fc.modelRun(() => ({ model: { run }, real: { run } }), cmds);
      run.drain();
      steps += run.steps;
    }),
    { numRuns: options.runs, seed: options.seed },
  );
  return steps;
}
