"""Issue 13 for ``NAME=@file`` inputs on the Dask backend: the rules of every other file read hold there too
(regular files only, .npy headers of real numbers borne out by the file's size, one chunk within
``--max-elements``), and a bad row found only when a worker reads its chunk is one clear line."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from graphstep import limits as limits_module
from graphstep.errors import GraphstepError
from graphstep.limits import TooManyElements, current, limits
from tests.conftest import run_cli

dask = pytest.importorskip("dask")
pytest.importorskip("distributed")


def _open(path: Path | str, rows: int | None = None) -> Any:
    from graphstep.daskio import open_lazy

    return open_lazy(str(path), rows)


def _header(shape: str, descr: str = "<f8") -> bytes:
    text = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}".encode()
    return b"\x93NUMPY\x01\x00" + (len(text) + 1).to_bytes(2, "little") + text + b"\n"


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: np.save(p, np.ones(3, dtype=complex)), "holds complex numbers"),
    (lambda p: np.save(p, np.zeros(3, dtype=[("a", float)])), "does not hold plain numbers"),
    (lambda p: p.write_bytes(_header(f"({10**12},)") + b"\0" * 64), "cut short"),
    (lambda p: p.write_bytes(_header(f"({2**70},)") + b"\0" * 64), "cut short"),
])
def test_npy_headers_are_checked_as_for_every_other_file(tmp_path: Path, make: Any, message: str) -> None:
    path = tmp_path / "x.npy"
    make(path)
    with pytest.raises(GraphstepError, match=message):
        _open(path)


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.npy"
    os.mkfifo(fifo)
    with pytest.raises(GraphstepError, match="not a regular file"):
        _open(fifo)
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(GraphstepError, match="folder"):
        _open(folder)
    with pytest.raises(GraphstepError, match="not a regular file"):
        _open("/dev/zero")


def test_a_chunk_counts_against_max_elements(tmp_path: Path) -> None:
    path = tmp_path / "x.npy"
    np.save(path, np.ones((10, 4)))
    with limits(max_elements=8):
        assert _open(path, rows=2).shape == (10, 4)  # 8 numbers a chunk: the whole file need not fit
        with pytest.raises(TooManyElements, match=r"a chunk of .*x\.npy would hold 12 numbers"):
            _open(path, rows=3)


def test_a_csv_line_longer_than_a_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("1," * 100 + "1\n")
    small = dataclasses.replace(current(), max_table_bytes=50)
    token = limits_module._LIMITS.set(small)
    try:
        with pytest.raises(GraphstepError, match="a line longer than 50 characters"):
            _open(path)
    finally:
        limits_module._LIMITS.reset(token)


@pytest.mark.parametrize("text", ["1,2\n" + "1," * 100 + "1\n3,4\n", "x,y\n1,2\n3,4\n" + "5," * 100 + "6"],
                         ids=["second line", "last line, no newline"])
def test_every_csv_line_is_bounded_not_only_the_first(tmp_path: Path, text: str) -> None:
    """Only the first line was bounded: a 70 MB second line was read whole (438 MB, and f = inf)."""
    path = tmp_path / "long.csv"
    path.write_text(text)
    small = dataclasses.replace(current(), max_table_bytes=50)
    token = limits_module._LIMITS.set(small)
    try:
        with pytest.raises(GraphstepError, match="a line longer than 50 characters") as caught:
            _open(path)
        assert caught.value.key == "file.line_too_long"
        path.write_text("x,y\n" + "1,2\n" * 30)  # many short lines: no line too long, every row counted
        assert _open(path).shape == (30, 2)
    finally:
        limits_module._LIMITS.reset(token)


def test_a_bad_row_found_by_a_worker_is_a_graphstep_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n" + "1,2\n" * 10 + "1,zz\n")
    lazy = _open(path, rows=4)
    with pytest.raises(GraphstepError, match=r"bad\.csv: not every line from 10 to 12 holds numbers"):
        dask.compute(lazy.sum(), scheduler="sync")


@pytest.mark.slow
def test_eval_on_dask_with_a_bad_row_ends_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("x\n" + "1\n" * 10 + "zz\n")
    result = run_cli("eval", "sum(x * 2)", f"x=@{path}", "--backend", "dask", "--chunk-rows", "4")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert lines == [f"error: {path}: not every line from 10 to 12 holds numbers"], result.stderr
