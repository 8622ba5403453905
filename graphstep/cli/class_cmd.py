"""``graphstep check EXERCISE FOLDER --class``: grade a whole class, print the class report, write the
gradebook CSV, the JSON, and the class heatmap of the circuit."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from graphstep.checking.classroom import grade_class
from graphstep.errors import GraphstepError
from graphstep.i18n import t


def run_class(args: argparse.Namespace, exercise: str, lang: str) -> int:
    if not args.answers:
        raise GraphstepError("class.not_a_folder", path="ANSWERS")
    report = grade_class(exercise, Path(args.answers), name=Path(args.exercise).name, tolerance=args.tolerance,
                         decimals=args.decimals, strict=args.strict)
    if args.output:
        from graphstep.checking.heatmap import write_heatmap

        write_heatmap(report, Path(args.output), lang)
        print(t("cli.wrote", lang, path=args.output), file=sys.stderr)
    if args.csv is not None and args.csv != "-":
        _write(Path(args.csv), report.to_csv())
        print(t("cli.wrote", lang, path=args.csv), file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_json(lang), ensure_ascii=False, indent=2))
    elif args.csv == "-":
        sys.stdout.write(report.to_csv())
    else:
        print(report.render(lang))
    return 0


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise GraphstepError("error.cannot_write", path=path, reason=error.strerror) from None
