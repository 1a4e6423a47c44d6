/**
 * cellgate: the public API (`import { ... } from "cellgate"`).
 *
 * - The protocol an implementation speaks: the message vocabulary and the synchronous
 *   `Implementation` / `Instance` interface (protocol/).
 * - The conformance check and its results: `check`, `replay`, the verdicts, the reports.
 * - The reference runtime and its bundled faulty variants.
 * - Adapters for implementations that do not run on the harness thread: `stdioImplementation`
 *   (any language, over stdin/stdout) and `moduleImplementation` (a module in a worker thread).
 *
 * The vitest helper is a separate entry point, `cellgate/vitest`, so that importing this one
 * never loads vitest.
 */

// The protocol: messages, channels, and the Implementation interface.
export {
  PROTOCOL_VERSION,
  PROTOCOL_VERSIONS,
  assertNever,
  cellId,
  emitter,
  formatMessage,
  route,
  type AttachedObserver,
  type CellId,
  type ChannelName,
  type CoreEvent,
  type CoreInput,
  type CoreSelf,
  type CoreToHost,
  type Diagnostics,
  type DispatchDecision,
  type GateEntry,
  type GateKind,
  type HostCallback,
  type HostEvent,
  type HostInput,
  type HostNotice,
  type HostReply,
  type HostSelf,
  type Implementation,
  type Instance,
  type StartOptions,
  type StepTiming,
  type Message,
  type MessageType,
  type ObserveOutcome,
  type Party,
  type ProtocolVersion,
  type ReqId,
  type TerminateOutcome,
} from "./protocol/index.ts";

// The check, replays, and what they return.
export {
  DEFAULT_MAX_COMMANDS,
  DEFAULT_RUNS,
  ImplementationCrash,
  ProtocolError,
  StepTimeout,
  check,
  commandsArbitrary,
  commandsFromScript,
  confirm,
  conformanceProperty,
  formatCommandList,
  formatFailure,
  formatSummary,
  replay,
  judgeReplay,
  type JudgeOptions,
  type Rejudged,
  type CheckOptions,
  type CheckResult,
  type CheckStats,
  type Command,
  type Counterexample,
  type Failure,
  type ReplayResult,
  type StepRecord,
  type Verdict,
} from "./properties/index.ts";

// The check as an assertion (any test framework; the vitest helper is `cellgate/vitest`).
export { assertConforms, ConformanceError, conformanceText, type ConformanceOptions } from "./properties/index.ts";

// Reports and repro directories.
export {
  ENVELOPE_FORMAT,
  ENVELOPE_VERSION,
  headline,
  jsonReport,
  junitReport,
  markdownReport,
  verdictOf,
  type CheckVerdict,
  type MarkdownOptions,
  type ReportContext,
  type ReportVerdict,
} from "./properties/index.ts";
export { buildRepro, defaultReproDir, parseRepro, writeRepro, type ReproFile } from "./properties/index.ts";

// The invariants, by name and in words.
export { INVARIANTS, type InvariantName, type Violation } from "./model/index.ts";

// The reference runtime and the bundled implementations.
export { BUNDLED, Core, Host, VARIANTS, bundled, implementation, reference } from "./reference/index.ts";

// Implementations out of the harness thread.
export {
  SetupError,
  WireServer,
  moduleImplementation,
  stdioImplementation,
  type Answer,
  type ModuleOptions,
  type Request,
  type StdioOptions,
  type WireImplementation,
  type WireOptions,
} from "./adapters/index.ts";
