"""The step list of a run on Python floats (graphstep.scalar), built from the run's own lists.

The same steps :attr:`graphstep.trace.Trace.steps` derives for any run, found column by column: the gates'
ids, inputs, values, gradients and contributions are lists the run already holds or ``map`` reads off them,
and each step is made by ``map`` over ``zip``-ped columns, with no Python loop per step (a step made one by
one in a loop cost more than the run that computed it). A warning is looked for only where a number says
one may be due: at an op that has one (graphstep.scalar.SUSPECT says at which inputs), or a result that is
not finite. numpy is imported only if a gate's own warning check runs (graphstep.lazynp).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain, compress, count, repeat
from operator import eq, is_not, itemgetter, sub
from typing import Any

from graphstep.graph import Graph
from graphstep.lazynp import numpy
from graphstep.ops import OPS
from graphstep.scalar import SUSPECT, local
from graphstep.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Step, _new, _warnings

_ID, _OP, _INPUTS, _CONST = itemgetter(0), itemgetter(1), itemgetter(2), itemgetter(4)
_FIRST, _LAST = itemgetter(0), itemgetter(-1)


def float_steps(graph: Graph, values: Sequence[float], grads: Sequence[Any], sent: Sequence[tuple[Any, ...] | None],
                locals_: Sequence[tuple[Any, ...] | None] | None = None) -> tuple[Step, ...]:
    """Forward steps in topological order, the seed, then the backward steps from the output down (each
    node's accumulation, where several contributions reach it, just before its own backward step).
    ``locals_``: the run's local derivatives gate by gate (found again here when the run kept none)."""
    nodes = graph.nodes
    gates = list(compress(nodes, map(_INPUTS, nodes)))  # the nodes with inputs, in topological order
    # Node ids as ints made here, side by side in memory: every step holds some, and a graph's own may lie
    # scattered (the compiled reader makes one per reference), which cost a big record a third more.
    numbers = list(range(len(nodes)))
    ids = list(compress(numbers, map(_INPUTS, nodes)))
    inputs = list(map(_INPUTS, gates))
    outs = list(map(values.__getitem__, ids))
    args: list[tuple[float, ...]] = [(values[i[0]],) if len(i) == 1 else (values[i[0]], values[i[1]]) for i in inputs]
    warned = _forward_warnings(gates, args, outs)
    forward = map(_new, repeat(ForwardStep), zip(count(), ids, args, outs, warned, repeat("forward")))
    output = graph.output
    seed = SeedStep(len(ids), output, grads[output])
    cut = bisect_right(ids, output)  # the gates up to the output: only they may send a gradient back
    found: Any = locals_
    if found is None:
        found = {node_id: local(op, given, out, const)
                 for (node_id, op, _inputs, _name, const, *_), given, out in zip(gates[:cut], args, outs)
                 if grads[node_id] is not None}
    backward = _backward_steps((ids[:cut], inputs[:cut], warned[:cut]), grads, sent, found,
                               (output, len(ids) + 1, numbers))
    return tuple(chain(forward, (seed,), backward))


def _forward_warnings(gates: list[Any], args: list[tuple[float, ...]], outs: list[float]) -> list[tuple[str, ...]]:
    """Each gate's forward warnings (mostly the shared empty tuple): asked where a result is not finite, and
    where graphstep.scalar.SUSPECT says the inputs of a gate whose op has a warning may call for one (asked
    of all the gates of one op by one ``map``)."""
    warned: list[tuple[str, ...]] = [()] * len(gates)
    look: set[int] = set()
    if not math.isfinite(sum(outs)):  # a sum is finite only if every term is (or it overflowed: then look)
        look.update(k for k, out in enumerate(outs) if not math.isfinite(out))
    ops = list(map(_OP, gates))
    for name in SUSPECT.keys() & set(ops):
        at = list(compress(range(len(ops)), map(eq, ops, repeat(name))))
        given = list(map(args.__getitem__, at))
        operand, compare, other = SUSPECT[name]
        due = map(compare, _operands(operand, given, gates, at), _operands(other, given, gates, at))
        look.update(compress(at, due))
    for k in sorted(look):
        _id, op, _inputs, _name, const = gates[k][:5]
        warned[k] = _warnings(numpy(), OPS[op], args[k], outs[k], const)
    return warned


def _operands(which: float | str, given: list[tuple[float, ...]], gates: list[Any], at: list[int]) -> Iterable[Any]:
    """One operand of a SUSPECT test for the gates ``at``: their first inputs, second inputs or constants, or a
    number."""
    if which == "x":
        return map(_FIRST, given)
    if which == "y":
        return map(_LAST, given)
    if which == "c":
        return map(_CONST, map(gates.__getitem__, at))
    return repeat(which)


def _backward_steps(gates: tuple[list[int], list[tuple[int, ...]], list[tuple[str, ...]]], grads: Sequence[Any],
                    sent: Sequence[Any], locals_: Any, where: tuple[int, int, list[int]]) -> Iterable[Step]:
    """The steps after the seed for the gates up to the output (their ids, inputs and warnings, ascending);
    ``where``: the output's id, the first backward step's index and the ints that name the nodes."""
    ids, inputs, warned = gates
    output, start, numbers = where
    reached = len(grads) - grads.count(None)  # the output, and each node a gate sent a gradient to
    if reached <= output:  # a node up to the output has no gradient: the gates among those send nothing back
        sending = list(map(is_not, map(grads.__getitem__, ids), repeat(None)))
        ids, inputs = list(compress(ids, sending)), list(compress(inputs, sending))
        warned = list(compress(warned, sending))
    ids.reverse()  # from the output down
    inputs.reverse()
    warned.reverse()
    contributions = list(map(sent.__getitem__, ids))
    edges = [((numbers[i[0]], c[0]),) if len(i) == 1 else ((numbers[i[0]], c[0]), (numbers[i[1]], c[1]))
             for i, c in zip(inputs, contributions)]
    # A node summed several contributions when there are more wires than nodes they reached (the output has
    # a gradient and is no gate's input).
    several = sum(map(len, inputs)) > reached - 1
    summed = _arrivals(ids, inputs, contributions) if several else {}
    rows = (ids, map(grads.__getitem__, ids), map(locals_.__getitem__, ids), edges, warned, repeat("backward"))
    if not summed:
        return map(_new, repeat(BackwardStep), zip(count(start), *rows))
    # Each step's index is its rank from the output down, both kinds counted (found by bisection).
    sums = sorted(summed)
    backward = map(_new, repeat(BackwardStep), zip(
        map(sub, count(start + len(sums)), map(bisect_left, repeat(sums), ids)), *rows))
    sums_down = sums[::-1]
    gate_ids = ids[::-1]
    accumulations = map(_new, repeat(AccumulateStep), zip(
        map(sub, count(start + len(ids)), map(bisect_right, repeat(gate_ids), sums_down)),
        sums_down, map(summed.__getitem__, sums_down), map(grads.__getitem__, sums_down), repeat(()),
        repeat("backward")))
    return sorted(chain(backward, accumulations), key=_ID)


def _arrivals(ids: list[int], inputs: list[tuple[int, ...]],
              contributions: list[tuple[Any, ...]]) -> dict[int, tuple[tuple[int, int, Any], ...]]:
    """For each node that several contributions reach: (consumer id, input position, contribution) for each,
    in the consumers' order (the gates come from the output down)."""
    arriving: dict[int, list[tuple[int, int, Any]]] = {
        source: [] for source, times in Counter(chain.from_iterable(inputs)).items() if times > 1}
    get = arriving.get
    for consumer, given, sent_by in zip(ids, inputs, contributions):
        for position in range(len(given) - 1, -1, -1):  # last first: the whole list is read backwards
            parts = get(given[position])
            if parts is not None:
                parts.append((consumer, position, sent_by[position]))
    return {source: tuple(reversed(parts)) for source, parts in arriving.items()}
