"""Steps told in words, in English or Spanish: what ``--steps`` prints and the app's side panel shows.

Views never compute math: every number here is read from the trace's steps; the rule text and the local
derivative's formula come from the ops table.
"""

from __future__ import annotations

from typing import Any

from graphstep.i18n import t
from graphstep.numbers import fmt
from graphstep.ops import OPS, fmt_const
from graphstep.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Step, Trace


def describe(trace: Trace, step: Step, lang: str = "en", precision: int = 2) -> str:
    """One step in one line of words and numbers (warnings on following lines)."""
    graph = trace.graph
    f = graph.output_name
    node = graph.nodes[step.node]

    def num(value: Any) -> str:
        return fmt(value, precision)

    gate = node.label if not node.name else f"{node.label} ({node.name})"
    if isinstance(step, ForwardStep):
        args = [num(a) for a in step.args]
        expr = shape_formula(trace, node.id, step.args, step.value) or formula(node.op, args, node.const)
        text = t("steps.forward", lang, gate=gate, expr=expr, value=num(step.value))
    elif isinstance(step, SeedStep):
        text = t("steps.seed", lang, f=f, grad=num(step.grad))
    elif isinstance(step, AccumulateStep):
        parts = " + ".join(num(c) for _, _, c in step.parts).replace("+ -", "- ")
        name = graph.display_name(node.id)
        text = t("steps.accumulate", lang, target=name, f=f, name=name, parts=parts, total=num(step.total))
    else:
        assert isinstance(step, BackwardStep)
        lines = []
        for position, (source, contribution) in enumerate(step.sent):
            name = graph.display_name(source)
            how = shapes = ""
            if step.locals is not None:
                local = local_formula(trace, node.id, position, precision)
                key = "steps.backward"
            elif node.op == "matmul" and all(_ndim(trace.values[i]) == 2 for i in node.inputs):
                local, key = "", "steps.backward_matmul"
                how, shapes = matmul_gradient(trace, node.id, position, t("steps.upstream", lang))
            else:
                local, key = "", "steps.backward_matrix"
            lines.append(t(key, lang, gate=gate, upstream=num(step.upstream), local=local, f=f,
                            name=name, sent=num(contribution), how=how, shapes=shapes))
        text = "\n".join(lines)
    for code in step.warnings:
        text += "\n  ! " + t(f"steps.warn_{code}", lang, gate=node.label)
    return text


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
    """The gate's computation with numbers filled in: ``3.00 * -4.00``, ``exp(-1.00)``, ``1/1.37``."""
    op = OPS[op_name]
    if op.arity == 2 and op.label() in "+-*/^@":
        return f"{args[0]} {op.label()} {args[1]}"
    if op.takes_const:
        label = op.label(const)
        if "x" in label:
            return label.replace("x", args[0])
        if label.startswith(("max", "min")):
            return f"{label[:3]}({args[0]}, {fmt_const(const)})"
        return f"{args[0]} {label[0]} {label[1:]}"
    return f"{op.label()}({', '.join(args)})"


def local_formula(trace: Trace, node_id: int, position: int, precision: int = 2) -> str:
    """The local derivative of input ``position`` as formula and number: ``y = -4.00``."""
    graph = trace.graph
    node = graph.nodes[node_id]
    op = OPS[node.op]
    names = [graph.display_name(i) for i in node.inputs]
    template = op.local_formula[position]
    const_text = fmt_const(node.const) if node.const is not None and op.takes_const else ""
    cm1 = fmt_const(node.const - 1) if op.takes_const and isinstance(node.const, float) else ""
    text = template.format(*names, c=const_text, cm1=cm1, out=graph.display_name(node_id))
    step_locals = op.local(trace.xp, [trace.values[i] for i in node.inputs], trace.values[node_id], node.const)  # type: ignore[misc]
    value = fmt(step_locals[position], precision)
    return value if _is_plain_number(text) else f"{text} = {value}"


def _is_plain_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def describe_all(trace: Trace, lang: str = "en", precision: int = 2) -> str:
    return "\n".join(describe(trace, step, lang, precision) for step in trace.steps)
