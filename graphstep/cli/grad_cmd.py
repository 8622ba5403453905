"""``graphstep grad SOURCE [NAME=VALUE ...]``: the gradient computed three ways, side by side.

Automatic (the trace), numerical (central differences, step size shown) and symbolic (sympy: the
simplified derivative and its value) for each input; any disagreement is flagged and the exit code is 1.
"""

from __future__ import annotations

import argparse
import json

from graphstep.cli.common import add_lang_argument, add_source_arguments, load
from graphstep.i18n import detect_lang, tr
from graphstep.numbers import fmt, to_jsonable

MESSAGES = {
    "en": {
        "header": "{f} = {expr}",
        "at": "at {values}: {f} = {value}",
        "input": "input",
        "automatic": "automatic",
        "numerical": "numerical (h = {h:g})",
        "symbolic": "symbolic",
        "verdict": "",
        "ok": "✓",
        "odd": "✗ {method} disagrees",
        "none_agree": "✗ no two agree",
        "formulas": "symbolic derivatives, simplified:",
        "all_agree": "All three methods agree (tolerance {tol:g} relative).",
        "disagree": "The methods disagree for: {names}.",
        "kinks": "note: the formula is evaluated at a non-differentiable point ({what}); the methods may "
                 "legitimately differ there.",
        "method_automatic": "automatic",
        "method_numerical": "numerical",
        "method_symbolic": "symbolic",
        "no_inputs": "this formula has no inputs: there is no gradient to compare",
        "skipped_short": "skipped: too large",
        "two_agree": "The automatic and numerical gradients agree (tolerance {tol:g} relative); the symbolic "
                     "one was skipped.",
        "skipped": "skipped: too large (sympy needed more than {seconds:g} s)",
    },
    "es": {
        "header": "{f} = {expr}",
        "at": "en {values}: {f} = {value}",
        "input": "entrada",
        "automatic": "automática",
        "numerical": "numérica (h = {h:g})",
        "symbolic": "simbólica",
        "ok": "✓",
        "odd": "✗ la {method} no coincide",
        "none_agree": "✗ ninguna coincide",
        "formulas": "derivadas simbólicas, simplificadas:",
        "all_agree": "Los tres métodos coinciden (tolerancia relativa {tol:g}).",
        "disagree": "Los métodos no coinciden para: {names}.",
        "kinks": "nota: la fórmula se evalúa en un punto no derivable ({what}); ahí los métodos pueden "
                 "diferir legítimamente.",
        "method_automatic": "automática",
        "method_numerical": "numérica",
        "method_symbolic": "simbólica",
        "no_inputs": "esta fórmula no tiene entradas: no hay gradiente que comparar",
        "skipped_short": "omitida: demasiado grande",
        "two_agree": "Los gradientes automático y numérico coinciden (tolerancia relativa {tol:g}); el simbólico "
                     "se omitió.",
        "skipped": "omitida: demasiado grande (sympy necesitaba más de {seconds:g} s)",
    },
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_arguments(parser)
    parser.add_argument("--step", type=float, default=1e-5, metavar="H",
                        help="step size h of the central differences (f(x+h) - f(x-h)) / 2h (default 1e-5)")
    parser.add_argument("--tolerance", type=float, default=1e-5, metavar="R",
                        help="relative tolerance for the numerical gradient to agree (default 1e-5)")
    parser.add_argument("--precision", type=int, default=6, metavar="N", help="decimals shown (default 6)")
    parser.add_argument("--simplify", choices=("light", "full", "none"), default="light",
                        help="how to tidy the symbolic derivative: light (one fraction, common factors out; the "
                             "default), full (sympy.simplify: shortest, slower) or none")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    add_lang_argument(parser)


def run(args: argparse.Namespace) -> int:
    # sympy loads only for this command
    from graphstep.checking.gradients import SYMBOLIC_SECONDS, compare, formula_text
    from graphstep.errors import GraphstepError

    lang = detect_lang(args.lang)
    graph, values = load(args.source, args.values)
    if not graph.inputs:
        raise GraphstepError(tr(MESSAGES, "no_inputs", lang))
    result = compare(graph, values, step=args.step, tolerance=args.tolerance, simplify=args.simplify)
    f = graph.output_name
    if args.json:
        print(json.dumps({
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
        }, ensure_ascii=False, indent=2))
        return 0 if result.agree else 1
    p = args.precision
    skipped = tr(MESSAGES, "skipped", lang, seconds=SYMBOLIC_SECONDS)
    expression = skipped if result.expression is None else formula_text(result.expression)
    print(tr(MESSAGES, "header", lang, f=f, expr=expression))
    at = ", ".join(f"{name} = {fmt(x, p).rstrip('0').rstrip('.')}" for name, x in result.values.items())
    print(tr(MESSAGES, "at", lang, values=at, f=f, value=fmt(result.value, p)))
    print()
    header = (tr(MESSAGES, "input", lang), tr(MESSAGES, "automatic", lang),
              tr(MESSAGES, "numerical", lang, h=result.step), tr(MESSAGES, "symbolic", lang), "")
    rows = [header]
    for g in result.gradients:
        if g.agree:
            flag = tr(MESSAGES, "ok", lang)
        elif g.odd_one:
            flag = tr(MESSAGES, "odd", lang, method=tr(MESSAGES, f"method_{g.odd_one}", lang))
        else:
            flag = tr(MESSAGES, "none_agree", lang)
        rows.append((f"∂{f}/∂{g.name}", fmt(g.automatic, p), fmt(g.numerical, p),
                     tr(MESSAGES, "skipped_short", lang) if g.skipped else fmt(g.symbolic, p), flag))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:4], widths[1:], strict=True)] + [row[4]]
        print("  ".join(cells).rstrip())
    print()
    print(tr(MESSAGES, "formulas", lang))
    for g in result.gradients:
        if g.skipped:
            print(f"  ∂{f}/∂{g.name}: {skipped}")
        else:
            print(f"  ∂{f}/∂{g.name} = {formula_text(g.formula)} = {fmt(g.symbolic, p)}")
    print()
    if result.kinks:
        print(tr(MESSAGES, "kinks", lang, what=", ".join(result.kinks)))
    if result.agree and any(g.skipped for g in result.gradients):
        print(tr(MESSAGES, "two_agree", lang, tol=result.tolerance))
    elif result.agree:
        print(tr(MESSAGES, "all_agree", lang, tol=result.tolerance))
    else:
        bad = ", ".join(g.name for g in result.gradients if not g.agree)
        print(tr(MESSAGES, "disagree", lang, names=bad))
    return 0 if result.agree else 1


def _latex(expr: object) -> str:
    import sympy

    return str(sympy.latex(expr))
