#!/usr/bin/env python3
"""A second implementation of the cellgate protocol (version 1), in Python 3, standard library only.

It is a faithful port of the TypeScript reference (reference/host.ts and reference/core.ts) behind
the wire protocol of docs/protocol.md ("Driving an implementation over stdio"): one JSON request
per line on stdin, one JSON answer per line on stdout, logs on stderr. Check it with

    npx cellgate check --impl-cmd "python3 examples/python/cellgate_impl.py"

Host and Core are classes with one method per input, so a variant overrides one method (see
cellgate_impl_broken.py).
"""
import json
import sys
import traceback

PROTOCOL_VERSION = 1


class HostCell:
    """The Host's view of one cell (phase: running, terminating, completed, claimed, gone)."""

    def __init__(self):
        self.phase = "running"
        self.committing = False  # a commit hop is in flight
        self.delivering = False  # a deliver_completion hop is in flight
        self.exiting = False  # an actor_exit hop is in flight
        self.observer = None  # req of the attached observer
        self.observed = False
        self.initial_yield = False
        self.terminators = []
        self.closed_sent = False


class Host:
    """The cell runtime: one input in, the messages it emits out, in order."""

    def __init__(self):
        self.cells = {}
        self.shut_down = False

    def step(self, inp):
        out = []
        t = inp["type"]
        if t == "create_cell":
            self.on_create(inp["cell"], out)
        elif t == "observe":
            self.on_observe(inp["cell"], inp["req"], out)
        elif t == "drop_observation":
            self.on_drop(inp["cell"], inp["req"])
        elif t == "terminate":
            self.on_terminate(inp["cell"], inp["req"], out)
        elif t == "js_yield":
            self.on_yield(inp["cell"], out)
        elif t == "js_complete":
            self.on_complete(inp["cell"], out)
        elif t == "shutdown":
            self.on_shutdown(out)
        elif t == "commit":
            self.on_commit(inp["cell"], out)
        elif t == "deliver_completion":
            self.on_deliver_completion(inp["cell"], out)
        elif t == "actor_exit":
            self.on_actor_exit(inp["cell"], out)
        else:
            raise ValueError(f"host: unexpected input {t!r}")
        return out

    def live(self, cell):
        c = self.cells.get(cell)
        return None if c is None or c.phase == "gone" else c

    def on_create(self, cell, out):
        if self.shut_down or cell in self.cells:
            out.append({"type": "rejected", "cell": cell})
            return
        self.cells[cell] = HostCell()
        out.append({"type": "created", "cell": cell})

    def on_observe(self, cell, req, out):
        c = self.live(cell)
        if c is None:
            out.append(observe_outcome(cell, req, "missing"))
            return
        if c.observer is not None:
            out.append(observe_outcome(cell, req, "busy"))
            return
        settled_completion = c.phase == "completed" and not c.delivering
        if c.phase == "running" or (c.phase == "completed" and c.delivering):
            c.observed = True
            if c.initial_yield:
                c.initial_yield = False
                out.append(observe_outcome(cell, req, "yielded"))
            else:
                c.observer = req
            return
        if settled_completion:
            c.observed = True
            if c.initial_yield:
                # The preserved initial yield goes first; the completion stays buffered.
                c.initial_yield = False
                out.append(observe_outcome(cell, req, "yielded"))
                return
            out.append(observe_outcome(cell, req, "completed"))
            self.retire(cell, c, out)
            return
        # terminating or claimed: the outcome belongs to the terminator.
        out.append(observe_outcome(cell, req, "missing"))

    def on_drop(self, cell, req):
        c = self.cells.get(cell)
        if c is not None and c.observer == req:
            c.observer = None

    def on_terminate(self, cell, req, out):
        c = self.live(cell)
        if c is None:
            out.append(terminate_outcome(cell, req, "missing"))
            return
        if c.phase == "running":
            c.phase = "terminating"
            c.terminators.append(req)
            self.schedule_exit(cell, c, out)
        elif c.phase == "completed":
            # The terminator claims the committed completion at once.
            c.phase = "claimed"
            out.append(terminate_outcome(cell, req, "completed"))
            if not c.delivering:
                self.retire(cell, c, out)
        elif c.phase in ("terminating", "claimed"):
            out.append(terminate_outcome(cell, req, "already_terminating"))
        else:
            out.append(terminate_outcome(cell, req, "missing"))

    def on_yield(self, cell, out):
        c = self.live(cell)
        if c is None or c.phase != "running" or c.committing:
            return
        if c.observer is not None:
            out.append(observe_outcome(cell, c.observer, "yielded"))
            c.observer = None
        elif not c.observed and not c.initial_yield:
            c.initial_yield = True

    def on_complete(self, cell, out):
        c = self.live(cell)
        if c is None or c.phase != "running" or c.committing:
            return
        c.committing = True
        out.append({"type": "commit", "cell": cell})

    def on_shutdown(self, out):
        self.shut_down = True
        for cell, c in self.cells.items():
            if c.phase == "running":
                c.phase = "terminating"
                self.schedule_exit(cell, c, out)
            elif c.phase == "completed" and not c.delivering:
                # A buffered completion nobody will read: the session is gone.
                self.retire(cell, c, out)

    def on_commit(self, cell, out):
        c = self.cells.get(cell)
        if c is None:
            return
        c.committing = False
        if c.phase != "running":
            return  # termination won before the commit
        c.phase = "completed"
        c.delivering = True
        out.append({"type": "deliver_completion", "cell": cell})

    def on_deliver_completion(self, cell, out):
        """Delivery of a committed completion: to the attached observer, else into the buffer."""
        c = self.cells.get(cell)
        if c is None or not c.delivering:
            return
        c.delivering = False
        if c.observer is not None:
            out.append(observe_outcome(cell, c.observer, "completed"))
            c.observer = None
            self.retire(cell, c, out)
            return
        if c.phase == "claimed" or self.shut_down:
            self.retire(cell, c, out)
            return
        # Buffered: the cell completed in the background; the gate can go now.
        self.notify_closed(cell, c, out)

    def on_actor_exit(self, cell, out):
        c = self.cells.get(cell)
        if c is None or not c.exiting:
            return
        c.exiting = False
        for req in c.terminators:
            out.append(terminate_outcome(cell, req, "terminated"))
        c.terminators = []
        if c.observer is not None:
            out.append(observe_outcome(cell, c.observer, "terminated"))
            c.observer = None
        self.retire(cell, c, out)

    def schedule_exit(self, cell, c, out):
        if c.exiting:
            return
        c.exiting = True
        out.append({"type": "actor_exit", "cell": cell})

    def retire(self, cell, c, out):
        """Remove the cell from the registry; cell_closed if not sent yet."""
        c.phase = "gone"
        c.observer = None
        self.notify_closed(cell, c, out)

    def notify_closed(self, cell, c, out):
        if c.closed_sent:
            return
        c.closed_sent = True
        out.append({"type": "cell_closed", "cell": cell})


