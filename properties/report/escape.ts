/**
 * Text an implementation supplies (its name, its error messages, its stderr) is untrusted: a
 * newline in a name must not forge a `verdict: conforms` line, a backtick must not break out of
 * Markdown code. Every output escapes it with these.
 */

// C0 and C1 controls, DEL, the Unicode line and paragraph separators and the bidi overrides.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One line of plain text: every control character (newlines included) as a visible escape. */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => `\\u{${(c.codePointAt(0) as number).toString(16)}}`);
}

/** Several lines of untrusted text (stderr): split on newlines, each line made printable. */
export function printableLines(s: string): string[] {
  return s.split(/\r?\n/).map((l) => printable(l.replace(/\t/g, "  ")));
}

/** Inside Markdown inline code in a table cell or a heading: printable, no backtick, no pipe. */
export function mdCode(s: string): string {
  return printable(s).replace(/`/g, "'").replace(/\|/g, "\\|");
}

/** Inside a fenced Markdown block: no line may close the fence. */
export function mdFenced(s: string): string {
  return printableLines(s).join("\n").replace(/```/g, "'''");
}
