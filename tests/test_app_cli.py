"""The default command's arguments reach the app (the app itself is not started here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import graphstep
from graphstep.app import GraphstepApp
from graphstep.cli import main

NEURON = str(Path(graphstep.__file__).parent / "examples" / "neuron.gstep")


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[GraphstepApp]:
    apps: list[GraphstepApp] = []

    def fake_run(self: GraphstepApp, *args: Any, **kwargs: Any) -> None:
        apps.append(self)

    monkeypatch.setattr(GraphstepApp, "run", fake_run)
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(variable, raising=False)
    return apps


def test_source_values_and_lang(started: list[GraphstepApp]) -> None:
    assert main([NEURON, "w2=-4", "--lang", "es", "--precision", "3"]) == 0
    app = started[0]
    assert app.lang == "es" and app.session is not None
    assert app.session.precision == 3
    assert app.session.trace.values[app.session.graph.names["w2"]] == -4


def test_spanish_from_the_environment(started: list[GraphstepApp], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    assert main(["f = xy", "x=4", "y=-3"]) == 0
    assert started[0].lang == "es"
    assert started[0].session is not None and started[0].session.trace.value == -12


def test_no_source_opens_the_gallery(started: list[GraphstepApp]) -> None:
    assert main([]) == 0
    assert started[0].session is None and started[0].lang == "en"


def test_errors_exit_2_without_starting(started: list[GraphstepApp], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["f = xy", "x=4"]) == 2  # y has no value
    assert main(["missing.gstep"]) == 2
    assert main([NEURON, "nope=1"]) == 2
    assert main(["f = (x +", "x=1"]) == 2
    err = capsys.readouterr().err
    assert "missing value for input 'y'" in err and "file not found" in err and "nope" in err
    assert "line 1, column" in err and "^" in err
    assert "Traceback" not in err and not started