class CoreCell:
    def __init__(self):
        self.ready = False
        self.initial_obs = None  # the first observation after readiness
        self.initial_done = False
        self.waiting = set()  # observations whose consumer still waits
        self.user_terminates = set()


class Core:
    """The dispatch side with its gate table (cell -> waiting | open | marker)."""

    def __init__(self):
        self.gates = {}
        self.cells = {}

    def step(self, inp):
        out = []
        t = inp["type"]
        cell = inp.get("cell")
        if t == "exec_create":
            self.cells[cell] = CoreCell()
            self.admit(cell)
            out.append({"type": "create_cell", "cell": cell})
        elif t == "created":
            pass
        elif t == "rejected":
            self.gates.pop(cell, None)
        elif t == "mark_ready":
            self.mark_ready(cell)
            self.cell(cell).ready = True
        elif t == "wait_observe":
            c = self.cell(cell)
            if c.ready and not c.initial_done and c.initial_obs is None:
                c.initial_obs = inp["req"]
            c.waiting.add(inp["req"])
            out.append({"type": "observe", "cell": cell, "req": inp["req"]})
        elif t == "cancel_observe":
            c = self.cell(cell)
            req = inp["req"]
            if req in c.waiting:
                c.waiting.discard(req)
                out.append({"type": "drop_observation", "cell": cell, "req": req})
                if req == c.initial_obs and not c.initial_done:
                    c.initial_done = True
                    self.on_initial_observation_cancelled(cell, req, out)
        elif t == "user_terminate":
            self.cell(cell).user_terminates.add(inp["req"])
            out.append({"type": "terminate", "cell": cell, "req": inp["req"]})
        elif t == "observe_outcome":
            c = self.cell(cell)
            req = inp["req"]
            if req == c.initial_obs:
                c.initial_done = True
            consumed = req in c.waiting
            c.waiting.discard(req)
            if consumed and inp["outcome"] not in ("yielded", "busy"):
                out.append({"type": "forget", "cell": cell})
        elif t == "terminate_outcome":
            c = self.cell(cell)
            req = inp["req"]
            if req in c.user_terminates:
                c.user_terminates.discard(req)
                if inp["outcome"] != "already_terminating":
                    out.append({"type": "forget", "cell": cell})
        elif t == "forget":
            self.forget(cell)
        elif t == "cell_closed":
            self.close_gate(cell)
        else:
            raise ValueError(f"core: unexpected input {t!r}")
        return out

    def gate_table(self):
        return [{"cell": cell, "kind": kind} for cell, kind in self.gates.items()]

    def cell(self, cell):
        c = self.cells.get(cell)
        if c is None:
            raise KeyError(f"core: unknown cell {cell}")
        return c

    def admit(self, cell):
        """Entry created at admission, before the Host is asked."""
        self.gates[cell] = "waiting"

    def mark_ready(self, cell):
        g = self.gates.get(cell)
        if g == "waiting":
            self.gates[cell] = "open"
        elif g == "marker":
            del self.gates[cell]

    def close_gate(self, cell):
        g = self.gates.get(cell)
        if g == "open":
            del self.gates[cell]
        elif g == "waiting":
            self.gates[cell] = "marker"

    def forget(self, cell):
        if self.gates.get(cell) == "open":
            del self.gates[cell]

    def on_initial_observation_cancelled(self, cell, req, out):
        """The initial-observation guard: terminate the abandoned cell."""
        out.append({"type": "terminate", "cell": cell, "req": req})


