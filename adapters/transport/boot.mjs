// Entry of every adapter worker thread: load TypeScript through tsx in this thread (loader hooks
// do not carry over to workers), then the worker module named in workerData.entry.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
