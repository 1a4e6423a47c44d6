/**
 * The counterexample as a Mermaid sequence diagram, in the form the seed PR explains the
 * protocol: Host, Core and the turn (the consumer) as participants, one arrow per step, what each
 * step emitted as a note, gate-table changes as notes, the violated step marked.
 */
import type { ReproFile } from "./format.ts";
import { printable } from "../report/escape.ts";

/** Mermaid treats `#` and `;` specially in message text. */
function esc(text: string): string {
  // One line (a name with a newline would end the note), then Mermaid's own entities.
  return printable(text).replace(/[#;]/g, (ch) => (ch === "#" ? "#35;" : "#59;"));
}

function arrow(label: string, party: "host" | "core"): { from: string; to: string; kind: string; text: string } {
  const deliver = /^deliver (\S+) (.+)$/.exec(label);
  if (deliver !== null) {
    const [, channel = "", message = ""] = deliver;
    if (channel === "core→host") return { from: "Core", to: "Host", kind: "->>", text: message };
    if (channel === "host→core") return { from: "Host", to: "Core", kind: "->>", text: message };
    if (channel === "host⇢core" || channel === "host⇢dispatch") return { from: "Host", to: "Core", kind: "--)", text: message };
    if (channel === "core:self") return { from: "Core", to: "Core", kind: "->>", text: message };
    return { from: "Host", to: "Host", kind: "->>", text: message };
  }
  if (party === "host") return { from: label === "shutdown" ? "Turn" : "JS", to: "Host", kind: "->>", text: label };
  return { from: "Turn", to: "Core", kind: "->>", text: label };
}

export function mermaid(repro: ReproFile): string {
  const lines = [
    "sequenceDiagram",
    "  participant JS as JavaScript",
    "  participant Host",
    "  participant Core",
    "  participant Turn as Turn (exec/wait, user)",
    `  Note over JS,Turn: ${esc(`cellgate counterexample: ${repro.implementation}${repro.seed === null ? "" : `, seed ${repro.seed}`}`)}`,
  ];
  let table = "";
  let drainNoted = false;
  for (const s of repro.trace) {
    if (s.drain && !drainNoted) {
      lines.push("  Note over JS,Turn: end-of-run drain");
      drainNoted = true;
    }
    const a = arrow(s.label, s.party);
    lines.push(`  ${a.from}${a.kind}${a.to}: ${esc(`${s.step}. ${a.text}`)}`);
    if (s.emitted.length > 0) lines.push(`  Note ${s.party === "host" ? "left of Host" : "right of Core"}: ${esc(`sends ${s.emitted.join(", ")}`)}`);
    const now = s.table.map((e) => `${e.cell}: ${e.kind}`).join(", ");
    if (now !== table) {
      lines.push(`  Note right of Core: ${esc(`gates {${now}}`)}`);
      table = now;
    }
    if (s.step === repro.failure.step) {
      const what = repro.failure.verdict === "violation" ? `violates ${repro.failure.invariants.join(", ")}` : `${repro.failure.verdict}: ${repro.failure.message ?? ""}`;
      lines.push(`  Note over Host,Core: ${esc(`✗ step ${s.step} ${what}`)}`);
    }
  }
  if (!repro.trace.some((s) => s.step === repro.failure.step)) {
    lines.push(`  Note over Host,Core: ${esc(`✗ end of run: ${repro.failure.invariants.join(", ") || repro.failure.verdict}`)}`);
  }
  return lines.join("\n") + "\n";
}
