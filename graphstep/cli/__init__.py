"""The ``graphstep`` command: ``graphstep SOURCE`` opens the terminal app; subcommands do the rest.

Each subcommand lives in its own module with ``add_arguments(parser)`` and ``run(args) -> exit code``,
imported only when used, so ``graphstep eval`` starts without loading any UI or rendering library.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from graphstep.errors import GraphstepError

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module, one-line help)
    "eval": ("graphstep.cli.eval_cmd", "evaluate a formula: every node's value and gradient, or the steps in words"),
    "check": ("graphstep.cli.check_cmd", "check a hand-worked exercise: what is right, what is wrong, and why"),
    "grad": ("graphstep.cli.grad_cmd", "compare automatic, numerical and symbolic gradients side by side"),
    "exercise": ("graphstep.cli.exercise_cmd", "write a fresh exercise (or its solution) from a template"),
    "export": ("graphstep.cli.export_cmd", "slide diagrams: DOT, SVG, PNG, PDF, TikZ/Beamer frames, GIF, HTML player"),
    "train": ("graphstep.cli.train_cmd", "train the parameters marked with param(…) by mini-batch gradient descent"),
}
DEFAULT_COMMAND = "app"  # `graphstep SOURCE` and plain `graphstep`
DEFAULT_MODULE = ("graphstep.cli.app_cmd", "open the terminal app on a formula or .gstep file (the default)")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help", "help"):
        print(overview())
        return 0
    if args and args[0] == "--version":
        from graphstep import __version__

        print(f"graphstep {__version__}")
        return 0
    if args and args[0] in COMMANDS:
        name, rest = args[0], args[1:]
        module_name, description = COMMANDS[name]
    else:
        name, rest = DEFAULT_COMMAND, args
        module_name, description = DEFAULT_MODULE
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        print(overview(), file=sys.stderr)
        return 2
    prog = "graphstep" if name == DEFAULT_COMMAND else f"graphstep {name}"
    parser = argparse.ArgumentParser(prog=prog, description=description)
    module.add_arguments(parser)
    options = parser.parse_args(rest)
    try:
        return int(module.run(options) or 0)
    except GraphstepError as error:
        print(error.render(_lang(options)), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _lang(options: argparse.Namespace) -> str:
    """The language errors are told in: ``--lang`` where the command has it, else the environment's."""
    from graphstep.i18n import detect_lang

    return detect_lang(getattr(options, "lang", None))


def overview() -> str:
    lines = [
        "usage: graphstep [SOURCE [NAME=VALUE ...]]     open the terminal app (a gallery without SOURCE)",
        "       graphstep COMMAND ...                   run a command (graphstep COMMAND --help for its options)",
        "",
        "commands:",
    ]
    lines += [f"  {name:<10} {help_text}" for name, (_, help_text) in COMMANDS.items()]
    lines += ["", "SOURCE is a formula in quotes (\"(x+y)z\") or a .gstep file; NAME=VALUE gives an input's value."]
    return "\n".join(lines)
