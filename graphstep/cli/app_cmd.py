"""``graphstep [SOURCE [NAME=VALUE ...]] [--lang en|es]``: the terminal step debugger (the default command).

Without SOURCE it opens a gallery of the shipped examples and a prompt to type a formula. A formula that
does not parse, or a bad NAME=VALUE, is reported before the app starts (exit code 2).
"""

from __future__ import annotations

import argparse

from graphstep.cli.common import add_lang_argument, add_limit_arguments, parse_values, read_source, source_file
from graphstep.i18n import detect_lang
from graphstep.limits import limits
from graphstep.theme import DEFAULT_APP_THEME, THEMES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="SOURCE", nargs="?",
                        help="help.app_source")
    parser.add_argument("values", metavar="NAME=VALUE", nargs="*", help="help.values")
    parser.add_argument("--precision", type=int, default=2, metavar="N", help="help.precision")
    parser.add_argument("--theme", choices=tuple(THEMES), default=DEFAULT_APP_THEME,
                        help="help.app_theme")
    add_limit_arguments(parser)
    add_lang_argument(parser)


def run(args: argparse.Namespace) -> int:
    lang = detect_lang(args.lang)
    session = None
    with limits(source_file(args.source) if args.source is not None else None):
        if args.source is not None:
            from graphstep.app.session import Session

            session = Session(read_source(args.source), parse_values(args.values), precision=max(0, args.precision))
        from graphstep.app import GraphstepApp

        GraphstepApp(session, lang=lang, theme=args.theme).run()
    return 0
