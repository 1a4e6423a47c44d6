// A correct implementation as an ES module written in TypeScript (.mts), a named export.
import { Core, Host, implementation as assemble } from "cellgate";

export const implementation = assemble("consumer-gate-mts", "the reference parts, from a .mts module", () => new Host(), () => new Core(), true);
