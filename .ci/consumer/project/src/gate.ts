// A correct implementation written against cellgate's public API: the package's own reference
// parts, a Host and a Core, assembled under this project's name (the default export).
import { Core, Host, implementation, type Implementation } from "cellgate";

const gate: Implementation = implementation("consumer-gate", "the reference Host and Core, assembled in a consumer project", () => new Host(), () => new Core(), true);
export default gate;
