// The correct implementation as a CommonJS module written in TypeScript (.cts), which requires
// cellgate (an ES module; Node 20.19 and later load it with require).
import { reference, type Implementation } from "cellgate";

const gate: Implementation = { name: "consumer-gate-cts", summary: "the reference, from a .cts module", protocol: 2, dispatch: true, start: () => reference.start() };
export default gate;
