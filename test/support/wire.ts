/** Helpers for the wire-protocol tests: driving an Instance by party, recording and validating traffic. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CoreInput, HostInput, Instance, Message, Party } from "../../index.ts";
import { wireSchemaOf, type wireSchemas } from "./schema.ts";

/** Feed one input to the party it is for. */
export function play(instance: Instance, party: Party, input: HostInput | CoreInput): readonly Message[] {
  return party === "host" ? instance.host(input as HostInput) : instance.core(input as CoreInput);
}

/** A command line that records the requests it is sent (and the answers) in files under `scratch`. */
export function recorded(scratch: string, name: string, command: string) {
  const requests = join(scratch, `${name}.requests.ndjson`);
  const answers = join(scratch, `${name}.answers.ndjson`);
  const lines = (file: string) => readFileSync(file, "utf8").trimEnd().split("\n");
  return { command: `tee -a ${requests} | ${command} | tee -a ${answers}`, requests: () => lines(requests), answers: () => lines(answers) };
}

/** Schema problems of recorded traffic in a session of `version`. */
export function invalidLines(schemas: ReturnType<typeof wireSchemas>, sent: readonly string[], answered: readonly string[], version: 1 | 2): string[] {
  return [
    ...sent.flatMap((l) => schemas.check(JSON.parse(l), wireSchemaOf(schemas, l, "request", version)).map((e) => `${l}: ${e}`)),
    ...answered.flatMap((l) => schemas.check(JSON.parse(l), wireSchemaOf(schemas, l, "answer", version)).map((e) => `${l}: ${e}`)),
  ];
}
