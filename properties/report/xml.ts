/** Escaping for XML attribute values and text. */
export function xml(s: string): string {
  // Characters XML 1.0 cannot carry at all are dropped (control bytes in a child's stderr).
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");
  return clean.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
