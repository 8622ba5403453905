"""Fuzzing (issue 13): whatever a student's file holds, parse → run → steps → check ends in a result or a
GraphstepError, never another exception, a raw warning, or a long run. Derandomized under CI (conftest);
benchmarks/fuzz.py runs the same harness for millions of inputs."""

from __future__ import annotations

import random
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import fuzz  # benchmarks/fuzz.py: the harness and the language's alphabet

EXAMPLES = fuzz.example_texts()
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

atoms = st.sampled_from(fuzz.ATOMS)
programs = st.lists(atoms, max_size=40).map("".join)
characters = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
answer = st.builds(lambda t, n: f"? {t} = {n}\n", st.sampled_from(fuzz.ANSWER_TARGETS),
                   st.sampled_from(fuzz.ANSWER_NUMBERS))
mutated = st.builds(lambda i, seed: fuzz.mutate(EXAMPLES[i % len(EXAMPLES)], random.Random(seed)),
                    st.integers(0, 10**6), st.integers(0, 2**32))


def _exercise(text: str) -> None:
    start = time.perf_counter()
    fuzz.exercise(text)
    assert time.perf_counter() - start < 10  # 2 s alone; CI machines are slower and shared


@FUZZ
@given(programs, st.lists(answer, max_size=4).map("".join))
def test_programs_from_the_whole_alphabet(program: str, answers: str) -> None:
    _exercise(program + "\n" + answers)


@FUZZ
@given(characters)
def test_any_characters(text: str) -> None:
    _exercise(text)


@FUZZ
@given(mutated, st.lists(answer, max_size=3).map("".join))
def test_mutated_examples_with_answers(program: str, answers: str) -> None:
    _exercise(program + "\n" + answers)


def test_the_harness_finds_non_graphstep_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fuzz test can fail: an exception that is not a GraphstepError comes out of the harness."""

    def broken(text: str) -> None:
        raise TypeError("boom")

    monkeypatch.setattr("graphstep.parse", broken)
    with pytest.raises(TypeError):
        fuzz.exercise("x")
