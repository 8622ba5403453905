"""Steps told in words, in English or Spanish: what ``--steps`` prints and the app's side panel shows.

Views never compute math: every number here is read from the trace's steps; the rule text and the local
derivative's formula come from the ops table.
"""

from __future__ import annotations

from typing import Any

from graphstep.folding import on_floats
from graphstep.graph import Graph
from graphstep.i18n import t
from graphstep.lazynp import numpy as _numpy
from graphstep.numbers import fmt
from graphstep.ops import OPS, fmt_const
from graphstep.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Step, Trace


def gate_text(graph: Graph, node_id: int) -> str:
    """A gate as the sentences name it: its symbol and, when it has one on the circuit, its name: ``σ (sigx)``."""
    node = graph.nodes[node_id]
    name = graph.circuit_name(node_id) or (graph.output_name if node_id == graph.output else None)
    return f"{node.label} ({name})" if name and name != node.label else node.label


def via_text(graph: Graph, node_id: int) -> str:
    """The gate a contribution comes through, short: its name on the circuit, else its symbol."""
    node = graph.nodes[node_id]
    return graph.circuit_name(node_id) or (graph.output_name if node_id == graph.output else node.label)


def assign(trace: Trace, source: int) -> str:
    """``+=`` when ``source`` gets several contributions (they are summed at its accumulation step), else ``=``."""
    return "+=" if source in trace.summed else "="


def describe(trace: Trace, step: Step, lang: str = "en", precision: int = 2) -> str:
    """One step in one line of words and numbers (warnings on following lines). Every equation holds for
    the numbers as written, or says ``≈``; a contribution to a gradient that is summed later says ``+=``."""
    graph = trace.graph
    f = graph.output_name
    node = graph.nodes[step.node]

    def num(value: Any) -> str:
        return fmt(value, precision, lang)

    gate = gate_text(graph, node.id)
    if isinstance(step, ForwardStep):
        args = [num(a) for a in step.args]
        expr = shape_formula(trace, node.id, step.args, step.value) or formula(node.op, args, node.const)
        eq = forward_relation(node.op, args, node.const, num(step.value))
        text = t("steps.forward", lang, gate=gate, expr=expr, eq=eq, value=num(step.value))
    elif isinstance(step, SeedStep):
        text = t("steps.seed", lang, f=f, grad=num(step.grad))
    elif isinstance(step, AccumulateStep):
        shown = [num(c) for _, _, c in step.parts]
        parts = " + ".join(shown).replace("+ -", "- ")
        name = graph.display_name(node.id)
        text = t("steps.accumulate", lang, target=name, f=f, name=name, parts=parts,
                  eq=sum_relation(shown, num(step.total)), total=num(step.total))
    else:
        assert isinstance(step, BackwardStep)
        text = "\n".join(_backward_line(trace, step, position, lang, precision) for position in range(len(step.sent)))
    for code in step.warnings:
        text += "\n  ! " + t(f"steps.warn_{code}", lang, gate=node.label)
    return text


def _backward_line(trace: Trace, step: BackwardStep, position: int, lang: str, precision: int) -> str:
    graph = trace.graph
    node = graph.nodes[step.node]
    source, contribution = step.sent[position]
    how = shapes = local = ""
    upstream, sent = fmt(step.upstream, precision), fmt(contribution, precision)
    eq = "="
    if step.locals is not None:
        local = local_formula(trace, step, position, precision, lang)
        key = "backward"
        eq = product_relation(upstream, fmt(step.locals[position], precision), sent)
    elif node.op == "matmul" and all(_ndim(trace.values[i]) == 2 for i in node.inputs):
        key = "backward_matmul"
        how, shapes = matmul_gradient(trace, node.id, position, t("steps.upstream", lang))
    else:
        key = "backward_matrix"
    mark = assign(trace, source)
    via = t("steps.via", lang, gate=via_text(graph, node.id)) if mark == "+=" else ""
    return t(f"steps.{key}", lang, gate=gate_text(graph, node.id), upstream=upstream, local=local,
              f=graph.output_name, name=graph.display_name(source), assign=mark, eq=eq, sent=sent, how=how,
              shapes=shapes, via=via)


def sigma_mark(parts: list[Any], total: Any, precision: int) -> str:
    """What goes between ``Σ`` and a fan-out node's summed gradient on the circuit: ``""``, or ``"≈"`` when
    the contributions as written on its wires do not add up to the total as written (0.51 - 0.04 + 1.58)."""
    shown = fmt(total, precision)
    return "≈" if sum_relation([fmt(p, precision) for p in parts], shown) == "≈" else ""


