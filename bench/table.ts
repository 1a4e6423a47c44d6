/** Plain-text and Markdown rendering of the benchmark table. */

export interface Row {
  readonly section: string;
  readonly subject: string;
  readonly figures: string;
  readonly goal: string;
  /** "yes", "no", "gap" (not measurable yet) or "" (no goal). */
  readonly met: string;
}

const HEAD: Row = { section: "section", subject: "subject", figures: "figures", goal: "goal", met: "met" };
const KEYS = ["section", "subject", "figures", "goal", "met"] as const;

export function plainTable(rows: readonly Row[]): string[] {
  const width = KEYS.map((k) => Math.max(...[HEAD, ...rows].map((r) => r[k].length)));
  const line = (r: Row) => KEYS.map((k, i) => r[k].padEnd(width[i] as number)).join("  ").trimEnd();
  return [line(HEAD), width.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

export function markdownTable(rows: readonly Row[]): string[] {
  const cell = (s: string) => s.replaceAll("|", "\\|");
  return [`| ${KEYS.join(" | ")} |`, `|${KEYS.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${KEYS.map((k) => cell(r[k])).join(" | ")} |`)];
}

/** 12345 → "12k", 1234567 → "1.23M". */
export function rate(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${Math.round(n / 1000)}k`;
}

export function ms(n: number): string {
  return n < 10 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`;
}
