/**
 * JUnit XML for any cellgate command: one test suite with one test case, whose name says what was
 * judged (never the seed: a test's identity must not change from run to run), failed with the
 * verdict as its type, or in error when nothing was checked (`inconclusive`).
 */
import { printable } from "./escape.ts";
import { xml } from "./xml.ts";

export interface JUnitCase {
  /** The suite: `cellgate check`, `cellgate explore`... */
  readonly suite: string;
  readonly classname: string;
  readonly name: string;
  readonly durationMs: number;
  readonly timestamp?: string | undefined;
  readonly hostname?: string | undefined;
  readonly properties: readonly (readonly [string, string | number | boolean | null])[];
  /** A failed verdict: its name, one line, the full text. */
  readonly failure?: { readonly type: string; readonly message: string; readonly text: string } | undefined;
  /** Nothing was judged (inconclusive): a JUnit error, not a failure. */
  readonly error?: { readonly type: string; readonly message: string } | undefined;
  readonly stderr?: string | undefined;
  /** Warnings (slow steps), one a line. */
  readonly stdout?: string | undefined;
}

export function junitXml(c: JUnitCase): string {
  const time = (c.durationMs / 1000).toFixed(3);
  const failures = c.failure === undefined ? 0 : 1;
  const errors = c.error === undefined ? 0 : 1;
  const where = `${c.timestamp !== undefined ? ` timestamp="${xml(c.timestamp)}"` : ""}${c.hostname !== undefined ? ` hostname="${xml(c.hostname)}"` : ""}`;
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="cellgate" tests="1" failures="${failures}" errors="${errors}" time="${time}">`,
    `  <testsuite name="${xml(c.suite)}" tests="1" failures="${failures}" errors="${errors}" skipped="0" time="${time}"${where}>`,
    `    <properties>`,
    ...c.properties.map(([k, v]) => `      <property name="${xml(k)}" value="${xml(v === null ? "" : String(v))}"/>`),
    `    </properties>`,
    `    <testcase classname="${xml(c.classname)}" name="${xml(printable(c.name))}" time="${time}">`,
  ];
  if (c.failure !== undefined) lines.push(`      <failure type="${xml(c.failure.type)}" message="${xml(printable(c.failure.message))}">${xml(c.failure.text)}</failure>`);
  if (c.error !== undefined) lines.push(`      <error type="${xml(c.error.type)}" message="${xml(printable(c.error.message))}"/>`);
  if (c.stdout !== undefined && c.stdout !== "") lines.push(`      <system-out>${xml(c.stdout)}</system-out>`);
  if (c.stderr !== undefined && c.stderr !== "") lines.push(`      <system-err>${xml(c.stderr)}</system-err>`);
  lines.push(`    </testcase>`, `  </testsuite>`, `</testsuites>`, "");
  return lines.join("\n");
}
