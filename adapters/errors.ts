import { StartFailure } from "../properties/run/run.ts";

/**
 * An implementation that cannot be loaded or started at all (a module without an Implementation,
 * a command that exits before the handshake, another protocol version). Not a verdict: nothing
 * was checked. The CLI prints it as one line and exits 2.
 */
export class SetupError extends StartFailure {
  override readonly name: string = "SetupError";
}
