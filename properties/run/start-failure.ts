/** Kept apart (it imports nothing) so that adapters/errors.ts can extend it without an import cycle. */

/**
 * An error an adapter throws when the implementation cannot be started at all (its thread or
 * process did not come up, or it did not answer hello within the start limit). Not a verdict:
 * nothing about the implementation's behaviour was seen. It goes through every run, check,
 * replay and search to the caller (the CLI: one line, exit 2).
 */
export class StartFailure extends Error {
  override readonly name: string = "StartFailure";
}

