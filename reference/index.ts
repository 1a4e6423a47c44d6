export { Host } from "./host.ts";
export type { HostCell, Phase } from "./host.ts";
export { Core } from "./core.ts";
export { implementation, reference } from "./reference.ts";
export { BUNDLED, CORRECT, PORTS, VARIANTS, bundled } from "./registry.ts";
