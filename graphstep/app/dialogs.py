"""Modal screens: the key help, and the editor for the formula and the input values."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.events import Key as KeyEvent
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, TextArea

from graphstep import i18n
from graphstep.app.keys import KEYS, key_name
from graphstep.app.messages import t
from graphstep.app.session import Session
from graphstep.errors import GraphstepError, MissingInputError
from graphstep.numbers import fmt_scalar
from graphstep.ops import fmt_const
from graphstep.textsafe import escape
from graphstep.values import parse_values


class HelpScreen(ModalScreen[None]):
    """Every key, with what it does; any key closes it."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold yellow", no_wrap=True)
        table.add_column()
        for key in KEYS:
            table.add_row(key_name(key, self.lang), t(key.message, self.lang))
        table.add_row(t("keyname_click", self.lang), t("key_click", self.lang))
        self.table = table
        with Vertical(id="help"):
            yield Label(t("help_title", self.lang), id="help-title")
            yield Static(table, id="help-keys")
            yield Label(t("help_close", self.lang), classes="hint")

    def on_key(self, event: KeyEvent) -> None:
        event.stop()
        self.dismiss(None)

    def on_click(self) -> None:
        self.dismiss(None)


def values_line(session: Session) -> str:
    """The inputs' current values as ``x=3 y=-4`` (scalars only: arrays keep their value)."""
    parts = []
    for name, value in session.current_values.items():
        if isinstance(value, (int, float)):
            parts.append(f"{name}={fmt_const(float(value))}")
        elif getattr(value, "ndim", 1) == 0:
            parts.append(f"{name}={fmt_scalar(float(value), 6).rstrip('0').rstrip('.')}")
    return " ".join(parts)


class EditScreen(ModalScreen[bool]):
    """Edit the formula (a text area) and the input values (one line); ctrl+s applies, esc cancels.
    A formula that does not parse or run shows its error with a caret and changes nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "apply", priority=True),
        Binding("escape", "cancel", "cancel", priority=True),
        Binding("ctrl+a", "select_all", "select all", priority=True),
    ]

    def __init__(self, session: Session, lang: str, focus_values: bool = False) -> None:
        super().__init__()
        self.session = session
        self.lang = lang
        self.focus_values = focus_values

    def compose(self) -> ComposeResult:
        with Vertical(id="edit"):
            yield Label(t("edit_title", self.lang), id="edit-title")
            # control characters from a student's file are shown (and edited) as visible \uXXXX escapes
            yield TextArea(escape(self.session.source.strip("\n")), id="edit-source", soft_wrap=True)
            yield Label(t("edit_values_label", self.lang), classes="hint")
            yield Input(values_line(self.session), id="edit-values")
            yield Static("", id="edit-error")
            yield Label(f"{t('edit_apply', self.lang)}   {t('edit_cancel', self.lang)}   "
                        f"{t('edit_select_all', self.lang)}", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#edit-values" if self.focus_values else "#edit-source").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def action_apply(self) -> None:
        source = self.query_one("#edit-source", TextArea).text
        line = self.query_one("#edit-values", Input).value
        try:
            values: dict[str, Any] = parse_values(line.replace(",", " ").split())
            self.session.load(source, values, lenient=True)
        except GraphstepError as error:
            text = error.render(self.lang)
            if isinstance(error, MissingInputError):
                text += "\n" + t("missing_values", self.lang)
            self.query_one("#edit-error", Static).update(Text(escape(text), style="bold red"))
            return
        except Exception as error:
            text = i18n.t("error.prefix", self.lang, message=error)
            self.query_one("#edit-error", Static).update(Text(escape(text), style="bold red"))
            return
        self.dismiss(True)

    def action_select_all(self) -> None:
        """Select the whole formula (or the values line), so that typing replaces it."""
        focused = self.focused
        if isinstance(focused, (TextArea, Input)):
            focused.select_all()

    def action_cancel(self) -> None:
        self.dismiss(False)
