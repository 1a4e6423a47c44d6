export { jsonReport, checkEnvelope, JSON_REPORT_VERSION } from "./json.ts";
export { junitReport } from "./junit.ts";
export { junitXml, type JUnitCase } from "./junit-xml.ts";
export { markdownReport, verdictPhrase, type MarkdownOptions } from "./markdown.ts";
export { commandsText, headline, runsText, verdictOf } from "./verdict.ts";
export { commandLine, envelopeJson, exitCodeOf, ENVELOPE_FORMAT, ENVELOPE_VERSION, type Envelope, type ReportCommand, type ReportVerdict, type SettingValue } from "./envelope.ts";
export { implementationSettings, type ReportContext } from "./context.ts";
export { mdCode, mdFenced, printable, printableLines } from "./escape.ts";
export { checkSettings } from "./settings.ts";
