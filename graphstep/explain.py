"""Steps told in words, in English or Spanish: what ``--steps`` prints and the app's side panel shows.

Views never compute math: every number here is read from the trace's steps; the rule text and the local
derivative's formula come from the ops table.
"""

from __future__ import annotations

from typing import Any

import numpy

from graphstep.i18n import tr
from graphstep.numbers import fmt
from graphstep.ops import OPS, fmt_const
from graphstep.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Step, Trace

MESSAGES = {
    "en": {
        "forward": "forward at {gate}: {expr} = {value}",
        "seed": "backward starts at the output: ∂{f}/∂{f} = {grad}",
        "accumulate": "{target} fans out, so its gradients add up: ∂{f}/∂{name} = {parts} = {total}",
        "backward": "backward at {gate}: upstream {upstream} × local ({local}) → ∂{f}/∂{name} = {sent}",
        "backward_matrix": "backward at {gate}: upstream {upstream} → ∂{f}/∂{name} = {sent}",
        "backward_matmul": "backward at {gate}: ∂{f}/∂{name} = {how}, {shapes} = {sent}",
        "upstream": "upstream",
        "warn_tie": "tie at {gate}: the gradient is split evenly between the inputs (as PyTorch does)",
        "warn_kink": "{gate} at 0 is not differentiable; graphstep uses 0 there, as PyTorch does",
        "warn_log_zero": "log of 0 is -inf",
        "warn_domain": "input outside the function's domain: the result is nan",
        "warn_sqrt_zero": "√ at 0: its derivative is infinite",
        "warn_div_zero": "division by 0",
        "warn_overflow": "the result overflowed to infinity",
        "warn_nan": "the result is not a number (nan)",
        "forward_phase": "forward",
        "backward_phase": "backward",
    },
    "es": {
        "forward": "hacia adelante en {gate}: {expr} = {value}",
        "seed": "el paso hacia atrás empieza en la salida: ∂{f}/∂{f} = {grad}",
        "accumulate": "{target} se bifurca, así que sus gradientes se suman: ∂{f}/∂{name} = {parts} = {total}",
        "backward": "hacia atrás en {gate}: gradiente de arriba {upstream} × local ({local}) → ∂{f}/∂{name} = {sent}",
        "backward_matrix": "hacia atrás en {gate}: gradiente de arriba {upstream} → ∂{f}/∂{name} = {sent}",
        "backward_matmul": "hacia atrás en {gate}: ∂{f}/∂{name} = {how}, {shapes} = {sent}",
        "upstream": "arriba",
        "warn_tie": "empate en {gate}: el gradiente se reparte por igual entre las entradas (como en PyTorch)",
        "warn_kink": "{gate} no es derivable en 0; graphstep usa 0 ahí, como PyTorch",
        "warn_log_zero": "el logaritmo de 0 es -inf",
        "warn_domain": "entrada fuera del dominio de la función: el resultado es nan",
        "warn_sqrt_zero": "√ en 0: su derivada es infinita",
        "warn_div_zero": "división por 0",
        "warn_overflow": "el resultado desbordó a infinito",
        "warn_nan": "el resultado no es un número (nan)",
        "forward_phase": "hacia adelante",
        "backward_phase": "hacia atrás",
    },
}


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
        text = tr(MESSAGES, "forward", lang, gate=gate, expr=expr, value=num(step.value))
    elif isinstance(step, SeedStep):
        text = tr(MESSAGES, "seed", lang, f=f, grad=num(step.grad))
    elif isinstance(step, AccumulateStep):
        parts = " + ".join(num(c) for _, _, c in step.parts).replace("+ -", "- ")
        name = graph.display_name(node.id)
        text = tr(MESSAGES, "accumulate", lang, target=name, f=f, name=name, parts=parts, total=num(step.total))
    else:
        assert isinstance(step, BackwardStep)
        lines = []
        for position, (source, contribution) in enumerate(step.sent):
            name = graph.display_name(source)
            how = shapes = ""
            if step.locals is not None:
                local = local_formula(trace, node.id, position, precision)
                key = "backward"
            elif node.op == "matmul" and all(_ndim(trace.values[i]) == 2 for i in node.inputs):
                local, key = "", "backward_matmul"
                how, shapes = matmul_gradient(trace, node.id, position, tr(MESSAGES, "upstream", lang))
            else:
                local, key = "", "backward_matrix"
            lines.append(tr(MESSAGES, key, lang, gate=gate, upstream=num(step.upstream), local=local, f=f,
                            name=name, sent=num(contribution), how=how, shapes=shapes))
        text = "\n".join(lines)
    for code in step.warnings:
        text += "\n  ! " + tr(MESSAGES, f"warn_{code}", lang, gate=node.label)
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
    with numpy.errstate(all="ignore"):  # 1/0 is shown as inf; the step's own warnings say why
        step_locals = op.local(trace.xp, [trace.values[i] for i in node.inputs], trace.values[node_id],  # type: ignore[misc]
                               node.const)
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
