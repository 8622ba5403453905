"""What every command shares: reading SOURCE (a formula or a .gstep file) and NAME=VALUE inputs."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graphstep.checking.answers import split_program
from graphstep.errors import GraphstepError, InputError, Phrase
from graphstep.graph import Graph
from graphstep.helptext import key
from graphstep.i18n import LANGUAGES
from graphstep.limits import DEFAULT_MAX_ELEMENTS, DEFAULT_MAX_NODES, limits
from graphstep.parser import parse
from graphstep.values import parse_values


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="SOURCE", help="help.source")
    parser.add_argument("values", metavar="NAME=VALUE", nargs="*", help="help.values")
    add_limit_arguments(parser)


def add_limit_arguments(parser: argparse.ArgumentParser, elements: bool = True) -> None:
    """``--allow-path DIR``, ``--max-nodes N`` and ``--max-elements N``: what an untrusted program may read,
    how large its graph may be and how many numbers it may hold."""
    parser.add_argument("--allow-path", action="append", default=[], metavar="DIR",
                        help="help.allow_path")
    parser.add_argument("--max-nodes", type=int, default=None, metavar="N",
                        help=key("help.max_nodes", default=f"{DEFAULT_MAX_NODES:,}"))
    if not elements:
        return
    parser.add_argument("--max-elements", type=int, default=None, metavar="N",
                        help=key("help.max_elements", default=f"{DEFAULT_MAX_ELEMENTS:,}"))


def add_lang_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="help.lang")


MAX_PRECISION = 17  # decimals: float64 holds about 17 significant digits


def check_options(args: argparse.Namespace) -> None:
    """Every command's numeric options in range, each with a one-line message (``--lr nan``, ``--seed -1``,
    ``--precision 1000000000``), before any work starts."""
    options = vars(args)

    def need(name: str, ok: bool, what: str, **fields: Any) -> None:
        if not ok:
            raise InputError("option.range", flag="--" + name.replace("_", "-"), what=Phrase(what, fields),
                             value=options[name])

    def given(name: str) -> bool:
        return options.get(name) is not None and not isinstance(options[name], bool)  # eval's --steps: a switch

    for name in ("precision", "decimals"):
        if given(name):
            need(name, 0 <= options[name] <= MAX_PRECISION, "option.between", low=0, high=MAX_PRECISION)
    if given("lr"):
        need("lr", math.isfinite(options["lr"]) and options["lr"] > 0, "option.positive")
    if given("tolerance"):
        need("tolerance", math.isfinite(options["tolerance"]) and options["tolerance"] >= 0, "option.nonnegative")
    if given("seed"):
        need("seed", 0 <= options["seed"] < 2**63, "option.whole_nonnegative")
    if given("step"):
        step = options["step"]
        if isinstance(step, float):
            need("step", math.isfinite(step) and step > 0, "option.step_size")
        else:
            need("step", step >= 0, "option.whole_nonnegative")
    for name in ("steps", "batch", "max_elements", "max_nodes"):
        if given(name):
            need(name, options[name] >= 1, "option.at_least_one")


def read_source(argument: str) -> str:
    """The program text: the file's content when SOURCE names a file (or ends in .gstep), else SOURCE.

    Files are read as untrusted input (graphstep.files): regular files only, UTF-8, size-capped."""
    from graphstep.files import read_text

    path = source_file(argument)
    if path is not None:
        # A checked exercise's answer lines (`? q = 3`) are blanked, keeping the line numbers.
        return split_program(read_text(path, argument))[0]
    if _looks_like_file(argument):
        raise GraphstepError("error.file_not_found", path=argument)
    return argument


def source_file(argument: str) -> Path | None:
    """The file SOURCE names, or None when SOURCE is a formula (a file of that name wins, as documented;
    a folder or a device is returned only when SOURCE looks like a path, so that reading it is refused)."""
    if "\n" in argument or "\0" in argument:
        return None
    path = Path(argument)
    try:
        if path.is_file() or (path.exists() and (_looks_like_file(argument) or os.sep in argument)):
            return path
    except (OSError, ValueError):  # a formula too long to be a file name
        pass
    return None


def _looks_like_file(argument: str) -> bool:
    return argument.endswith(".gstep") or ("\n" not in argument and Path(argument).suffix in (".txt", ".gs"))


def load(source_argument: str, value_items: Sequence[str]) -> tuple[Graph, dict[str, Any]]:
    """Parse SOURCE and the NAME=VALUE items; multi-letter names given on the command line stay whole."""
    values = parse_values(value_items)
    source = read_source(source_argument)
    with limits(source_file(source_argument)):  # load("data.csv") reads from the program's own folder
        graph = parse(source, names=values)
    return graph, values


def add_dask_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="help.scheduler")
    parser.add_argument("--chunk-rows", type=int, default=None, metavar="N",
                        help="help.chunk_rows")


@contextmanager
def dask_client(args: argparse.Namespace) -> Iterator[None]:
    """For --backend dask: a client of the cluster (--scheduler, else a local one) while the block runs, and
    NAME=@file inputs opened lazily, --chunk-rows rows per chunk. Other backends: the options are refused."""
    if args.chunk_rows is not None and args.chunk_rows < 1:
        raise InputError("error.chunk_rows")
    if args.backend != "dask":
        if args.scheduler or args.chunk_rows:
            raise InputError("error.dask_options")
        yield
        return
    from graphstep.daskio import connect

    client = connect(args.scheduler)
    try:
        with lazy_array_files(args.backend, args.chunk_rows):
            yield
    finally:
        client.close()


@contextmanager
def lazy_array_files(backend: str, rows: int | None = None) -> Iterator[None]:
    """With the dask backend, ``X=@big.npy`` opens the file as a lazy Dask array, ``rows`` rows per chunk
    (read by the workers chunk by chunk) instead of reading it into memory."""
    if backend != "dask":
        yield
        return
    from graphstep import values as value_text
    from graphstep.daskio import open_lazy

    def lazy(name: str, text: str) -> Any:
        try:
            return open_lazy(text[1:], rows)
        except GraphstepError as error:
            raise InputError("error.value_of", name=name, error=error) from None

    saved = value_text.VALUE_READERS["@"]
    value_text.VALUE_READERS["@"] = lazy
    try:
        yield
    finally:
        value_text.VALUE_READERS["@"] = saved
