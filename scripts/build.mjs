// npm run build (also run by prepare and prepack): the package's dist/, from a clean slate.
// tsc (tsconfig.build.json) compiles the shipped folders to JavaScript with declarations and
// rewrites relative ".ts" imports to ".js". A hand-written .mjs with its own .d.mts is not
// emitted by tsc (the declaration stands for it), so it is copied as it is, with the .d.mts.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
try {
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
} catch {
  console.error("build: tsc failed (see above)");
  process.exit(1);
}
for (const folder of ["adapters", "cli", "model", "properties", "protocol", "reference"]) {
  for (const name of readdirSync(join(root, folder), { recursive: true, encoding: "utf8" })) {
    const rel = join(folder, name);
    if (!rel.endsWith(".mjs") || rel === join("cli", "bin.mjs")) continue;
    const declaration = rel.replace(/\.mjs$/, ".d.mts");
    if (existsSync(join(dist, rel)) || !existsSync(join(root, declaration))) continue;
    copyFileSync(join(root, rel), join(dist, rel));
    copyFileSync(join(root, declaration), join(dist, declaration));
  }
}
