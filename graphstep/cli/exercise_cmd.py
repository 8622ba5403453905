"""``graphstep exercise new TEMPLATE [--seed N] [--solution] [-o FILE]``, ``graphstep exercise list`` and
``graphstep exercise handout EXERCISE -o FILE [--planted KIND]``."""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from graphstep.checking.exercises import TEMPLATES, make_exercise
from graphstep.cli.common import add_lang_argument
from graphstep.errors import GraphstepError, Phrase
from graphstep.helptext import key
from graphstep.i18n import detect_lang, t


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    new = actions.add_parser("new", help="help.exercise_new",
                             description="help.exercise_new_description")
    new.add_argument("template", metavar="TEMPLATE", help=key("help.exercise_template", templates=", ".join(TEMPLATES)))
    new.add_argument("--seed", type=int, default=None, metavar="N",
                     help="help.exercise_seed")
    new.add_argument("--solution", action="store_true", help="help.exercise_solution")
    new.add_argument("-o", "--output", metavar="FILE", default=None, help="help.exercise_output")
    add_lang_argument(new)
    hand = actions.add_parser("handout", help="help.exercise_handout",
                              description="help.exercise_handout_description")
    hand.add_argument("exercise", metavar="EXERCISE", help="help.handout_exercise")
    hand.add_argument("-o", "--output", metavar="FILE", required=True, help="help.handout_output")
    hand.add_argument("--planted", metavar="KIND", default=None,
                      help="help.handout_planted")
    hand.add_argument("--seed", type=int, default=0, metavar="N",
                      help="help.handout_seed")
    add_lang_argument(hand)
    listing = actions.add_parser("list", help="help.exercise_list")
    add_lang_argument(listing)


def run(args: argparse.Namespace) -> int:
    lang = detect_lang(args.lang)
    if args.action == "list":
        for name in TEMPLATES:
            print(f"{name:<10} {t('exercise.title_' + name, lang)}")
        return 0
    if args.action == "handout":
        return write_handout(args, lang)
    if args.template not in TEMPLATES:
        raise GraphstepError("error.unknown_template", template=args.template, choices=", ".join(TEMPLATES))
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10_000)
    file_name = args.output or f"{args.template}-{seed}.gstep"
    text = make_exercise(args.template, seed, solution=args.solution, lang=lang, file_name=file_name)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as error:
        raise GraphstepError("error.cannot_write", path=args.output, reason=error.strerror) from None
    print(t("cli.wrote", lang, path=args.output), file=sys.stderr)
    return 0


def write_handout(args: argparse.Namespace, lang: str) -> int:
    from graphstep.checking.handout import compile_pdf, handout
    from graphstep.cli.check_cmd import read
    from graphstep.export.atomic import write_all

    out = Path(args.output)
    if out.suffix.lower() not in (".tex", ".pdf"):
        raise GraphstepError("handout.format", suffix=out.suffix or Phrase("error.no_suffix"))
    tex = handout(read(args.exercise), Path(args.exercise).name, lang, args.planted, args.seed)
    write_all({out: compile_pdf(tex) if out.suffix.lower() == ".pdf" else tex.encode()})
    print(t("cli.wrote", lang, path=args.output), file=sys.stderr)
    return 0
