/**
 * A saved run as plain data, to send to a worker thread and back (`postMessage` copies plain
 * objects and arrays, not classes): the model state with its persistent maps as key and value
 * lists, the channels as their queues, and the implementation's snapshot as it is (a JSON value).
 */
import type { Message } from "../../protocol/index.ts";
import type { ModelState } from "../../model/index.ts";
import { PersistentMap } from "../../model/persistent-map.ts";
import { Channels } from "../run/channels.ts";
import type { RunSnapshot } from "../run/run.ts";

export interface WireSnapshot {
  readonly state: Record<string, unknown>;
  readonly queues: (readonly Message[])[];
  readonly nextReq: number;
  readonly steps: number;
  readonly impl: unknown;
}

interface WireMap {
  readonly $pm: readonly [unknown[], unknown[]];
}

export function toWire(snap: RunSnapshot): WireSnapshot {
  const state: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(snap.state)) state[k] = v instanceof PersistentMap ? ({ $pm: [[...v.keys()], [...v.values()]] } satisfies WireMap) : v;
  const queues: (readonly Message[])[] = [];
  for (let i = 0; i < snap.channels.order.length; i++) queues.push(snap.channels.messagesAt(i));
  return { state, queues, nextReq: snap.nextReq, steps: snap.steps, impl: snap.impl };
}

export function fromWire(w: WireSnapshot, cells: readonly string[]): RunSnapshot {
  const state: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(w.state)) {
    const pm = (v as Partial<WireMap> | null)?.$pm;
    if (pm === undefined) {
      state[k] = v;
      continue;
    }
    let m = PersistentMap.empty<unknown, unknown>();
    for (let i = 0; i < pm[0].length; i++) m = m.set(pm[0][i], pm[1][i]);
    state[k] = m;
  }
  return { state: state as unknown as ModelState, channels: Channels.fromQueues(cells, w.queues), nextReq: w.nextReq, steps: w.steps, impl: w.impl };
}
