export { jsonReport, JSON_REPORT_VERSION } from "./json.ts";
export { junitReport } from "./junit.ts";
export { markdownReport, type MarkdownOptions } from "./markdown.ts";
export { headline, runsText, verdictOf } from "./verdict.ts";
