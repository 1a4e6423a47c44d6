// Entry of an exploration worker thread. From the sources it registers tsx (a worker does not
// inherit the main thread's loader hooks) and loads explore-worker.ts; in the build (dist/cli/)
// only explore-worker.js is next to it, and it loads that without tsx.
import { existsSync } from "node:fs";

const source = new URL("./explore-worker.ts", import.meta.url);
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import(new URL("./explore-worker.js", import.meta.url).href);
}
