// A faulty implementation (a named `implementation` export): the reference, except that Core
// never hears cell_closed, so a finished cell keeps its gate forever (a gate leak).
import { reference, type Implementation, type Instance } from "cellgate";

export const implementation: Implementation = {
  name: "consumer-faulty",
  summary: "the reference, with every cell_closed to Core dropped",
  protocol: 2,
  start(): Instance {
    const inner = reference.start();
    return {
      host: (input) => inner.host(input),
      core: (input) => (input.type === "cell_closed" ? [] : inner.core(input)),
      gateTable: () => inner.gateTable(),
      observers: () => inner.observers?.() ?? [],
    };
  },
};
