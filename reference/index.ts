export { Host } from "./host.ts";
export type { HostCell, Phase } from "./host.ts";
export { Core } from "./core.ts";
export { implementation, reference } from "./reference.ts";
export { BUNDLED, CORRECT, VARIANTS, bundled } from "./registry.ts";
