"""The teacher's program is the one graded against: a student's copy of the exercise only supplies answers.

A student may hand in their whole copy of the exercise (program and ``?`` answers). Their program is
compared with the teacher's: a changed input value (``x = 0`` for ``x = 5``) or a changed formula is
reported, and with ``strict`` refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphstep.checking.answers import parse_answers, split_program
from graphstep.errors import SourceError
from graphstep.graph import Graph
from graphstep.parser import parse


@dataclass(frozen=True)
class Difference:
    """Where a student's program first differs from the teacher's: the student's line, and what differs."""

    line: int
    name: str | None
    """The input whose value differs, or None when a formula differs."""
    theirs: str
    ours: str


def is_student_copy(text: str) -> bool:
    """A whole copy of the exercise (formulas and ``?`` answers), not an answers-only file."""
    program, answer_lines = split_program(text)
    if not answer_lines or not _meaningful(program):
        return False
    try:
        parse_answers(text, "answers", require_mark=False)
    except SourceError:
        return True  # some line is not an answer: a formula
    return False


def difference(teacher: Graph, teacher_program: str, student_program: str) -> Difference | None:
    """The first difference between the two programs, or None when the student's computes the same graph."""
    try:
        student = parse(student_program)
    except SourceError as error:
        return Difference(error.line, None, _line(student_program, error.line), "")
    if _shape(student) == _shape(teacher):
        return None
    ours_inputs = {n.name: n.const for n in teacher.nodes if n.op == "input"}
    for node in student.nodes:
        if node.op == "input" and node.name and node.name in ours_inputs and ours_inputs[node.name] != node.const:
            line = _assignment_line(student_program, node.name)
            return Difference(line, node.name, _number(node.const), _number(ours_inputs[node.name]))
    ours_lines, theirs_lines = _statements(teacher_program), _statements(student_program)
    for (line, theirs), (_, ours) in zip(theirs_lines, ours_lines):
        if theirs != ours:
            return Difference(line, None, theirs, ours)
    if len(theirs_lines) > len(ours_lines):
        line, theirs = theirs_lines[len(ours_lines)]
        return Difference(line, None, theirs, "")
    last = theirs_lines[-1][0] if theirs_lines else 1
    return Difference(last, None, "", ours_lines[len(theirs_lines)][1] if len(ours_lines) > len(theirs_lines) else "")


def _shape(graph: Graph) -> tuple[object, ...]:
    return (*((n.op, n.inputs, n.name, repr(n.const)) for n in graph.nodes), graph.output)


def _meaningful(program: str) -> bool:
    return any(line.split("#", 1)[0].strip() for line in program.splitlines())


def _statements(program: str) -> list[tuple[int, str]]:
    """(line number, statement without comments and spaces) for every non-blank line."""
    found = []
    for number, line in enumerate(program.splitlines(), start=1):
        text = " ".join(line.split("#", 1)[0].split())
        if text:
            found.append((number, text))
    return found


def _assignment_line(program: str, name: str) -> int:
    pattern = re.compile(rf"^\s*{re.escape(name)}\s*=")
    for number, line in enumerate(program.splitlines(), start=1):
        if pattern.match(line):
            return number
    return 1


def _line(program: str, number: int) -> str:
    lines = program.splitlines()
    return " ".join(lines[number - 1].split()) if 0 < number <= len(lines) else ""


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