def _shown(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def holds(computed: float | None, shown: str, precision: int) -> bool:
    """Does a result worked out from the numbers as shown round to the result as shown?"""
    return computed is not None and fmt(computed, precision) == shown


def _precision_of(text: str) -> int:
    mantissa = text.lower().partition("e")[0]
    return len(mantissa.partition(".")[2])


def forward_relation(op_name: str, args: list[str], const: Any, shown: str) -> str:
    """``=`` when the gate applied to its inputs *as shown* gives the value as shown, else ``≈``."""
    numbers = [_shown(a) for a in args]
    if any(n is None for n in numbers) or _shown(shown) is None:
        return "="  # arrays (summaries) are not written as arithmetic
    computed = on_floats(op_name, numbers, const)  # numpy's result, without importing it for `x*y`
    if computed is None:
        numpy = _numpy()
        with numpy.errstate(all="ignore"):
            try:
                computed = float(OPS[op_name].forward(numpy, [numpy.float64(n) for n in numbers], const))
            except (TypeError, ValueError, ArithmeticError):
                return "="
    return "=" if holds(computed, shown, _precision_of(shown)) else "≈"


def product_relation(upstream: str, local: str, shown: str) -> str:
    """``=`` when ``upstream × local`` as shown rounds to the contribution as shown, else ``≈``."""
    a, b, c = _shown(upstream), _shown(local), _shown(shown)
    if a is None or b is None or c is None:
        return "="
    return "=" if holds(a * b, shown, _precision_of(shown)) else "≈"


def sum_relation(parts: list[str], shown: str) -> str:
    """``=`` when the parts as shown add up to the total as shown, else ``≈`` (``0.51 - 0.04 + 1.58 ≈ 2.06``)."""
    numbers = [_shown(p) for p in parts]
    if any(n is None for n in numbers) or _shown(shown) is None:
        return "="
    return "=" if holds(sum(n for n in numbers if n is not None), shown, _precision_of(shown)) else "≈"


def shape_text(value: Any) -> str:
    """An array's shape as the lecture writes it: ``(4,3)``; ``()`` for a number."""
    shape = getattr(value, "shape", ())
    return "(" + ",".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _ndim(value: Any) -> int:
    return len(getattr(value, "shape", ()))


def shape_formula(trace: Trace, node_id: int, args: tuple[Any, ...], value: Any) -> str:
    """For a matrix op on arrays, its shapes: ``X @ W_H, (4,2) @ (2,3) → (4,3)``; else ""."""
    graph = trace.graph
    node = graph.nodes[node_id]
    op = OPS[node.op]
    if op.elementwise or not any(_ndim(a) for a in args):
        return ""
    names = [graph.display_name(i) for i in node.inputs]
    shapes = [shape_text(a) for a in args]
    if node.op == "matmul":
        return f"{names[0]} @ {names[1]}, {shapes[0]} @ {shapes[1]} → {shape_text(value)}"
    label = op.label(node.const)
    call = f"{label}{names[0]}" if len(names) == 1 and names[0].startswith("(") else f"{label}({', '.join(names)})"
    return f"{call}, {', '.join(shapes)} → {shape_text(value)}"


def matmul_gradient(trace: Trace, node_id: int, position: int, upstream: str) -> tuple[str, str]:
    """How a matrix product's gradient is made, and its shapes: ``Xᵀ · upstream``, ``(2,4) · (4,3) → (2,3)``."""
    graph = trace.graph
    node = graph.nodes[node_id]
    left, right = node.inputs
    g = shape_text(trace.values[node_id])
    lshape, rshape = trace.values[left].shape, trace.values[right].shape
    if position == 0:  # ∂/∂X = upstream · Wᵀ
        return (f"{upstream} · {graph.display_name(right)}ᵀ",
                f"{g} · ({rshape[1]},{rshape[0]}) → {shape_text(trace.values[left])}")
    return (f"{graph.display_name(left)}ᵀ · {upstream}",
            f"({lshape[1]},{lshape[0]}) · {g} → {shape_text(trace.values[right])}")


def formula(op_name: str, args: list[str], const: Any) -> str:
    """The gate's computation with numbers filled in: ``3.00 * (-4.00)``, ``exp(-1.00)``, ``1/1.37``,
    ``(-1.00) ^ 2``: a negative number after an operator, or as a base, is bracketed, as on paper."""
    op = OPS[op_name]
    if op.arity == 2 and op.label() in "+-*/^@":
        left = _bracket(args[0]) if op.label() == "^" else args[0]
        return f"{left} {op.label()} {_bracket(args[1])}"
    if op.takes_const:
        label = op.label(const)
        if "x" in label:
            return label.replace("x", _bracket(args[0]) if label != "x" else args[0])
        if label.startswith(("max", "min")):
            return f"{label[:3]}({args[0]}, {fmt_const(const)})"
        left = _bracket(args[0]) if label[0] == "^" else args[0]
        return f"{left} {label[0]} {_bracket(label[1:])}"
    return f"{op.label()}({', '.join(args)})"


def _bracket(text: str) -> str:
    return f"({text})" if text.startswith(("-", "−")) else text


def local_formula(trace: Trace, step: BackwardStep, position: int, precision: int = 2, lang: str = "en") -> str:
    """The local derivative of input ``position`` as formula and number: ``y = -4.00``; at a tie of max/min,
    ``tie, split evenly = 0.50``. The number is the step's own (read from the trace, never recomputed)."""
    graph = trace.graph
    node = graph.nodes[step.node]
    op = OPS[node.op]
    assert step.locals is not None
    value = fmt(step.locals[position], precision)
    if "tie" in step.warnings:
        return f"{t('steps.tie', lang)} = {value}"
    names = [graph.display_name(i) for i in node.inputs]
    template = op.local_formula[position]
    const_text = fmt_const(node.const) if node.const is not None and op.takes_const else ""
    cm1 = fmt_const(node.const - 1) if op.takes_const and isinstance(node.const, float) else ""
    text = template.format(*names, c=const_text, cm1=cm1, out=graph.display_name(node.id))
    return value if _is_plain_number(text) else f"{text} = {value}"


def _is_plain_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def describe_all(trace: Trace, lang: str = "en", precision: int = 2) -> str:
    return "\n".join(describe(trace, step, lang, precision) for step in trace.steps)
