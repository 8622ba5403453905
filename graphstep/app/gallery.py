"""Plain ``graphstep``: pick one of the shipped examples, or type a formula."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from graphstep.app.messages import t
from graphstep.app.session import Session
from graphstep.errors import GraphstepError
from graphstep.textsafe import escape

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NAME = 16
"""Cells for an example's name."""
GUTTER = 10
"""Cells the screen's padding, the list's border, padding and scrollbar take from a row."""


LECTURE_ORDER = ("mul", "add_mul", "patterns", "neuron", "staged", "quadratic", "pytorch_linear", "mlp_batch",
                 "circles_mlp", "xor_perceptron", "xor_mlp")
"""The gallery follows the lecture: one gate, then patterns, the neuron, staged computation, … up to the MLPs
(an example not named here comes after them, alphabetically)."""


def _lecture_rank(path: Path) -> tuple[int, str]:
    rank = LECTURE_ORDER.index(path.stem) if path.stem in LECTURE_ORDER else len(LECTURE_ORDER)
    return rank, path.stem


def examples() -> list[tuple[str, str, str]]:
    """(name, first sentence of the leading comment, source) of every shipped ``.gstep`` example, in the
    lecture's order."""
    found = []
    for path in sorted(EXAMPLES.glob("*.gstep"), key=_lecture_rank):
        source = path.read_text(encoding="utf-8")
        found.append((path.stem, first_sentence(source), source))
    return found


def first_sentence(source: str) -> str:
    """The leading comment's first sentence (a comment line often stops mid-sentence)."""
    block = []
    for line in source.splitlines():
        if not line.startswith("#"):
            break
        block.append(line.lstrip("# ").strip())
    text = " ".join(block)
    match = re.search(r"[.?!](\s|$)", text[40:])  # skip "e.g." style stops early in the sentence
    return text[: 40 + match.start() + 1] if match else text


class GalleryScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "quit", show=False),
        Binding("ctrl+c", "quit", "quit", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items = examples()

    @property
    def lang(self) -> str:
        return str(getattr(self.app, "lang", "en"))

    def compose(self) -> ComposeResult:
        yield Label(t("gallery_title", self.lang), id="gallery-title")
        yield Label(t("gallery_hint", self.lang), classes="hint")
        options = []
        for name, first, _ in self.items:
            # the description wraps under itself, not under the names column (where it hides the next name)
            room = max(20, self.app.size.width - GUTTER - NAME)
            text = Text()
            text.append(f"{name:<{NAME}}", "bold")
            text.append(("\n" + " " * NAME).join(textwrap.wrap(first, room)) or "", "dim")
            options.append(Option(text, id=name))
        yield OptionList(*options, id="gallery")
        yield Input(placeholder=t("gallery_placeholder", self.lang), id="formula")
        yield Static("", id="gallery-error")

    def on_resize(self, event: Resize) -> None:
        if getattr(self, "_width_shown", event.size.width) != event.size.width:
            self.refresh(recompose=True)
        self._width_shown = event.size.width

    def on_screen_resume(self) -> None:
        # The language may have been switched inside the stepper.
        if getattr(self, "_lang_shown", self.lang) != self.lang:
            self.refresh(recompose=True)
        self._lang_shown = self.lang

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        source = self.items[event.option_index][2]
        self.open(source)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.open(event.value)

    def open(self, source: str) -> None:
        from graphstep.app.stepper import StepperScreen

        try:
            session = Session(source)
        except GraphstepError as error:
            self.query_one("#gallery-error", Static).update(Text(escape(error.render(self.lang)), "bold red"))
            return
        except Exception as error:
            self.query_one("#gallery-error", Static).update(Text(escape(f"error: {error}"), "bold red"))
            return
        self.query_one("#gallery-error", Static).update("")
        self.app.push_screen(StepperScreen(session, from_gallery=True))

    def action_quit(self) -> None:
        self.app.exit()
