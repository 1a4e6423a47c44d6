#!/usr/bin/env python3
"""A deliberately broken variant of cellgate_impl.py: review comment 1 of PR #29310 (bug-close-before-ready).

The gate is created at readiness rather than at admission, and cell_closed on an absent entry does
nothing; so when a cell closes before Core's readiness call, that call opens a fresh gate that
nothing ever removes. The gate rejects it with the same minimal counterexample as the bundled
TypeScript variant:

    npx cellgate check --impl-cmd "python3 examples/python/cellgate_impl_broken.py"
"""
from cellgate_impl import Core, Host, Session, serve


class CloseBeforeReadyCore(Core):
    def admit(self, cell):
        pass  # no entry at admission

    def mark_ready(self, cell):
        if cell not in self.gates:
            self.gates[cell] = "open"

    def close_gate(self, cell):
        self.gates.pop(cell, None)


if __name__ == "__main__":
    serve(Session("python-bug-close-before-ready", "cell_closed on an absent entry does nothing; a later readiness call opens a gate nothing removes", Host, CloseBeforeReadyCore))
