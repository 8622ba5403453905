"""Exercise templates for teachers: the lecture's circuits with small random values and blank answers.

A generated exercise is a normal ``.gstep`` file (the answer lines start with ``?``, which the checker
reads and every other command ignores once they are filled in), so ``graphstep check`` grades it and
``graphstep export`` draws it. The numbers of ``--solution`` come from the engine's trace.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphstep.checking.answers import split_program
from graphstep.errors import GraphstepError
from graphstep.i18n import t
from graphstep.numbers import fmt
from graphstep.parser import parse

if TYPE_CHECKING:
    from graphstep.graph import Graph
    from graphstep.trace import Trace

Builder = Callable[[random.Random], list[str]]


def _ints(rng: random.Random, low: int, high: int, count: int, zero: bool = False) -> list[int]:
    pool = [v for v in range(low, high + 1) if zero or v != 0]
    return [rng.choice(pool) for _ in range(count)]


def _neuron(rng: random.Random) -> list[str]:
    w0, x0, w1, x1, w2 = _ints(rng, -3, 3, 5)
    return [f"w0 = {w0}", f"x0 = {x0}", f"w1 = {w1}", f"x1 = {x1}", f"w2 = {w2}",
            "s = w0x0 + w1x1 + w2", "e = exp(-s)", "f = 1/(1 + e)"]


def _patterns(rng: random.Random) -> list[str]:
    x, y, z, w = _ints(rng, -5, 5, 4)
    return [f"x = {x}", f"y = {y}", f"z = {z}", f"w = {w}",
            "q = xy", "m = max(z, w)", "s = q + m", "f = s * 2"]


def _staged(rng: random.Random) -> list[str]:
    x, y = _ints(rng, -4, 4, 2)
    return [f"x = {x}", f"y = {y}", "sigy = σ(y)", "num = x + sigy", "sigx = σ(x)", "xpy = x + y",
            "xpysqr = xpy²", "den = sigx + xpysqr", "invden = 1 / den", "f = num * invden"]


def _mlp_layer(rng: random.Random) -> list[str]:
    x1, x2 = _ints(rng, -3, 3, 2)
    w11, w12, w21, w22, v1, v2 = _ints(rng, -2, 2, 6)
    b1, b2, t = _ints(rng, -2, 2, 3, zero=True)
    return [f"x1 = {x1}", f"x2 = {x2}", f"w11 = {w11}", f"w12 = {w12}", f"b1 = {b1}",
            f"w21 = {w21}", f"w22 = {w22}", f"b2 = {b2}", f"v1 = {v1}", f"v2 = {v2}", f"t = {t}",
            "z1 = w11 x1 + w12 x2 + b1", "z2 = w21 x1 + w22 x2 + b2", "h1 = relu(z1)", "h2 = relu(z2)",
            "y = v1 h1 + v2 h2", "L = (y - t)²"]


@dataclass(frozen=True)
class Template:
    name: str
    build: Builder
    accept: Callable[[dict[str, float]], bool] = lambda values: True
    """Keeps the blackboard friendly: no tie at max, no relu at 0, no vanishing sigmoid."""
    givens: tuple[str, ...] = ()
    """Inputs that are data, not parameters (a target): no gradient is asked for them."""


TEMPLATES: dict[str, Template] = {
    t.name: t for t in (
        Template("neuron", _neuron, lambda v: 0 < abs(v["s"]) <= 3),
        Template("patterns", _patterns, lambda v: v["z"] != v["w"]),
        Template("staged", _staged),
        Template("mlp-layer", _mlp_layer,
                 lambda v: v["z1"] != 0 and v["z2"] != 0 and (v["z1"] > 0 or v["z2"] > 0) and v["y"] != v["t"],
                 givens=("t",)),
    )
}

def _friendly_draw(chosen: Template, template: str, seed: int) -> tuple[list[str], Graph, Trace]:
    """The template's first seeded draw whose values keep the blackboard friendly (no warning, no tie)."""
    rng = random.Random(f"{template}:{seed}")
    for _ in range(1000):
        statements = chosen.build(rng)
        graph = parse("\n".join(statements))
        trace = graph.run()
        values = {name: float(trace.values[i]) for name, i in graph.names.items()}
        warned = any(step.warnings for step in trace.steps)
        if chosen.accept(values) and not warned:
            return statements, graph, trace
    raise GraphstepError("error.no_friendly_values", template=template)  # pragma: no cover - most draws pass


def make_exercise(template: str, seed: int, solution: bool = False, lang: str = "en",
                  file_name: str = "FILE.gstep", precision: int = 2) -> str:
    """The text of a fresh exercise (blank answers) or of its solution (answers filled in)."""
    if template not in TEMPLATES:
        raise GraphstepError("error.unknown_template", template=template, choices=", ".join(TEMPLATES))
    chosen = TEMPLATES[template]
    statements, graph, trace = _friendly_draw(chosen, template, seed)
    lines = [f"# {t('exercise.header', lang, template=template, seed=seed)}",
             f"# {t('exercise.title_' + template, lang)}"]
    if solution:
        lines.append(f"# {t('exercise.solution', lang)}")
    lines += ["# " + line for line in t("exercise.instructions", lang, file=file_name).splitlines()]
    lines += ["", *statements, "", f"# {t('exercise.answers', lang)}"]
    f = graph.output_name
    named = [n for n in graph.nodes if n.name and not n.is_leaf]
    for node in named:
        number = fmt(trace.values[node.id], precision) if solution else ""
        lines.append(f"? {node.name} = {number}".rstrip())
    for node in reversed(graph.nodes):
        if node.name and node.id != graph.output and node.name not in chosen.givens:
            number = fmt(trace.grad(node.name), precision) if solution else ""
            lines.append(f"? ∂{f}/∂{node.name} = {number}".rstrip())
    text = "\n".join(lines) + "\n"
    assert split_program(text)[0].count("\n") == text.count("\n")  # answer lines keep their line numbers
    return text
