"""``graphstep eval SOURCE [NAME=VALUE ...] [--json] [--steps]``: values and gradients in the terminal."""

from __future__ import annotations

import argparse
import json

from graphstep.backend import BACKENDS, DTYPES
from graphstep.cli.common import add_lang_argument, add_source_arguments, load
from graphstep.explain import describe
from graphstep.i18n import detect_lang
from graphstep.numbers import fmt, to_jsonable
from graphstep.trace import Trace


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object (value, grads, nodes)")
    parser.add_argument("--steps", action="store_true", help="tell every forward and backward step in words")
    parser.add_argument("--precision", type=int, default=2, metavar="N", help="decimals shown (default 2)")
    parser.add_argument("--backend", choices=BACKENDS, default="numpy", help="array backend (default numpy)")
    parser.add_argument("--dtype", choices=DTYPES, default="float64", help="floating-point type (default float64)")
    add_lang_argument(parser)


def run(args: argparse.Namespace) -> int:
    graph, values = load(args.source, args.values)
    trace = graph.run(backend=args.backend, dtype=args.dtype, **values)
    if args.json:
        print(json.dumps(to_json(trace), ensure_ascii=False))
    elif args.steps:
        print(numbered_steps(trace, detect_lang(args.lang), args.precision))
    else:
        print(table(trace, args.precision))
    return 0


def numbered_steps(trace: Trace, lang: str, precision: int) -> str:
    """Every step in words, numbered as ``export --step K`` and the HTML player count them (K = after K steps);
    a step's further lines (a gate's other inputs, warnings) are indented under it."""
    width = len(str(len(trace.steps)))
    out = []
    for k, step in enumerate(trace.steps, start=1):
        first, *rest = describe(trace, step, lang, precision).split("\n")
        out.append(f"{k:>{width}}  {first}")
        out += [" " * (width + 2) + line for line in rest]
    return "\n".join(out)


def to_json(trace: Trace) -> dict[str, object]:
    graph = trace.graph
    return {
        "value": to_jsonable(trace.value),
        "output": graph.output,
        "grads": {name: to_jsonable(grad) for name, grad in trace.grads.items()},
        "nodes": [
            {
                "id": node.id,
                "op": node.op,
                "label": node.label,
                "name": node.name,
                "inputs": list(node.inputs),
                "value": to_jsonable(trace.values[node.id]),
                "grad": to_jsonable(trace.node_grads[node.id]),
            }
            for node in graph.nodes
        ],
    }


def table(trace: Trace, precision: int) -> str:
    graph = trace.graph
    f = graph.output_name
    rows = [("id", "op", "name", "inputs", "value", f"∂{f}/∂·")]
    for node in graph.nodes:
        grad = trace.node_grads[node.id]
        rows.append((
            str(node.id), node.label, node.name or "", ",".join(map(str, node.inputs)),
            fmt(trace.values[node.id], precision), fmt(grad, precision) if grad is not None else "-",
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) if i in (0, 4, 5) else cell.ljust(w) for i, (cell, w) in
                       enumerate(zip(row, widths))).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.append("")
    lines.append(f"{f} = {fmt(trace.value, precision)}")
    lines += [f"∂{f}/∂{name} = {fmt(grad, precision)}" for name, grad in trace.grads.items()]
    return "\n".join(lines)
