"""``graphstep grad SOURCE [NAME=VALUE ...]``: the gradient computed three ways, side by side.

Automatic (the trace), numerical (central differences, step size shown) and symbolic (sympy: the
simplified derivative and its value) for each input; any disagreement is flagged and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from graphstep.cli.common import add_lang_argument, add_source_arguments, load
from graphstep.i18n import detect_lang, t
from graphstep.numbers import fmt, to_jsonable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_arguments(parser)
    parser.add_argument("--step", type=float, default=1e-5, metavar="H",
                        help="help.grad_step")
    parser.add_argument("--tolerance", type=float, default=1e-5, metavar="R",
                        help="help.grad_tolerance")
    parser.add_argument("--precision", type=int, default=6, metavar="N", help="help.grad_precision")
    parser.add_argument("--simplify", choices=("light", "full", "none"), default="light",
                        help="help.grad_simplify")
    parser.add_argument("--json", action="store_true", help="help.grad_json")
    add_lang_argument(parser)


def run(args: argparse.Namespace) -> int:
    # sympy loads only for this command
    from graphstep.checking.gradients import compare
    from graphstep.errors import GraphstepError

    lang = detect_lang(args.lang)
    graph, values = load(args.source, args.values)
    if not graph.inputs:
        raise GraphstepError("grad.no_inputs")
    result = compare(graph, values, step=args.step, tolerance=args.tolerance, simplify=args.simplify)
    if args.json:
        print(json.dumps(_json(result, graph.output_name), ensure_ascii=False, indent=2))
    else:
        print("\n".join(_report(result, graph.output_name, args.precision, lang)))
    return 0 if result.agree else 1


def _json(result: Any, f: str) -> dict[str, Any]:
    from graphstep.checking.gradients import formula_text

    return {
        "output": f,
        "value": to_jsonable(result.value),
        "expression": None if result.expression is None else formula_text(result.expression),
        "at": result.values,
        "step": result.step,
        "tolerance": result.tolerance,
        "agree": result.agree,
        "kinks": list(result.kinks),
        "inputs": [{
            "name": g.name,
            "automatic": to_jsonable(g.automatic),
            "numerical": to_jsonable(g.numerical),
            "symbolic": None if g.skipped else to_jsonable(g.symbolic),
            "formula": None if g.skipped else formula_text(g.formula),
            "latex": None if g.skipped else _latex(g.formula),
            "symbolic_skipped": g.skipped,
            "agree": g.agree,
            "disagrees": g.odd_one,
        } for g in result.gradients],
    }


def _report(result: Any, f: str, p: int, lang: str) -> list[str]:
    """The report's lines: the formula and its value, the table of the three methods, the formulas, the verdict."""
    from graphstep.checking.gradients import SYMBOLIC_SECONDS, formula_text

    skipped = t("grad.skipped", lang, seconds=SYMBOLIC_SECONDS)
    expression = skipped if result.expression is None else formula_text(result.expression)
    at = ", ".join(f"{name} = {fmt(x, p).rstrip('0').rstrip('.')}" for name, x in result.values.items())
    lines = [t("grad.header", lang, f=f, expr=expression),
             t("grad.at", lang, values=at, f=f, value=fmt(result.value, p)),
             "", *_table(result, f, p, lang), "", t("grad.formulas", lang)]
    for g in result.gradients:
        if g.skipped:
            lines.append(f"  ∂{f}/∂{g.name}: {skipped}")
        else:
            lines.append(f"  ∂{f}/∂{g.name} = {formula_text(g.formula)} = {fmt(g.symbolic, p)}")
    lines.append("")
    if result.kinks:
        lines.append(t("grad.kinks", lang, what=", ".join(result.kinks)))
    if result.agree and any(g.skipped for g in result.gradients):
        lines.append(t("grad.two_agree", lang, tol=result.tolerance))
    elif result.agree:
        lines.append(t("grad.all_agree", lang, tol=result.tolerance))
    else:
        lines.append(t("grad.disagree", lang, names=", ".join(g.name for g in result.gradients if not g.agree)))
    return lines


def _table(result: Any, f: str, p: int, lang: str) -> list[str]:
    header = (t("grad.input", lang), t("grad.automatic", lang),
              t("grad.numerical", lang, h=result.step), t("grad.symbolic", lang), "")
    rows = [header]
    for g in result.gradients:
        if g.agree:
            flag = t("grad.ok", lang)
        elif g.odd_one:
            flag = t("grad.odd", lang, method=t(f"grad.method_{g.odd_one}", lang))
        else:
            flag = t("grad.none_agree", lang)
        rows.append((f"∂{f}/∂{g.name}", fmt(g.automatic, p), fmt(g.numerical, p),
                     t("grad.skipped_short", lang) if g.skipped else fmt(g.symbolic, p), flag))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return ["  ".join([row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:4], widths[1:], strict=True)]
                      + [row[4]]).rstrip() for row in rows]


def _latex(expr: object) -> str:
    import sympy

    return str(sympy.latex(expr))
