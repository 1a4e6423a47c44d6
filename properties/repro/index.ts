export * from "./format.ts";
export * from "./build.ts";
export * from "./mermaid.ts";
export * from "./markdown.ts";
export * from "./vitest-file.ts";
export * from "./write.ts";
