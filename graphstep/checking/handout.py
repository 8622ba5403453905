"""Handouts: the worked solution of an exercise as a LaTeX document (or PDF), or an *erroneous example*.

``handout(text)`` writes the circuit (the export's TikZ picture), then every forward step with its numbers,
then every backward step as upstream × local = contribution and, where a node fans out, the sum of what it
received. With ``planted=KIND`` one step carries a typical mistake of that kind (the checker's own faults,
so every number after it follows from it, as on a student's sheet), and a key at the end says where.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy

from graphstep.checking.diagnose import times, trim
from graphstep.checking.planted import KINDS, exercise_numbers, faults_of_kind, faulty_gradients
from graphstep.checking.remote import fault_fields
from graphstep.checking.report import what_key
from graphstep.checking.search import Fault, Flow, mistaken
from graphstep.errors import GraphstepError
from graphstep.explain import formula
from graphstep.export.options import DrawOptions
from graphstep.export.render import Renderer
from graphstep.export.tikz import latex_text as _latex_text
from graphstep.export.tikz import picture
from graphstep.graph import Graph
from graphstep.i18n import t
from graphstep.ops import OPS


@dataclass
class Step:
    text: str
    planted: bool = False


def forward_steps(graph: Graph, values: list[float], digits: int) -> list[Step]:
    steps = []
    for node in graph.nodes:
        if node.is_leaf:
            continue
        args = [trim(values[i], digits) for i in node.inputs]
        with numpy.errstate(all="ignore"):
            again = float(OPS[node.op].forward(numpy, [numpy.float64(a) for a in args], node.const))
        result = trim(values[node.id], digits)
        steps.append(Step(f"{graph.display_name(node.id)} = {times(formula(node.op, args, node.const))} "
                          f"{equals(again, result, digits)} {result}"))
    return steps


def backward_steps(graph: Graph, values: list[float], fault: Fault | None, digits: int, lang: str) -> list[Step]:
    """Every wire's contribution (upstream × local = sent), output to inputs, and the sums at forks;
    with ``fault`` made (the step that makes it is marked)."""
    grads = faulty_gradients(graph, values, fault)
    steps: list[Step] = []
    received: dict[int, list[float]] = {}
    for node in reversed(graph.nodes[: graph.output + 1]):
        if node.id not in grads:
            continue
        if len(received.get(node.id, [])) > 1:
            steps.append(_fork_step(graph, node.id, received[node.id], grads[node.id], fault, digits, lang))
        if not node.is_leaf:
            steps += _edge_steps(graph, node.id, values, grads, fault, digits, lang, received)
    return steps


def _fork_step(graph: Graph, node: int, parts: list[float], total: float, fault: Fault | None, digits: int,
               lang: str) -> Step:
    """``x fans out to 2 gates, the contributions add up: ∂f/∂x = a + b = total`` (a planted fan-out
    mistake keeps one branch only)."""
    planted = fault is not None and fault.node == node and fault.position < 0
    shown = [parts[fault.pick]] if planted and fault is not None and fault.code == "fanout" else parts
    terms = " + ".join(trim(x, digits) for x in shown).replace("+ -", "- ")
    result = trim(total, digits)
    again = sum(float(trim(x, digits)) for x in shown)
    name = graph.display_name(node)
    return Step(t("handout.fork", lang, name=name, count=len(parts)) +
                f": ∂{graph.output_name}/∂{name} = {terms} {equals(again, result, digits)} {result}", planted)


def _edge_steps(graph: Graph, gate: int, values: list[float], grads: dict[int, float], fault: Fault | None,
                digits: int, lang: str, received: dict[int, list[float]]) -> list[Step]:
    """One step per input wire of ``gate``: what it sends back; what each input received is noted."""
    node = graph.nodes[gate]
    args = [numpy.float64(values[i]) for i in node.inputs]
    local = OPS[node.op].gradients(numpy, numpy.float64(1.0), args, numpy.float64(values[gate]), node.const)
    upstream = grads[gate]
    label = times(node.label) + (f" ({node.name})" if node.name else "")
    steps = []
    for p, i in enumerate(node.inputs):
        planted = fault is not None and ((fault.gate == gate and fault.position == p) or
                                         (fault.code == "chain_order" and fault.node == i and fault.position < 0))
        shown_up, loc, sent = _factors(fault if planted else None, upstream, float(local[p]), values[i], grads[i])
        received.setdefault(i, []).append(sent)
        up, lo, out = trim(shown_up, digits), trim(loc, digits), trim(sent, digits)
        steps.append(Step(t("handout.at_gate", lang, gate=label) + f": ∂{graph.output_name}/∂{graph.display_name(i)}"
                          f" += {up} × {lo} {equals(float(up) * float(lo), out, digits)} {out}", planted))
    return steps


def _factors(fault: Fault | None, upstream: float, local: float, own: float,
             total: float) -> tuple[float, float, float]:
    """(upstream as written, local as written, contribution) of one wire; with a planted ``fault``, written as
    the student making it would: the mistake is in the factor, the product is right."""
    if fault is None:
        return upstream, local, upstream * local
    if fault.code == "chain_order":  # the one wire into the chain's start carries the wrong total
        return upstream, total / upstream if upstream else local, total
    sent = mistaken(fault.code, upstream, local, own)
    if fault.code == "upstream_dropped":
        return 1.0, local, sent
    return upstream, sent / upstream if upstream else local, sent


def equals(again: float, shown: str, digits: int) -> str:
    """``=`` when the numbers as shown give the result as shown, else ``≈`` (every equation holds as shown)."""
    try:
        return "=" if trim(again, digits) == shown else "≈"
    except (OverflowError, ValueError):
        return "≈"


def handout(text: str, name: str = "exercise", lang: str = "en", planted: str | None = None, seed: int = 0,
            digits: int = 2) -> str:
    """The LaTeX document (see the module's docstring)."""
    graph, values, _ = exercise_numbers(text)
    fault = None
    if planted is not None:
        if planted not in KINDS:
            raise GraphstepError("handout.unknown_kind", kind=planted, kinds=", ".join(KINDS))
        places = faults_of_kind(graph, values, planted)
        if not places:
            raise GraphstepError("handout.no_place", kind=planted, file=name)
        # A sign is forgotten where there is one to forget (the ×-1 gate), not at an add gate.
        signed = [f for f in places if planted != "sign" or graph.nodes[f.gate].op not in ("add", "add_const")]
        fault = random.Random(seed).choice(signed or places)
    options = DrawOptions(show="values" if fault is not None else "both")
    circuit = picture(Renderer(graph, graph.run(), options, builtin=True).drawing())
    title = t("handout.title_planted" if fault else "handout.title", lang, file=name)
    out = ["\\documentclass[11pt]{article}", "\\usepackage[utf8]{inputenc}", "\\usepackage[T1]{fontenc}",
           "\\usepackage[margin=2cm]{geometry}", "\\usepackage{tikz}",
           "\\begin{document}", f"\\section*{{{latex_text(title)}}}"]
    if fault is not None:
        out.append(latex_text(t("handout.instructions", lang)) + "\n")
    out.append(f"\\begin{{center}}\\resizebox{{\\linewidth}}{{!}}{{%\n{circuit}}}\\end{{center}}")
    out.append(f"\\subsection*{{{latex_text(t('handout.forward', lang))}}}")
    out += _items(forward_steps(graph, values, digits))
    out.append(f"\\subsection*{{{latex_text(t('handout.backward', lang))}}}")
    back = backward_steps(graph, values, fault, digits, lang)
    out += _items(back)
    if fault is not None:
        step = next(k for k, s in enumerate(back, start=1) if s.planted)
        flow = Flow(graph, values, graph.output, fault.node)
        fields = fault_fields(flow, fault, flow.run(), digits)
        out += ["\\newpage", f"\\subsection*{{{latex_text(t('handout.key', lang))}}}",
                latex_text(t("handout.key_text", lang, step=step, what=t(what_key(fields), lang, **fields)))]
    out.append("\\end{document}")
    return "\n".join(out) + "\n"


def latex_text(text: str) -> str:
    """Text for the document: as the TikZ export writes it, but the accented letters of Spanish (and other
    Latin letters) kept, since the document loads inputenc/fontenc."""
    return "".join(ch if (ch.isalpha() and 0xC0 <= ord(ch) < 0x250) or ch in "¿¡" else _latex_text(ch)
                   for ch in text)


def _items(steps: list[Step]) -> list[str]:
    return ["\\begin{enumerate}", *(f"  \\item {latex_text(s.text)}" for s in steps), "\\end{enumerate}"]


def compile_pdf(tex: str) -> bytes:
    """pdflatex on the document, in a scratch folder; a missing pdflatex or a failed run is one message."""
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        raise GraphstepError("handout.no_pdflatex")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "handout.tex").write_text(tex, encoding="utf-8")
        try:
            subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", "handout.tex"], cwd=folder,
                           capture_output=True, timeout=120, check=True)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            raise GraphstepError("handout.pdflatex_failed") from None
        return (Path(folder) / "handout.pdf").read_bytes()
