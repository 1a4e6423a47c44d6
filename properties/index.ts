export * from "./commands.ts";
export * from "./channels.ts";
export * from "./orderings.ts";
export * from "./run.ts";
export * from "./arbitrary.ts";
export * from "./replay.ts";
export * from "./check.ts";
export * from "./format.ts";
