/**
 * The JUnit XML report (`--report junit:FILE`): one test case, "<implementation> conforms to the
 * cellgate protocol", failed with the verdict as its type and the counterexample as its text.
 */
import type { CheckResult } from "../check/check.ts";
import { formatCommandList, formatFailure } from "./format.ts";
import { headline, verdictOf } from "./verdict.ts";
import { xml } from "./xml.ts";

export function junitReport(r: CheckResult): string {
  const ce = r.counterexample;
  const failed = ce !== undefined;
  const time = (r.durationMs / 1000).toFixed(3);
  const name = `${r.implementation} conforms to the cellgate protocol (seed ${r.seed}, ${r.cells} cells)`;
  const props: [string, string | number][] = [
    ["implementation", r.implementation],
    ["verdict", verdictOf(r)],
    ["seed", r.seed],
    ["cells", r.cells],
    ["runs", r.stats.runs],
    ["runsRequested", r.runsRequested],
    ["steps", r.stats.steps],
    ["checks", r.stats.checks],
  ];
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="cellgate" tests="1" failures="${failed ? 1 : 0}" errors="0" time="${time}">`,
    `  <testsuite name="cellgate check" tests="1" failures="${failed ? 1 : 0}" errors="0" skipped="0" time="${time}">`,
    `    <properties>`,
    ...props.map(([k, v]) => `      <property name="${k}" value="${xml(String(v))}"/>`),
    `    </properties>`,
    `    <testcase classname="cellgate.conformance" name="${xml(name)}" time="${time}">`,
  ];
  if (ce !== undefined) {
    const text = [
      headline(r),
      `shrunk counterexample (${ce.commands.length} commands):`,
      ...formatCommandList(ce.labels, ce.replay.trace, ce.failure),
      ...formatFailure(ce.failure),
    ].join("\n");
    const message = formatFailure(ce.failure)[0] ?? ce.failure.verdict;
    lines.push(`      <failure type="${ce.failure.verdict}" message="${xml(message)}">${xml(text)}</failure>`);
  }
  if (r.diagnostics !== undefined && r.diagnostics.stderr !== "") lines.push(`      <system-err>${xml(r.diagnostics.stderr)}</system-err>`);
  lines.push(`    </testcase>`, `  </testsuite>`, `</testsuites>`, "");
  return lines.join("\n");
}
