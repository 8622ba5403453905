"""``graphstep check EXERCISE [ANSWERS]``: judge a hand-worked exercise, say what is wrong and why.

Exit codes: 0 every answer is right (or consistent, rounded early), 1 otherwise, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from graphstep.checking import check
from graphstep.cli.common import add_lang_argument, add_limit_arguments
from graphstep.errors import GraphstepError
from graphstep.i18n import detect_lang
from graphstep.limits import TooManyElements, limits


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("exercise", metavar="EXERCISE",
                        help="help.check_exercise")
    parser.add_argument("answers", metavar="ANSWERS", nargs="?",
                        help="help.check_answers")
    parser.add_argument("--tolerance", type=float, default=None, metavar="X",
                        help="help.check_tolerance")
    parser.add_argument("--decimals", type=int, default=None, metavar="N",
                        help="help.check_decimals")
    parser.add_argument("--strict", action="store_true",
                        help="help.check_strict")
    parser.add_argument("--class", dest="whole_class", action="store_true",
                        help="help.check_class")
    parser.add_argument("--csv", nargs="?", const="-", default=None, metavar="FILE",
                        help="help.check_csv")
    parser.add_argument("-o", "--output", default=None, metavar="FILE",
                        help="help.check_output")
    parser.add_argument("--json", action="store_true", help="help.check_json")
    add_limit_arguments(parser, elements=False)
    add_lang_argument(parser)


def read(path: str) -> str:
    from graphstep.files import read_text

    return read_text(path)  # regular files only, UTF-8 (a BOM from a Windows editor is not code), size-capped


def run(args: argparse.Namespace) -> int:
    lang = detect_lang(args.lang)
    if args.whole_class:
        from graphstep.cli.class_cmd import run_class

        return run_class(args, read(args.exercise), lang)
    for option, given in (("--csv", args.csv), ("-o", args.output)):
        if given is not None:
            raise GraphstepError("class.needs_class", option=option)
    if args.answers and Path(args.answers).is_dir():
        raise GraphstepError("class.needs_class", option=args.answers)
    exercise = read(args.exercise)
    answers = read(args.answers) if args.answers else None
    name = Path(args.exercise).name
    # load("…") in the exercise reads from the exercise's folder; check works on numbers, so any array is
    # refused as soon as it is written, before it is made (a student's randn(2000, 2000) chain costs nothing).
    with limits(args.exercise, max_elements=1):
        try:
            report = check(exercise, answers, args.tolerance, name=name,
                           answers_name=Path(args.answers).name if args.answers else "answers",
                           decimals=args.decimals, strict=args.strict)
        except TooManyElements:
            raise GraphstepError("limit.check_arrays") from None
    if not report.verdicts:
        raise GraphstepError("check.no_answers", file=args.answers or args.exercise)
    if args.json:
        print(json.dumps(report.to_json(lang), ensure_ascii=False, indent=2))
    else:
        print(report.render(lang, width=min(shutil.get_terminal_size((100, 24)).columns, 110)))
    return report.exit_code
