"""Batches bigger than memory: Dask arrays chunked along the batch axis, read lazily from .npy and .csv files,
computed on a dask.distributed cluster, and gradients written back to .npy files chunk by chunk.

The engine does not know about Dask: a Dask array is one more array API namespace (graphstep.backend), so
forward and backward build a lazy task graph; a weight's gradient is a sum over the batch, which Dask
reduces chunk by chunk and then across chunks. Nothing runs until :func:`compute` asks for many results at
once (summaries of every node, the weights' gradients, the files to write), so shared work is done once.
Imported only for the dask backend.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy

from graphstep.errors import GraphstepError, Phrase
from graphstep.files import regular_file
from graphstep.limits import LimitError, check_count, current, shape_size

CHUNK_BYTES = 64 << 20
"""Default chunk size: rows of the batch per chunk so one chunk of one input is about 64 MiB."""


def as_dask(value: Any, dtype: Any, rows: int | None = None) -> Any:
    """A value as a Dask array of ``dtype``; a batch (an array of one or more axes) is chunked along its
    first axis, ``rows`` rows per chunk (default: about 64 MiB per chunk), the other axes whole."""
    import dask.array as da

    if isinstance(value, da.Array):
        return value if value.dtype == dtype else value.astype(dtype)
    array = numpy.asarray(value, dtype=dtype)
    return da.from_array(array, chunks=_chunks(array.shape, array.dtype, rows))


def _chunks(shape: tuple[int, ...], dtype: Any, rows: int | None) -> tuple[int, ...]:
    if not shape:
        return ()
    row_bytes = max(1, int(numpy.prod(shape[1:], dtype=numpy.int64)) * numpy.dtype(dtype).itemsize)
    per_chunk = rows if rows is not None else max(1, CHUNK_BYTES // row_bytes)
    return (min(max(1, shape[0]), per_chunk), *shape[1:])


class NpyFile:
    """A .npy file read slice by slice (a memory map opened per read): what a Dask chunk task reads. It
    pickles as its path alone, so a worker process on the same machine or a shared disk opens the file."""

    def __init__(self, path: Path, shown: str) -> None:
        from graphstep.tensors import npy_header

        self.path = str(path)
        # The header is checked as for any .npy (real numbers only), and the file must hold what it promises.
        self.shape, self.dtype, offset = npy_header(path, shown)
        self.ndim = len(self.shape)
        if regular_file(path, shown) < offset + shape_size(self.shape) * self.dtype.itemsize:
            raise GraphstepError("file.npy_short", path=shown)

    def __getitem__(self, key: Any) -> numpy.ndarray:
        return numpy.array(numpy.load(self.path, mmap_mode="r", allow_pickle=False)[key])


class CsvFile:
    """A .csv/.txt table of numbers read by row ranges (a header line of names is skipped)."""

    def __init__(self, path: Path, shown: str) -> None:
        self.path, self.shown = str(path), shown
        self.shape: tuple[int, ...]
        self.delimiter = "," if path.suffix == ".csv" else None
        longest = current().max_table_bytes  # one line at most the size of a whole table read into memory
        with open(self.path, encoding="utf-8") as lines:
            first = _line(lines, longest, shown)
            self.skip = 0 if _numbers(first, self.delimiter) else 1
            rows = 1 - self.skip if first.strip() else 0
            while line := _line(lines, longest, shown):  # every line bounded, not only the first
                rows += 1 if line.strip() else 0
        sample = numpy.loadtxt(self.path, delimiter=self.delimiter, skiprows=self.skip, max_rows=1, ndmin=1)
        self.dtype = numpy.dtype(float)
        self.shape = (rows,) if sample.size == 1 else (rows, sample.size)
        self.ndim: Any = len(self.shape)

    def __getitem__(self, key: Any) -> numpy.ndarray:
        key = key if isinstance(key, tuple) else (key,)
        start, stop, _ = key[0].indices(self.shape[0])
        if stop <= start:
            return numpy.zeros((0, *self.shape[1:]))[key[1:]]
        try:  # run by a Dask worker when the chunk is computed: a bad row further down is found only now
            block = numpy.loadtxt(self.path, delimiter=self.delimiter, skiprows=self.skip + start,
                                  max_rows=stop - start, ndmin=self.ndim)
        except (ValueError, OSError, UnicodeDecodeError):  # numpy's row number counts from the chunk: not shown
            first = self.skip + start + 1
            raise GraphstepError("file.bad_lines", path=self.shown, first=first, last=self.skip + stop) from None
        return numpy.asarray(block, dtype=float)[(slice(None), *key[1:])]


def _line(lines: Any, longest: int, shown: str) -> str:
    """The next line of an open text file ("" at its end), read no further than ``longest`` characters."""
    line: str = lines.readline(longest + 1)
    if len(line) > longest:
        raise LimitError("file.line_too_long", path=shown, limit=f"{longest:,}")
    return line


def _numbers(line: str, delimiter: str | None) -> bool:
    try:
        [float(cell) for cell in line.split(delimiter) if cell.strip()]
    except ValueError:
        return False
    return True


def open_array(path: Path, rows: int | None = None, shown: str | None = None) -> Any:
    """A .npy or .csv file as a lazy Dask array chunked along its rows; nothing is read until computed.

    The rules of every file graphstep reads hold (graphstep.files): a regular file only, a ``.npy`` header
    of real numbers that the file's size bears out; and one chunk (what a worker holds) counts against
    ``--max-elements``, the whole file not (it may be larger than memory: that is what Dask is for)."""
    import dask.array as da

    shown = str(path) if shown is None else shown
    regular_file(path, shown)
    try:
        source = NpyFile(path, shown) if path.suffix == ".npy" else CsvFile(path, shown)
    except (ValueError, OSError, EOFError, UnicodeDecodeError) as error:
        raise GraphstepError("file.not_an_array", path=shown, reason=error) from None
    chunks = _chunks(source.shape, source.dtype, rows)
    check_count(shape_size(chunks), Phrase("limit.chunk", {"path": shown}))
    stamp = os.stat(path).st_mtime_ns
    return da.from_array(source, chunks=chunks,
                         name=f"graphstep-file-{abs(hash((str(path.resolve()), stamp, rows)))}", lock=False,
                         asarray=True, meta=numpy.empty((0,) * source.ndim, dtype=source.dtype))


def open_lazy(text: str, rows: int | None = None) -> Any:
    """``NAME=@file`` for the dask backend: a .npy/.csv/.txt file named directly is opened lazily; anything
    else (a data file of the examples, found the way ``load`` finds it) is read and then chunked."""
    path = Path(text).expanduser()
    if path.suffix in (".npy", ".csv", ".txt") and path.exists():  # a folder or FIFO: refused by open_array
        return open_array(path, rows, text)
    from graphstep.tensors import load_array

    return as_dask(load_array(text, confined=False), numpy.dtype(float), rows)  # the command line's own file


# --- the cluster ------------------------------------------------------------------------------------------------


def connect(address: str | None) -> Any:
    """A dask.distributed client: to the scheduler at ``address`` (``tcp://host:8786``), or to a cluster
    started on this machine (one worker process, a thread per core) when no address is given."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise GraphstepError("error.needs_distributed") from None
    if address:
        try:
            return Client(address, timeout="5s")
        except (OSError, TimeoutError) as error:
            raise GraphstepError("error.scheduler_unreachable", address=address, reason=error) from None
        except ValueError as error:
            raise GraphstepError("error.scheduler_address", address=address, reason=error) from None
    # silence_logs: a task's error (a bad row of a file) is told once, by the command, not logged as well
    cluster = LocalCluster(n_workers=1, threads_per_worker=os.cpu_count() or 1, processes=False,
                           dashboard_address=None, silence_logs=logging.CRITICAL)
    return Client(cluster)


def compute(*values: Any) -> list[Any]:
    """Every lazy value computed in one pass (shared work done once), each as numpy; others pass through."""
    import dask

    lazy = [i for i, v in enumerate(values) if type(v).__module__.startswith("dask.")]
    done = list(values)
    with quiet_numpy():
        computed = dask.compute(*(values[i] for i in lazy))
    for i, result in zip(lazy, computed):
        done[i] = result
    return done


@contextmanager
def quiet_numpy() -> Iterator[None]:
    """numpy's floating-point warnings (log of 0, 1/0, overflow) silenced while Dask computes: the trace's
    steps already say so in words. numpy's errstate is a context variable, which Dask's worker threads (an
    in-process cluster's workers; older Dask's local pool too) do not inherit, so their warnings are filtered
    as well (Python's warning filters are the whole process's)."""
    with numpy.errstate(all="ignore"), warnings.catch_warnings():
        warnings.filterwarnings("ignore", NUMPY_FLOATING, RuntimeWarning)
        yield


NUMPY_FLOATING = r"(divide by zero|overflow|underflow|invalid value) encountered in "
"""The start of numpy's floating-point warnings (numpy.errstate's divide, over, under and invalid)."""


# --- writing arrays chunk by chunk -----------------------------------------------------------------------


def write_npy(value: Any, path: Path) -> Any:
    """Write an array to ``path`` (.npy). A Dask array is written chunk by chunk by the workers, each into
    its own rows of one memory-mapped file: the returned tasks do it when computed (with everything else)."""
    if not type(value).__module__.startswith("dask."):
        numpy.save(path, numpy.asarray(value))
        return None
    from dask import delayed

    header = numpy.lib.format.open_memmap(path, mode="w+", dtype=value.dtype, shape=value.shape)
    del header  # the file exists at its full size; each chunk task fills its part
    offsets = [numpy.cumsum((0, *c[:-1])) for c in value.chunks]
    tasks = []
    for index, block in numpy.ndenumerate(value.to_delayed(optimize_graph=False)):
        start = tuple(int(offsets[axis][i]) for axis, i in enumerate(index))
        tasks.append(delayed(_write_block)(str(path), block, start))
    return tasks


def _write_block(path: str, block: numpy.ndarray, start: Sequence[int]) -> int:
    target = numpy.load(path, mmap_mode="r+")
    target[tuple(slice(s, s + n) for s, n in zip(start, block.shape))] = block
    target.flush()
    return int(block.size)
