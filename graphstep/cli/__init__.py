"""The ``graphstep`` command: ``graphstep SOURCE`` opens the terminal app; subcommands do the rest.

Each subcommand lives in its own module with ``add_arguments(parser)`` and ``run(args) -> exit code``,
imported only when used, so ``graphstep eval`` starts without loading any UI or rendering library.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from graphstep.errors import GraphstepError

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module, its one-line help: a catalogue key)
    "eval": ("graphstep.cli.eval_cmd", "help.cmd_eval"),
    "check": ("graphstep.cli.check_cmd", "help.cmd_check"),
    "grad": ("graphstep.cli.grad_cmd", "help.cmd_grad"),
    "exercise": ("graphstep.cli.exercise_cmd", "help.cmd_exercise"),
    "export": ("graphstep.cli.export_cmd", "help.cmd_export"),
    "train": ("graphstep.cli.train_cmd", "help.cmd_train"),
}
DEFAULT_COMMAND = "app"  # `graphstep SOURCE` and plain `graphstep`
DEFAULT_MODULE = ("graphstep.cli.app_cmd", "help.cmd_app")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    lang = _argv_lang(args)
    if args and args[0] in ("-h", "--help", "help"):
        print(overview(lang))
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
        print(overview(lang), file=sys.stderr)
        return 2
    from graphstep.helptext import argparse_in, parser

    prog = "graphstep" if name == DEFAULT_COMMAND else f"graphstep {name}"
    with safe_output(lang):
        with argparse_in(lang):  # --help and argparse's own messages in the user's language
            command = parser(prog, description, lang)
            module.add_arguments(command)
            options = command.parse_args(rest)
        return _run(module, options)


def _run(module: Any, options: argparse.Namespace) -> int:
    from graphstep.cli.common import check_options
    from graphstep.limits import KEEP, limits

    try:
        check_options(options)
        with limits(allow=getattr(options, "allow_path", None) or (),
                    max_elements=getattr(options, "max_elements", None),
                    max_nodes=getattr(options, "max_nodes", None) or KEEP):
            code = int(module.run(options) or 0)
        sys.stdout.flush()
        return code
    except GraphstepError as error:
        return _fail(error.render(_lang(options)), error.exit_code)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except (MemoryError, RecursionError, OSError) as error:
        return _resource_error(error, _lang(options))


def _resource_error(error: BaseException, lang: str) -> int:
    """A full disk under stdout, memory or stack run out: one line, exit 2 (other OS errors are bugs)."""
    if isinstance(error, MemoryError):
        return _fail(GraphstepError("error.out_of_memory").render(lang), 2)
    if isinstance(error, RecursionError):
        from graphstep.parser import MAX_DEPTH

        return _fail(GraphstepError("error.too_deep", depth=MAX_DEPTH).render(lang), 2)
    assert isinstance(error, OSError)
    if error.errno not in (errno.ENOSPC, errno.EIO, errno.EDQUOT):  # > /dev/full, a full disk
        raise error
    _silence_stdout()
    return _fail(GraphstepError("error.output_failed", reason=error.strerror).render(lang), 2)


def _fail(text: str, code: int) -> int:
    print(text, file=sys.stderr)
    return code


def _silence_stdout() -> None:
    """After a failed write, point stdout at /dev/null so Python's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


@contextmanager
def safe_output(lang: str | None = None) -> Iterator[None]:
    """While a command runs: every character it prints that came from input is escaped (see
    graphstep.textsafe), a terminal that is not UTF-8 gets plain ASCII spellings, and Python warnings are
    one line each, as graphstep's own, headed in ``lang`` (default: the environment's language)."""
    import functools

    from graphstep.textsafe import SafeStream

    saved = sys.stdout, sys.stderr, warnings.showwarning
    sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)
    warnings.showwarning = functools.partial(_show_warning, lang=lang)
    try:
        yield
    finally:
        sys.stdout, sys.stderr, warnings.showwarning = saved


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: TextIO | None = None, line: str | None = None, lang: str | None = None) -> None:
    from graphstep.i18n import detect_lang, t

    text = " ".join(str(message).split())
    print(t("cli.warning", lang or detect_lang(), message=text), file=sys.stderr)


def _lang(options: argparse.Namespace) -> str:
    """The language errors are told in: ``--lang`` where the command has it, else the environment's."""
    from graphstep.i18n import detect_lang

    return detect_lang(getattr(options, "lang", None))


def _argv_lang(args: Sequence[str]) -> str:
    from graphstep.helptext import argv_lang

    return argv_lang(args)


def overview(lang: str = "en") -> str:
    """``graphstep --help``: the commands, each with its one line."""
    from graphstep.i18n import t

    lines = [t("help.overview_usage", lang), "", t("help.overview_commands", lang)]
    lines += [f"  {name:<10} {t(help_key, lang)}" for name, (_, help_key) in COMMANDS.items()]
    lines += ["", t("help.overview_source", lang)]
    return "\n".join(lines)
