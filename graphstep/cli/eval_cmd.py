"""``graphstep eval SOURCE [NAME=VALUE ...] [--json] [--steps]``: values and gradients in the terminal.

Arrays are summarised (shape, dtype, min/mean/max) in the table and in JSON, computed for all nodes in one
pass, so a batch of any size prints fast; ``--full-arrays`` writes every number in JSON and
``--save-grads DIR`` writes the input gradients as .npy files. ``--backend dask`` reads ``NAME=@file``
batches lazily, chunk by chunk, and computes on a dask.distributed cluster (``--scheduler``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from graphstep import engine
from graphstep.backend import BACKENDS, DTYPES
from graphstep.cli.common import add_dask_arguments, add_lang_argument, add_source_arguments, dask_client, load
from graphstep.errors import InputError
from graphstep.explain import describe
from graphstep.i18n import detect_lang, t
from graphstep.numbers import fmt, fmt_stats, to_jsonable
from graphstep.summary import Summary, summarize
from graphstep.trace import Trace


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_arguments(parser)
    parser.add_argument("--json", action="store_true",
                        help="help.eval_json")
    parser.add_argument("--full-arrays", action="store_true", help="help.eval_full_arrays")
    parser.add_argument("--steps", action="store_true", help="help.eval_steps")
    parser.add_argument("--precision", type=int, default=2, metavar="N", help="help.precision")
    parser.add_argument("--backend", choices=BACKENDS, default="numpy", help="help.backend")
    parser.add_argument("--dtype", choices=DTYPES, default="float64", help="help.dtype")
    parser.add_argument("--save-grads", default=None, metavar="DIR",
                        help="help.eval_save_grads")
    add_dask_arguments(parser)
    add_lang_argument(parser)


def run(args: argparse.Namespace) -> int:
    with dask_client(args):  # --backend dask: NAME=@file read lazily, computed on the cluster
        graph, values = load(args.source, args.values)
        trace = engine.run(graph, values, backend=args.backend, dtype=args.dtype,
                           record=args.backend != "dask" or (args.steps and not args.json))
        print(_report(trace, args))
    return 0


def _report(trace: Trace, args: argparse.Namespace) -> str:
    lang = detect_lang(args.lang)
    saved = save_grads(trace, Path(args.save_grads)) if args.save_grads else {}
    if args.json:
        text = json.dumps(to_json(trace, full=args.full_arrays, files=saved), ensure_ascii=False)
    elif args.steps:
        text = numbered_steps(trace, lang, args.precision)
    else:
        text = table(trace, args.precision, lang)
    if saved and not args.json:
        names = ", ".join(Path(p).name for p in saved.values())
        text += "\n" + t("eval.saved", lang, folder=args.save_grads, files=names)
    return text


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


def save_grads(trace: Trace, folder: Path) -> dict[str, str]:
    """Each input's gradient as folder/NAME.npy; a Dask gradient is written chunk by chunk by the workers."""
    from graphstep.daskio import compute, write_npy

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError("error.save_grads_folder", folder=folder, reason=error.strerror) from None
    graph = trace.graph
    paths: dict[str, str] = {}
    tasks: list[Any] = []
    for name, node in graph.inputs.items():
        grad = trace.node_grads[node]
        if grad is None:
            grad = _zero(trace, trace.values[node])
        path = folder / f"{name}.npy"
        tasks += write_npy(grad, path) or []
        paths[name] = str(path)
    compute(*tasks)
    return paths


def to_json(trace: Trace, full: bool = False, files: dict[str, str] | None = None) -> dict[str, object]:
    """The run as one JSON-ready object; arrays summarised unless ``full``; gradients written to ``files``
    carry their file name."""
    graph = trace.graph
    files = files or {}
    values, grads, input_grads = _shown(trace, full)
    for name, path in files.items():
        grad = input_grads[name]
        input_grads[name] = {**(grad if isinstance(grad, dict) else {"value": grad}), "file": path}
    return {
        "value": values[graph.output],
        "output": graph.output,
        "grads": input_grads,
        "nodes": [
            {"id": n.id, "op": n.op, "label": n.label, "name": n.name, "inputs": list(n.inputs),
             "value": values[n.id], "grad": grads[n.id]}
            for n in graph.nodes
        ],
    }


def _shown(trace: Trace, full: bool | None) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """Every node's value and gradient and every input's gradient (zeros where the output does not depend
    on it), summarised in one pass (``full=None``: for the table; False: JSON summaries; True: JSON lists)."""
    graph = trace.graph
    n = len(graph.nodes)
    names = list(graph.inputs)
    input_grads = [trace.node_grads[i] if trace.node_grads[i] is not None else _zero(trace, trace.values[i])
                   for i in graph.inputs.values()]
    wanted = [*trace.values, *trace.node_grads, *input_grads]
    if full:
        shown = [to_jsonable(v) for v in wanted]
    else:  # (a run on Python floats has no array to summarise: numpy stays unimported)
        shown = summarize(None if trace.floats else trace.xp, wanted)
        if full is not None:
            shown = [_jsonable(s) for s in shown]
    return shown[:n], shown[n:2 * n], dict(zip(names, shown[2 * n:]))


def _zero(trace: Trace, value: Any) -> Any:
    """The gradient of an input the output does not depend on: zeros like its value (0.0 for a float)."""
    return 0.0 if trace.floats else trace.xp.zeros_like(value)


def _jsonable(value: Any) -> Any:
    return value.to_json() if isinstance(value, Summary) else to_jsonable(value)


def table(trace: Trace, precision: int, lang: str = "en") -> str:
    graph = trace.graph
    f = graph.output_name
    nodes = graph.nodes
    values, grads, input_grads = _shown(trace, None)
    rows = [(*(t(f"eval.col_{column}", lang) for column in ("id", "op", "name", "inputs", "value")), f"∂{f}/∂·")]
    for node in nodes:
        grad = grads[node.id]
        rows.append((
            str(node.id), node.label, node.name or "", ",".join(map(str, node.inputs)),
            _fmt(values[node.id], precision, lang), _fmt(grad, precision, lang) if grad is not None else "-",
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.rjust(w) if i in (0, 4, 5) else cell.ljust(w) for i, (cell, w) in
                       enumerate(zip(row, widths))).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.append("")
    lines.append(f"{f} = {_fmt(values[graph.output], precision, lang)}")
    lines += [f"∂{f}/∂{name} = {_fmt(grad, precision, lang)}" for name, grad in input_grads.items()]
    return "\n".join(lines)


def _fmt(value: Any, precision: int, lang: str = "en") -> str:
    if isinstance(value, Summary):
        return fmt_stats(value.shape, value.dtype, value.min, value.mean, value.max, precision, lang)
    return fmt(value, precision, lang)
