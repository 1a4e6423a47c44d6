export * from "./messages.ts";
export * from "./implementation.ts";
