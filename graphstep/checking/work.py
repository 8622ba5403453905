"""The checker's work budget: how much recomputation judging one file's answers may take.

Judging is cheap on a lecture's exercise (tens of nodes, tens of answers), but the diagnosis works the
exercise again many times over (once per suspected mistake, from the student's own numbers), so its time
grows with nodes × answers × mistakes tried. Every walk over the graph charges the nodes it visits here;
past :data:`CHECK_WORK` the diagnosis of the remaining answers is skipped (they are judged right or wrong
from the exact numbers, with "not diagnosed: too large"), and an exact number that cannot be computed
within the budget refuses the file with one message. The count is of nodes visited, not of seconds: the
same file gets the same report on a busy machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

CHECK_WORK = 500_000
"""Nodes visited by one check's recomputations (about a second; a few on a loaded machine): the shipped
exercises, all answers wrong, take under 1,000 of it; a file of thousands of nodes still gets its verdicts."""
MAX_ANSWERS = 1_000
"""Answer lines one check judges (an exercise has tens)."""
CLASS_WORK = 50_000_000
"""Nodes visited by the checks of a whole class (``check --class``) together: each submission gets the same
share, at most :data:`CHECK_WORK` (100 submissions or fewer: all of it; 2,000: 25,000 each, still 25 times
what a shipped exercise takes), so a class of hostile files costs at most this much recomputation."""
CLASS_ANSWERS = 200_000
"""Answer lines judged for a whole class together, in the same way: each submission may have its share, at
most :data:`MAX_ANSWERS` and never fewer than the exercise asks for (2,000 submissions: 100 each)."""


class OutOfWork(Exception):
    """The budget is spent (caught by the checker; never seen by a user)."""


class Meter:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def charge(self, count: int) -> None:
        self.used += count
        if self.used > self.limit:
            raise OutOfWork

    @property
    def spent(self) -> bool:
        return self.used > self.limit


_METER: ContextVar[Meter | None] = ContextVar("graphstep_check_work", default=None)
_LIMIT: ContextVar[int] = ContextVar("graphstep_check_limit", default=CHECK_WORK)
_ANSWERS: ContextVar[int] = ContextVar("graphstep_check_answers", default=MAX_ANSWERS)


def limit() -> int:
    """The budget of one check here: :data:`CHECK_WORK`, or a submission's share inside :func:`shared`."""
    return _LIMIT.get()


def answer_limit() -> int:
    """The answer lines one check judges here: :data:`MAX_ANSWERS`, or a submission's share inside
    :func:`shared`."""
    return _ANSWERS.get()


@contextmanager
def shared(submissions: int, asked: int = 0) -> Iterator[int]:
    """Inside: each check's budget is its share of :data:`CLASS_WORK` among ``submissions``, and its answer
    lines its share of :data:`CLASS_ANSWERS` (at least the ``asked`` lines of the exercise)."""
    count = max(1, submissions)
    token = _LIMIT.set(min(CHECK_WORK, CLASS_WORK // count))
    answers = _ANSWERS.set(max(asked, min(MAX_ANSWERS, CLASS_ANSWERS // count)))
    try:
        yield _LIMIT.get()
    finally:
        _ANSWERS.reset(answers)
        _LIMIT.reset(token)


def charge(count: int) -> None:
    """Count ``count`` nodes visited against the check in progress (nothing outside a check)."""
    meter = _METER.get()
    if meter is not None:
        meter.charge(count)


@contextmanager
def metered(budget: int | None = None) -> Iterator[Meter]:
    meter = Meter(limit() if budget is None else budget)
    token = _METER.set(meter)
    try:
        yield meter
    finally:
        _METER.reset(token)
