/**
 * The thread the cellgate command runs in (started by bin.mjs): it adopts the main thread's
 * process registry, so that the main thread can kill the implementation processes on a signal,
 * takes over the terminal facts and the shared progress record (session.ts), runs the command
 * and posts its exit code.
 */
import { parentPort, workerData } from "node:worker_threads";
import { adoptProcessRegistry } from "../adapters/index.ts";
import { main } from "./main.ts";
import { adoptSession, type SessionData } from "./session.ts";

const data = workerData as { argv: string[]; registry: SharedArrayBuffer } & SessionData;
adoptProcessRegistry(data.registry);
adoptSession(data);
const exitCode = await main(data.argv);
parentPort?.postMessage({ exitCode });
