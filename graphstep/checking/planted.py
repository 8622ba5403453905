"""Working an exercise with a mistake planted: every gradient as a student who makes it would write it.

Used for the class demo (synthetic submissions with seeded mistakes, ``python -m graphstep.checking.planted``)
and for the erroneous-example handout (``graphstep exercise handout --planted KIND``). The mistakes are the
checker's own faults (:mod:`graphstep.checking.search`), so the checker can name each one it finds.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graphstep.checking.answers import Answer, parse_answers, split_program
from graphstep.checking.search import Fault, Flow
from graphstep.errors import GraphstepError
from graphstep.graph import Graph
from graphstep.numbers import fmt
from graphstep.parser import parse

KINDS = ("sign", "fanout", "upstream_dropped", "mul_swapped", "max_routed", "relu_routed", "chain_order",
         "local_dropped")


def faulty_gradients(graph: Graph, values: Sequence[float],
                     fault: Fault | tuple[Fault, ...] | None) -> dict[int, float]:
    """∂output/∂node for every node the output reads, with ``fault`` (or several) made in the backward pass."""
    grads: dict[int, float] = {}
    needed = {graph.output}
    for node in reversed(graph.nodes[: graph.output + 1]):
        if node.id in needed:
            needed.update(node.inputs)
    for node in sorted(needed):
        computed, _, _ = Flow(graph, list(values), graph.output, node).run(fault)
        grads[node] = computed[node]
    return grads


def faults_of_kind(graph: Graph, values: Sequence[float], kind: str) -> list[Fault]:
    """Every place a mistake of ``kind`` can be made in this exercise that changes some gradient."""
    flows = [Flow(graph, list(values), graph.output, n.id) for n in graph.nodes if n.id <= graph.output]
    found: list[Fault] = []
    exact = faulty_gradients(graph, values, None)
    for flow in flows:
        for fault in flow.faults():
            if fault.code != kind or fault in found or (fault.code == "sign" and fault.position < 0):
                continue
            changed = faulty_gradients(graph, values, fault)
            if any(abs(changed[n] - exact[n]) > 1e-9 for n in exact):
                found.append(fault)
    return found


def exercise_numbers(text: str) -> tuple[Graph, list[float], list[Answer]]:
    """The exercise's graph, its exact values, and the answers it asks for."""
    graph = parse(split_program(text)[0])
    trace = graph.run()
    return graph, [float(v) for v in trace.values], parse_answers(text, "exercise")


def answer_number(graph: Graph, values: Sequence[float], grads: dict[int, float], answer: Answer) -> float:
    node = graph.names.get(answer.name, graph.output if answer.name == graph.output_name else -1)
    if node < 0:
        raise GraphstepError("check.no_node", name=answer.name)
    return values[node] if answer.kind == "value" else grads.get(node, 0.0)


# --- the class demo --------------------------------------------------------------------------------------

NAMES = ("ana", "bruno", "carla", "diego", "elena", "fabian", "gabriela", "hugo", "ines", "javier", "karina",
         "lucas", "marta", "nicolas", "olga", "pablo", "quique", "rosa", "sergio", "tania", "ulises", "valeria",
         "walter", "ximena", "yago", "zoe", "adrian", "beatriz", "camilo", "daniela", "esteban", "flor",
         "gonzalo", "helena", "ivan", "julia")

PROFILES = (("right", 8), ("sign", 6), ("chain_order", 4), ("mul_swapped", 3), ("upstream_dropped", 3),
            ("local_dropped", 2), ("lazy", 3), ("blank", 2), ("two", 2))
"""How often each kind of student occurs in the demo class (a seeded draw)."""


def make_class(text: str, count: int = 32, seed: int = 12) -> dict[str, str]:
    """``count`` synthetic answers files for the exercise ``text``: name → file text."""
    graph, values, answers = exercise_numbers(text)
    rng = random.Random(seed)
    kinds = [kind for kind, weight in PROFILES for _ in range(weight)]
    places = {kind: faults_of_kind(graph, values, kind) for kind in KINDS}
    sign_places = [f for f in places["sign"] if graph.nodes[f.gate].op == "mul_const"] or places["sign"]
    exact = faulty_gradients(graph, values, None)
    files: dict[str, str] = {}
    for k in range(count):
        name = NAMES[k % len(NAMES)] + ("" if k < len(NAMES) else str(k // len(NAMES)))
        profile = rng.choice(kinds)
        grads, decimals, blanks = exact, 2, 0
        if profile in ("sign", "chain_order", "mul_swapped", "upstream_dropped", "local_dropped", "two"):
            pool = sign_places if profile in ("sign", "two") else places[profile]
            chosen: tuple[Fault, ...] = (rng.choice(pool),) if pool else ()
            if profile == "two" and places["mul_swapped"]:
                chosen += (rng.choice(places["mul_swapped"]),)
            grads = faulty_gradients(graph, values, chosen)
        elif profile == "lazy":
            decimals = rng.choice((0, 1))
        elif profile == "blank":
            blanks = rng.randint(2, 4)
        lines = [f"# {name}"]
        for i, answer in enumerate(answers):
            if i >= len(answers) - blanks:
                lines.append(f"? {answer.label} =")
                continue
            number = fmt(answer_number(graph, values, grads, answer), decimals)
            lines.append(f"? {answer.label} = {number}")
        files[name] = "\n".join(lines) + "\n"
    return files


def main(argv: Sequence[str] | None = None) -> int:
    from graphstep.helptext import argparse_in, argv_lang, parser
    from graphstep.i18n import LANGUAGES

    args_given = sys.argv[1:] if argv is None else list(argv)
    lang = argv_lang(args_given)
    with argparse_in(lang):
        command = parser("python -m graphstep.checking.planted", "help.planted_description", lang)
        command.add_argument("exercise", help="help.planted_exercise")
        command.add_argument("folder", help="help.planted_folder")
        command.add_argument("--count", type=int, default=32, help="help.planted_count")
        command.add_argument("--seed", type=int, default=12, help="help.planted_seed")
        command.add_argument("--lang", choices=LANGUAGES, default=None, help="help.lang")
        args = command.parse_args(args_given)
    try:
        _write_class(args)
    except GraphstepError as error:  # one line and exit 2, as every graphstep command
        from graphstep.textsafe import escape

        print(escape(error.render(lang)), file=sys.stderr)
        return error.exit_code
    return 0


def _write_class(args: Any) -> None:
    from graphstep.checking.classroom import MAX_FILES
    from graphstep.cli.common import check_options
    from graphstep.errors import InputError, Phrase
    from graphstep.files import read_text

    check_options(args)  # --seed: a whole number ≥ 0
    if not 1 <= args.count <= MAX_FILES:  # a class report reads at most MAX_FILES
        raise InputError("option.range", flag="--count", value=args.count,
                         what=Phrase("option.between", {"low": 1, "high": MAX_FILES}))
    files = make_class(read_text(args.exercise), args.count, args.seed)
    out = Path(args.folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (out / f"{name}.txt").write_text(text, encoding="utf-8")
    except OSError as error:
        raise GraphstepError("error.cannot_write", path=str(out), reason=error.strerror or error) from None


if __name__ == "__main__":
    raise SystemExit(main())
