"""``graphstep train FILE --lr 0.1 --steps 2000 [--batch 32] [--seed N] [--plot loss.png]``: gradient descent."""

from __future__ import annotations

import argparse
import math
import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from graphstep.backend import BACKENDS, DTYPES
from graphstep.cli.common import add_dask_arguments, add_lang_argument, add_source_arguments, dask_client, load
from graphstep.errors import InputError
from graphstep.i18n import detect_lang, t
from graphstep.numbers import fmt
from graphstep.training import TrainResult, train

BAR_WIDTH = 30
REPORTS = 10  # loss lines printed during a run

def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_arguments(parser)
    parser.add_argument("--lr", type=float, default=0.1, help="help.train_lr")
    parser.add_argument("--steps", type=int, default=1000, help="help.train_steps")
    parser.add_argument("--batch", type=int, default=None, metavar="M",
                        help="help.train_batch")
    parser.add_argument("--seed", type=int, default=0, help="help.train_seed")
    parser.add_argument("--params", default=None, metavar="NAMES",
                        help="help.train_params")
    parser.add_argument("--plot", default=None, metavar="FILE.png", help="help.train_plot")
    parser.add_argument("--no-curve", action="store_true", help="help.train_no_curve")
    parser.add_argument("--backend", choices=BACKENDS, default="numpy", help="help.backend")
    parser.add_argument("--dtype", choices=DTYPES, default="float64", help="help.dtype")
    add_dask_arguments(parser)
    add_lang_argument(parser)


def run(args: argparse.Namespace) -> int:
    if args.steps < 1:
        raise InputError("error.steps_at_least_one")
    if args.batch is not None and args.batch < 1:
        raise InputError("error.batch_at_least_one")
    if args.plot is not None and not args.plot.lower().endswith(".png"):
        raise InputError("error.plot_png", path=args.plot)
    lang = detect_lang(args.lang)
    params = [p.strip() for p in args.params.split(",") if p.strip()] if args.params else None
    bar = _Progress(args.steps, lang)
    with dask_client(args):  # a Dask batch: NAME=@file stays on disk, mini-batches are drawn from its chunks
        graph, values = load(args.source, args.values)
        result = train(graph, lr=args.lr, steps=args.steps, batch=args.batch, seed=args.seed, backend=args.backend,
                       dtype=args.dtype, values=values, params=params, progress=bar)
    bar.close()
    if not args.no_curve:
        from graphstep.lossplot import terminal_plot

        print()
        print(terminal_plot(result.losses, lang=lang))
    print(summary(result, args.lr, lang))
    if args.plot:
        from graphstep.lossplot import save_png

        save_png(result.losses, args.plot, lang=lang)
        print(t("train.saved", lang, path=args.plot))
    return 0


class _Progress:
    """The loss every steps/10 steps on stdout, and a live bar (rich.progress) on stderr when it is a terminal."""

    def __init__(self, steps: int, lang: str, console: Console | None = None) -> None:
        self.steps = steps
        self.lang = lang
        self.every = max(1, steps // REPORTS)
        self.bar: Progress | None = None
        console = console or Console(stderr=True)
        if console.is_terminal:
            self.bar = Progress(BarColumn(bar_width=BAR_WIDTH), MofNCompleteColumn(),
                                TextColumn(t("train.bar_loss", lang) + " {task.fields[loss]}"), TimeElapsedColumn(),
                                console=console, transient=True, redirect_stdout=sys.stdout.isatty(),
                                redirect_stderr=False)
            self.task = self.bar.add_task("train", total=steps, loss="")
            self.bar.start()

    def __call__(self, step: int, loss: float) -> None:
        if step == 1 or step % self.every == 0 or step == self.steps:
            print(t("train.step", self.lang, step=f"{step:>{len(str(self.steps))}}", steps=self.steps,
                     loss=fmt(loss, 4)), flush=True)
        if self.bar is not None:
            self.bar.update(self.task, completed=step, loss=fmt(loss, 4))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def summary(result: TrainResult, lr: float, lang: str = "en") -> str:
    lines = [t("train.final", lang, final=fmt(result.final_loss, 4), first=fmt(result.losses[0], 4),
                lr=f"{lr:g}", steps=len(result.losses))]
    if not math.isfinite(result.final_loss):
        lines.append(t("train.diverged", lang))
    if result.accuracy is not None:
        lines.append(t("train.accuracy", lang, share=_share(result.correct, result.samples), right=result.correct,
                        total=result.samples))
    for name, value in result.params.items():
        lines.append(f"{name} = {_matrix(value, len(name) + 3)}")
    return "\n".join(lines)


def _share(right: int, total: int) -> str:
    """A percentage that never rounds up to 100% (199/200 is 99.5%, not 100%)."""
    if right == total:
        return "100%"
    tenths = right * 1000 // total
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths / 10:.1f}%"


def _matrix(value: object, indent: int) -> str:
    """A small trained matrix in full (it is what the lecture writes down), a large one summarised."""
    import numpy

    array = numpy.asarray(value)
    if array.ndim == 0 or array.size > 24:
        return fmt(value, 3)
    if array.ndim == 1:
        return "[" + ", ".join(fmt(v, 3) for v in array) + "]"
    rows = ["[" + ", ".join(fmt(v, 3) for v in row) + "]" for row in array.reshape(array.shape[0], -1)]
    return "[" + (",\n" + " " * (indent + 1)).join(rows) + "]"