def observe_outcome(cell, req, outcome):
    return {"type": "observe_outcome", "cell": cell, "req": req, "outcome": outcome}


def terminate_outcome(cell, req, outcome):
    return {"type": "terminate_outcome", "cell": cell, "req": req, "outcome": outcome}


class Session:
    """Answers wire requests: hello, reset, step, gate_table (docs/protocol.md)."""

    def __init__(self, name, summary, make_host=Host, make_core=Core):
        self.name = name
        self.summary = summary
        self.make_host = make_host
        self.make_core = make_core
        self.host = None
        self.core = None

    def answer(self, req):
        rid, kind = req["id"], req["kind"]
        if kind == "hello":
            return {"id": rid, "kind": "hello", "protocol": PROTOCOL_VERSION, "name": self.name, "summary": self.summary}
        if kind == "reset":
            self.host, self.core = self.make_host(), self.make_core()
            return {"id": rid, "kind": "reset"}
        if kind == "step":
            party = self.host if req["party"] == "host" else self.core
            return {"id": rid, "kind": "step", "messages": party.step(req["input"])}
        if kind == "gate_table":
            return {"id": rid, "kind": "gate_table", "entries": self.core.gate_table()}
        raise ValueError(f"unknown request kind {kind!r}")


def serve(session, stdin=sys.stdin, stdout=sys.stdout):
    """The loop: one request per line in, one answer per line out, until stdin ends."""
    for line in stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            answer = session.answer(req)
        except Exception as e:  # reported as kind "error": the harness's crash verdict
            traceback.print_exc(file=sys.stderr)
            answer = {"id": req.get("id"), "kind": "error", "message": f"{type(e).__name__}: {e}"}
        stdout.write(json.dumps(answer, separators=(",", ":")) + "\n")
        stdout.flush()


if __name__ == "__main__":
    serve(Session("python-reference", "a Python port of the reference Host + Core, over stdio"))
