#!/usr/bin/env node
// Entry point of the `cellgate` command: loads the TypeScript sources through tsx, in process.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
