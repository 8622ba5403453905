"""The side panel's text: the current step in words and numbers, and the inspected node. Everything is
read from the trace, ``graphstep.explain`` and the ops table; nothing is computed here."""

from __future__ import annotations

import textwrap

import numpy
from rich.text import Text

from graphstep.app.colours import TEXT
from graphstep.app.messages import t
from graphstep.app.session import Session
from graphstep.explain import assign, describe, local_formula, product_relation, sum_relation, via_text
from graphstep.numbers import fmt, fmt_compact, fmt_matrix, fmt_shape
from graphstep.ops import OPS
from graphstep.textsafe import escape
from graphstep.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep

HEAD = "bold"
PANEL_WIDTH = 42
"""Text cells in the inspect panel at its widest (app.tcss: max-width 46, less border and padding)."""
PANEL_CHARS = 3000
"""The most characters a panel shows (a gate read by thousands: its fan-out sum, its formula); more would
take seconds to lay out on every step."""


def step_text(session: Session, lang: str) -> Text:
    with numpy.errstate(all="ignore"):  # log(0), 1/0: the step's warnings already say so in words
        return cut(_step_text(session, lang), lang)


def cut(text: Text, lang: str, limit: int = PANEL_CHARS) -> Text:
    """``text``, or its first ``limit`` characters (up to a space or line break) and a line saying how much
    more there was."""
    plain = text.plain
    if len(plain) <= limit:
        return text
    end = max(plain.rfind(" ", 0, limit), plain.rfind("\n", 0, limit))
    end = end if end > limit // 2 else limit
    out = text[:end]
    out.append("\n… " + t("panel_cut", lang, n=f"{len(plain) - end:,}") + "\n", "dim italic")
    return out


def _step_text(session: Session, lang: str) -> Text:
    trace, graph, precision = session.trace, session.graph, session.precision
    state = session.state()
    step = state.current
    out = Text()
    if step is None:
        out.append(t("start_hint", lang), "italic")
        return out
    node = graph.nodes[step.node]
    f = graph.output_name

    def num(value: object) -> str:
        return fmt(value, precision, lang)

    out.append(describe(trace, step, lang, precision) + "\n")
    if isinstance(step, ForwardStep):
        out.append(f"\n{graph.display_name(node.id)} = ", HEAD)
        out.append(num(step.value), TEXT["value"])
        out.append("\n")
    elif isinstance(step, SeedStep):
        out.append("\n" + t("seed", lang, f=f) + "\n", "italic")
    elif isinstance(step, AccumulateStep):
        out.append("\n" + t("accumulate", lang) + "\n", HEAD)
        name = graph.display_name(node.id)
        for i, (consumer, _, contribution) in enumerate(step.parts):
            out.append(f"  ∂{f}/∂{name} {'  ' if i == 0 else '+='} ")
            out.append(num(contribution), TEXT["grad"])
            out.append(f"   ({t('via', lang, gate=via_text(graph, consumer))})\n", "dim")
        eq = sum_relation([num(c) for _, _, c in step.parts], num(step.total))
        out.append(f"  ∂{f}/∂{name}  {eq} ")
        out.append(num(step.total), TEXT["grad"])
        out.append("\n")
    elif isinstance(step, BackwardStep):
        out.append(f"\n{t('rule', lang)}: ", HEAD)
        out.append(OPS[node.op].rule(lang) + "\n")
        for position, (source, contribution) in enumerate(step.sent):
            name = graph.display_name(source)
            mark = assign(trace, source)
            via = f"   ({t('via', lang, gate=via_text(graph, node.id))})" if mark == "+=" else ""
            if step.locals is not None:
                out.append(f"  {t('local', lang)} ∂{graph.display_name(node.id)}/∂{name}: ", "dim")
                out.append(local_formula(trace, step, position, precision, lang) + "\n")
                local = num(step.locals[position])
                out.append(f"  ∂{f}/∂{name} {mark} ")
                out.append(num(step.upstream), TEXT["grad"])
                out.append(f" × {local} {product_relation(num(step.upstream), local, num(contribution))} ")
                out.append(num(contribution), TEXT["grad"])
                out.append(via + "\n", "dim")
            else:
                out.append(f"  ∂{f}/∂{name} {mark} ")
                out.append(num(contribution), TEXT["grad"])
                out.append(via + "\n", "dim")
        if step.locals is not None:
            out.append("  (" + t("chain", lang) + ")\n", "dim")
    if state.phase == "done":
        # compact, as on the wires: the inspect panel has the full matrices
        grads = ", ".join(f"∂{f}/∂{name} = {fmt_compact(trace.grad(name), precision, lang)}" for name in graph.inputs)
        out.append("\n" + t("done_hint", lang, grads=grads or "-"), "italic")
    return out


