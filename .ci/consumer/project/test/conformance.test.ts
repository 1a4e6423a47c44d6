// The consumer's own vitest suite: the conformance check as tests (cellgate/vitest), and a
// fast-check property of the project's own over cellgate's generated command sequences.
import { test } from "@fast-check/vitest";
import { commandsArbitrary, conformanceProperty } from "cellgate";
import { describeConformance } from "cellgate/vitest";
import gate from "../src/gate.ts";
import { implementation as faulty } from "../src/faulty.ts";

// Each module is checked in a worker thread (a step that never returns is a timeout, not a hung suite).
describeConformance(new URL("../src/gate.ts", import.meta.url), { runs: 300 });
describeConformance("./src/faulty.ts", { expect: "violation", runs: 300 });

test.prop([commandsArbitrary({ maxCommands: 30 })], { numRuns: 100 })("no command sequence makes the gate violate an invariant", (commands) =>
  conformanceProperty(gate, 3)(commands),
);
