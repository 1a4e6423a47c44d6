/** Exit codes every cellgate command uses. */
export const EXIT = { conforms: 0, fails: 1, usage: 2 } as const;

/** A usage or harness error: printed as one line, exit code 2, no stack trace. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
