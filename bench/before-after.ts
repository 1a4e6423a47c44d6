/**
 * Before/after: the harness of another checkout (an older commit, exported to a directory) against
 * this one, in the same process, alternating batch by batch (ABBA), on the same seeds. Prints
 * each side's median steps per CPU-second and the median per-round speed-up.
 *
 *   git archive <commit> | tar -x -C /tmp/cellgate-before && ln -s "$PWD/node_modules" /tmp/cellgate-before/
 *   node --import tsx bench/before-after.ts /tmp/cellgate-before [rounds]
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Implementation } from "../protocol/index.ts";
import * as here from "../properties/index.ts";
import { reference as hereReference } from "../reference/index.ts";
import { median, timed } from "./stats.ts";

interface Side {
  readonly name: string;
  readonly check: typeof here.check;
  readonly reference: Implementation;
}

async function load(dir: string): Promise<Side> {
  const url = (p: string) => pathToFileURL(resolve(dir, p)).href;
  const props = (await import(url("properties/index.ts"))) as typeof here;
  const ref = (await import(url("reference/index.ts"))) as { reference: Implementation };
  return { name: dir, check: props.check, reference: ref.reference };
}

function batch(side: Side, seed: number, runs: number): number {
  const { value, cpuMs } = timed(() => side.check(side.reference, { runs, seed }));
  return (value.stats.steps / cpuMs) * 1000;
}

const dir = process.argv[2];
if (dir === undefined) {
  console.error("usage: node --import tsx bench/before-after.ts DIR [rounds]");
  process.exit(2);
}
const rounds = Number(process.argv[3] ?? 30);
const runs = 300;
const before = await load(dir);
const after: Side = { name: "this checkout", check: here.check, reference: hereReference };
for (let i = 0; i < 2; i++) {
  batch(before, 900 + i, 1000);
  batch(after, 900 + i, 1000);
}
const b: number[] = [];
const a: number[] = [];
const speedup: number[] = [];
for (let round = 0; round < rounds; round++) {
  const seed = round + 1;
  const [x, y] = round % 2 === 0 ? [batch(before, seed, runs), batch(after, seed, runs)] : [0, 0];
  const [yy, xx] = round % 2 === 1 ? [batch(after, seed, runs), batch(before, seed, runs)] : [y, x];
  b.push(xx);
  a.push(yy);
  speedup.push(yy / xx);
}
const k = (n: number) => `${(n / 1000).toFixed(0)}k`;
console.log(`before (${before.name}): ${k(median(b))} steps per CPU-second   after: ${k(median(a))} steps per CPU-second   speed-up (median of ${rounds} paired rounds): ${median(speedup).toFixed(2)}×`);
