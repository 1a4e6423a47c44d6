/** The reports of `cellgate exhaustive`: the common envelope (JSON), Markdown and JUnit. */
import { commandLine, envelopeJson, formatCommandList, formatFailure, junitXml, mdCode, mdFenced, ORDERINGS, verdictPhrase, type Envelope, type ExhaustiveResult, type ReportContext, type ReportVerdict, type SettingValue } from "../properties/index.ts";
import { commandsText, slowJson, slowMarkdown, slowWarnings } from "../properties/index.ts";

export function exhaustiveVerdict(r: ExhaustiveResult): ReportVerdict {
  if (r.counterexample !== undefined) return r.counterexample.failure.verdict;
  return r.states <= 1 && r.stoppedByTime ? "inconclusive" : "conforms";
}

export function exhaustiveSettings(r: ExhaustiveResult, context: ReportContext): Record<string, SettingValue> {
  return {
    ...(context.implementation ?? { impl: r.implementation }),
    cells: r.cells,
    depth: r.depthBound,
    requests: Number.isFinite(r.requests) ? r.requests : "unbounded",
    dedupe: r.dedupe,
    symmetry: r.symmetry,
    ...(r.workers > 1 ? { workers: r.workers } : {}),
    ...(r.strictTime ? { "strict-time": true } : {}),
  };
}

function envelope(r: ExhaustiveResult, context: ReportContext, timeMs: number | undefined, protocol: number): Envelope {
  const settings = { ...exhaustiveSettings(r, context), time: timeMs === undefined ? null : timeMs / 1000 };
  return { command: "exhaustive", verdict: exhaustiveVerdict(r), implementation: r.implementation, protocol, settings, reproduce: commandLine("exhaustive", settings) };
}

export function exhaustiveJson(r: ExhaustiveResult, context: ReportContext = {}, timeMs?: number, protocol = 1): Record<string, unknown> {
  const ce = r.counterexample;
  return envelopeJson(envelope(r, context, timeMs, protocol), {
    cells: r.cells,
    depthBound: r.depthBound,
    requests: Number.isFinite(r.requests) ? r.requests : null,
    dedupe: r.dedupe,
    symmetry: r.symmetry,
    branching: r.branching,
    states: r.states,
    transitions: r.transitions,
    depth: r.depth,
    exhausted: r.exhausted,
    stoppedByTime: r.stoppedByTime,
    levels: r.levels.map((l) => ({ depth: l.depth, states: l.states, transitions: l.transitions })),
    executed: r.executed,
    orderings: r.orderings,
    invariantChecks: r.invariantChecks,
    durationMs: Math.round(r.durationMs),
    slow: r.slow.map(slowJson),
    replay: context.replayCommand ?? null,
    counterexample:
      ce === undefined
        ? null
        : {
            length: ce.depth,
            commands: ce.labels,
            raw: ce.commands,
            inDrain: ce.inDrain,
            invariant: ce.failure.verdict === "violation" ? ce.failure.violations.map((x) => x.invariant).join(", ") : ce.failure.verdict,
            violations: ce.failure.verdict === "violation" ? ce.failure.violations : [],
            message: formatFailure(ce.failure).join("\n"),
          },
  });
}

function counterexampleText(r: ExhaustiveResult): string[] {
  const ce = r.counterexample;
  if (ce === undefined) return [];
  return [`shortest counterexample (${commandsText(ce.depth)}):`, ...formatCommandList(ce.labels, ce.replay.trace, ce.failure), ...formatFailure(ce.failure)];
}

export function exhaustiveMarkdown(r: ExhaustiveResult, context: ReportContext = {}, timeMs?: number, protocol = 1): string {
  const e = envelope(r, context, timeMs, protocol);
  const out = [
    `## cellgate exhaustive: \`${mdCode(r.implementation)}\` ${verdictPhrase(e.verdict)}`,
    "",
    "| | |",
    "|---|---|",
    `| verdict | **${e.verdict}** |`,
    ...Object.entries(e.settings).map(([k, v]) => `| ${k} | ${v === null ? "none" : `\`${mdCode(String(v))}\``} |`),
    `| states | ${r.states} |`,
    `| transitions | ${r.transitions} |`,
    `| depth explored completely | ${r.depth}${r.exhausted ? " (exhausted: every reachable state visited)" : r.stoppedByTime ? " (stopped by the time limit)" : ""} |`,
    `| time | ${(r.durationMs / 1000).toFixed(1)} s |`,
    `| reproduce | \`${mdCode(e.reproduce)}\` |`,
    "",
    "| ordering | transitions |",
    "|---|---:|",
    ...ORDERINGS.map((o) => `| \`${o}\` | ${r.orderings[o]} |`),
    "",
    ...slowMarkdown(slowWarnings(r.slow)),
  ];
  if (r.counterexample !== undefined) out.push("```text", mdFenced(counterexampleText(r).join("\n")), "```", "");
  if (context.replayCommand !== undefined) out.push("Replay:", "", "```sh", mdFenced(context.replayCommand), "```", "");
  return out.join("\n");
}

export function exhaustiveJunit(r: ExhaustiveResult, context: ReportContext = {}, timeMs?: number, protocol = 1): string {
  const e = envelope(r, context, timeMs, protocol);
  const ce = r.counterexample;
  return junitXml({
    suite: "cellgate exhaustive",
    classname: "cellgate.exhaustive",
    name: `${r.implementation} conforms in every state up to depth ${r.depthBound} (${r.cells} cell${r.cells === 1 ? "" : "s"})`,
    durationMs: r.durationMs,
    timestamp: context.timestamp,
    hostname: context.hostname,
    properties: [["verdict", e.verdict], ...Object.entries(e.settings), ["states", r.states], ["transitions", r.transitions], ["depth", r.depth], ["exhausted", r.exhausted], ["slowSteps", r.slow.length], ["reproduce", e.reproduce]],
    failure: ce === undefined ? undefined : { type: ce.failure.verdict, message: formatFailure(ce.failure)[0] ?? ce.failure.verdict, text: counterexampleText(r).join("\n") },
    error: e.verdict === "inconclusive" ? { type: "inconclusive", message: "the time limit ran out before the first depth was searched" } : undefined,
    stdout: slowWarnings(r.slow).join("\n"),
  });
}
