"""``graphstep export SOURCE [NAME=VALUE ...] -o OUT``: the circuit for a slide, with the computed numbers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graphstep.cli.common import add_lang_argument, add_source_arguments, load
from graphstep.errors import GraphstepError
from graphstep.export import FORMATS, DrawOptions, export
from graphstep.export.options import RANKDIRS, SHOWS
from graphstep.helptext import key
from graphstep.i18n import detect_lang, t
from graphstep.theme import THEMES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_source_arguments(parser)
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help=key("help.export_output", formats=" ".join(FORMATS)))
    parser.add_argument("--rankdir", choices=RANKDIRS, default="LR",
                        help="help.export_rankdir")
    parser.add_argument("--precision", type=int, default=2, metavar="N", help="help.precision")
    parser.add_argument("--show", choices=SHOWS, default="both",
                        help="help.export_show")
    parser.add_argument("--theme", choices=tuple(THEMES), default="light", help="help.export_theme")
    parser.add_argument("--expand", action="store_true",
                        help="help.export_expand")
    parser.add_argument("--step", type=int, default=None, metavar="K",
                        help="help.export_step")
    parser.add_argument("--frames", action="store_true",
                        help="help.export_frames")
    parser.add_argument("--fit", choices=("16:9", "4:3"), default=None,
                        help="help.export_fit")
    parser.add_argument("--rows", type=int, default=1, metavar="N", help="help.export_rows")
    parser.add_argument("--fontsize", type=float, default=None, metavar="PT",
                        help="help.export_fontsize")
    parser.add_argument("--scale", type=float, default=1.0, metavar="F",
                        help="help.export_scale")
    parser.add_argument("--dpi", type=int, default=144, metavar="N", help="help.export_dpi")
    parser.add_argument("--transparent", action="store_true",
                        help="help.export_transparent")
    parser.add_argument("--caption", action=argparse.BooleanOptionalAction, default=None,
                        help="help.export_caption")
    timing = parser.add_mutually_exclusive_group()
    timing.add_argument("--fps", type=float, default=None, metavar="N",
                        help="help.export_fps")
    timing.add_argument("--delay", type=int, default=None, metavar="MS",
                        help="help.export_delay")
    parser.add_argument("--builtin", action="store_true",
                        help="help.export_builtin")
    add_lang_argument(parser)


FIT_FONTSIZE = 18
"""With --fit, text a little larger than the gates around it: on a slide, the numbers are what is read."""


def run(args: argparse.Namespace) -> int:
    options = DrawOptions(rankdir=args.rankdir, precision=args.precision, show=args.show, theme=args.theme,
                          fontsize=args.fontsize or (FIT_FONTSIZE if args.fit else 14), transparent=args.transparent,
                          rows=args.rows)
    graph, values = load(args.source, args.values)
    if args.expand:
        graph = graph.expand()
    trace = graph.run(**values)
    delay = args.delay
    if args.fps is not None:
        if not 0.02 <= args.fps <= 50:
            raise GraphstepError("error.fps", fps=f"{args.fps:g}")
        delay = round(1000 / args.fps)
    written = export(trace, Path(args.output), options, step=args.step, frames=args.frames, builtin=args.builtin,
                     lang=detect_lang(args.lang), note=lambda text: print(text, file=sys.stderr),
                     caption=args.caption, delay_ms=delay, fit=args.fit, scale=args.scale, dpi=args.dpi, cli=True)
    lang = detect_lang(args.lang)
    if len(written) == 1:
        print(t("cli.wrote", lang, path=written[0]))
    elif not written[-1].name.endswith("-frames.tex"):
        print(t("cli.wrote_frames", lang, count=len(written), first=written[0], last=written[-1]))
    else:
        print(t("cli.wrote_overlay", lang, count=len(written) - 1, first=written[0], last=written[-2],
                overlay=written[-1]))
    return 0
