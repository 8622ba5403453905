"""Quiz answers judged with the checker's diagnosis, so the student learns *why* a number is wrong.

A question about a node's value or a whole gradient goes to :func:`graphstep.checking.ask` (the diagnosis of
``graphstep check``: sign flips, dropped upstream, missed fan-out sums, swapped mul inputs, max routed
wrong, early rounding, with the student's earlier answers as context). A contribution sent along one wire
(``∂f/∂x += ? (via sigx)``) is not a quantity of the checker's notation; for it the typical mistakes of one
chain-rule step are named here: the whole sum instead of the part, the sign, the upstream or local factor
left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphstep.app.messages import t
from graphstep.errors import GraphstepError
from graphstep.explain import via_text
from graphstep.numbers import fmt, matches_written
from graphstep.trace import AccumulateStep, BackwardStep, ForwardStep, Step, Trace

if TYPE_CHECKING:
    from graphstep.checking.claims import Verdict


@dataclass(frozen=True)
class Judged:
    right: bool
    answer: str
    """The expected number as the blackboard writes it."""
    why: str
    """The diagnosis in words ("" when right)."""
    target: str | None
    """The checker's name of what was asked (``∂f/∂x``, ``n9``), None for a contribution."""


def target_name(trace: Trace, node: int) -> str:
    """How the checker's answer syntax names a node: its name, else ``n<id>`` (never shown to a student:
    the checker's notes name nodes as every view does)."""
    graph = trace.graph
    node_ = graph.nodes[node]
    if node == graph.output:
        return graph.output_name
    return node_.name or f"n{node}"


def targets(trace: Trace, step: Step) -> tuple[str | None, ...]:
    """The checker's target per expected number of ``step`` (None where the checker has no notation)."""
    f = trace.graph.output_name
    if isinstance(step, ForwardStep):
        return (target_name(trace, step.node),)
    if isinstance(step, AccumulateStep):
        return (f"∂{f}/∂{target_name(trace, step.node)}",)
    if isinstance(step, BackwardStep):
        return tuple(None if source in trace.summed else f"∂{f}/∂{target_name(trace, source)}"
                     for source, _ in step.sent)
    return (None,)


def judge(trace: Trace, step: Step, position: int, given: str, expected: float, precision: int, lang: str,
          earlier: list[tuple[str, str]]) -> Judged:
    """One typed number against one expected number of ``step``."""
    target = targets(trace, step)[position]
    answer = fmt(expected, precision)
    if matches_written(given, expected):
        return Judged(True, answer, "", target)
    if target is not None:
        why = _checker_note(trace, target, given, earlier, lang)
        if why is not None:
            return Judged(why[0], answer, why[1], target)
    if isinstance(step, BackwardStep):
        return Judged(False, answer, _contribution_note(trace, step, position, given, precision, lang), target)
    return Judged(False, answer, "", target)


def _checker_note(trace: Trace, target: str, given: str, earlier: list[tuple[str, str]],
                  lang: str) -> tuple[bool, str] | None:
    from graphstep.checking import ask, note

    try:
        verdict: Verdict = ask(trace, target, given, earlier)
    except GraphstepError:
        return None
    return verdict.ok, ("" if verdict.status == "right" else note(verdict, lang))


def _contribution_note(trace: Trace, step: BackwardStep, position: int, given: str, precision: int,
                       lang: str) -> str:
    graph = trace.graph
    source, contribution = step.sent[position]
    f, name = graph.output_name, graph.display_name(source)
    fields: dict[str, Any] = {"f": f, "name": name, "gate": via_text(graph, step.node),
                              "upstream": fmt(step.upstream, precision), "answer": fmt(contribution, precision)}
    local = step.locals[position] if step.locals is not None else None
    fields["local"] = fmt(local, precision) if local is not None else ""
    total = trace.node_grads[source]
    if _near(given, total) and not _near(given, contribution):
        return t("quiz_why_total", lang, total=fmt(total, precision), **fields)
    if _near(given, -contribution):
        return t("quiz_why_sign", lang, **fields)
    if local is not None and _near(given, local) and not _near(given, step.upstream * local):
        return t("quiz_why_upstream", lang, **fields)
    if local is not None and _near(given, step.upstream):
        return t("quiz_why_local", lang, **fields)
    return t("quiz_why_chain" if local is not None else "quiz_why_part", lang, **fields)


def _near(given: str, value: Any) -> bool:
    try:
        return matches_written(given, float(value))
    except (TypeError, ValueError):
        return False