def legend_text(lang: str) -> Text:
    """What the colours mean (shown before anything is computed or inspected)."""
    out = Text()
    out.append("2.00", TEXT["value"])
    out.append(f"  {t('legend_value', lang)}\n")
    out.append("0.20", TEXT["grad"])
    out.append(f"  {t('legend_grad', lang)}\n")
    out.append("┌─┐", TEXT["current"])
    out.append(f"   {t('legend_current', lang)}\n")
    out.append(t("legend_inspect", lang), "dim")
    return out


def inspect_text(session: Session, node_id: int, lang: str, width: int = 0) -> Text:
    """The inspected node; ``width`` (the panel's text width, default ``PANEL_WIDTH``) decides where a
    matrix goes: beside its label, under it, or (too wide for either) summarised in one line."""
    width = width or PANEL_WIDTH
    graph, precision = session.graph, session.precision
    node = graph.nodes[node_id]
    state = session.state()
    out = Text()
    out.append(t("inspect_title", lang, name=graph.display_name(node_id)) + "\n", "bold underline")
    rows = [(t("inspect_op", lang), t(f"op_{node.op}", lang) if node.is_leaf else node.label)]
    if not node.is_leaf:  # an input's "inputs: none" would only take a row from its matrices
        rows.append((t("inspect_inputs", lang), ", ".join(graph.display_name(i) for i in node.inputs)))
    for label, text in rows:
        out.append(f"  {label}: ", "dim")
        out.append(text + "\n")
    known = session.trace.values[node_id]  # the shape is known before the step computes the value
    if numpy.ndim(known):
        out.append(f"  {t('inspect_shape', lang)}: ", "dim")
        out.append(fmt_shape(known) + "\n")
    value = state.values.get(node_id)
    label = f"  {t('inspect_value', lang)}: "
    out.append(label, "dim")
    _number(out, value, precision, TEXT["value"], "", t("unknown_yet", lang), len(label), width, lang)
    grad = state.grads.get(node_id)
    label = f"  {t('inspect_grad', lang)}: "
    out.append(label, "dim")
    grad_label = f"∂{graph.output_name}/∂{graph.display_name(node_id)} = "
    _number(out, grad, precision, TEXT["grad"], grad_label, t("unknown_yet", lang),
            len(label), width, lang)
    if node.span is not None and graph.source:
        start, end = node.span
        out.append(f"  {t('inspect_formula', lang)}: ", "dim")
        out.append(escape(graph.source[start:end].replace("\n", " "), one_line=True) + "\n", "italic")
    if node.group is not None:
        out.append("  " + t("inspect_group", lang, op=OPS[node.group_op or ""].label() if node.group_op else "")
                   + "\n", TEXT["composite"])
    elif not node.is_leaf and OPS[node.op].expand is not None:
        size = _chain_length(session, node_id)
        out.append("  " + t("inspect_composite", lang, n=size) + "\n", TEXT["composite"])
    return cut(out, lang)


def _number(out: Text, value: object, precision: int, style: str, prefix: str, unknown: str, indent: int,
            width: int, lang: str = "en") -> None:
    """A value or gradient after its label (``indent`` cells wide): a small matrix in full, starting on the
    label's row when it fits the panel, else under it; a big array (or one too wide) as its summary."""
    if value is None:
        out.append(unknown + "\n", style)
        return
    table = fmt_matrix(value, precision)
    widest = max((len(line) for line in table.splitlines()), default=0) if table else 0
    if table is None or 4 + widest > width:
        # a summary too long for the row wraps under the label, not under the panel's left edge
        lines = textwrap.wrap(prefix + fmt(value, precision, lang), width, initial_indent=" " * indent,
                              subsequent_indent=" " * min(indent, 4), break_on_hyphens=False) or [" " * indent]
        out.append("\n".join([lines[0][indent:], *lines[1:]]) + "\n", style)
        return
    lines = table.splitlines()
    if indent + len(prefix) + widest <= width:
        pad = " " * (indent + len(prefix))
        out.append(prefix + ("\n" + pad).join(lines) + "\n", style)
        return
    out.append(prefix.removesuffix(" = ") + "\n", style)
    for line in lines:
        out.append("    " + line + "\n", style)


def _chain_length(session: Session, node_id: int) -> int:
    """How many primitive gates the composite expands into (read from the ops table's expansion)."""
    count = 0

    def emit(op_name: str, inputs: object, const: object) -> int:
        nonlocal count
        count += 1
        return count

    expand = OPS[session.graph.nodes[node_id].op].expand
    if expand is not None:
        expand(emit, (0,), session.graph.nodes[node_id].const)
    return count
