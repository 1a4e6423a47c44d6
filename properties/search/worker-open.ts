/**
 * How a search worker opens the implementation: `(await import(module))[export](argument)`.
 * Kept apart from search-pool.ts so that the public declarations (exhaustive's options) name no
 * Node type: a consumer's `tsc` need not load @types/node to read them.
 */
export interface WorkerOpen {
  readonly module: string;
  readonly export: string;
  readonly argument?: unknown;
}
