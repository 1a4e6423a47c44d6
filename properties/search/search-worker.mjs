// Entry of an exhaustive-search worker thread. From the sources it registers tsx (a worker does
// not inherit the main thread's loader hooks) and loads search-worker.ts; in the build only
// search-worker.js is next to it, and it loads that without tsx.
import { existsSync } from "node:fs";

const source = new URL("./search-worker.ts", import.meta.url);
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import(new URL("./search-worker.js", import.meta.url).href);
}
