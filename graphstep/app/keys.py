"""Every key of the stepper, in one table: the bindings, the help screen and the footer all read it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    keys: str
    """Textual key names, comma-separated."""
    shown: str
    """How the help screen and footer write the key."""
    action: str
    message: str
    """Catalogue key of the description (graphstep.app.messages)."""
    footer: str | None = None
    """Catalogue key of the short footer label, for the main keys (few enough to fit 80 columns in
    Spanish too; ``?`` lists the rest)."""


KEYS = (
    Key("right,n", "→ n", "next", "key_next", "footer_next"),
    Key("left,p", "← p", "prev", "key_prev", "footer_prev"),
    Key("home", "Home", "home", "key_home"),
    Key("end", "End", "end", "key_end"),
    Key("f", "f", "forward_end", "key_forward_end"),
    Key("b", "b", "backward_end", "key_backward_end", "footer_backward_end"),
    Key("space", "space", "play", "key_play", "footer_play"),
    Key("plus,equals_sign", "+", "faster", "key_faster"),
    Key("minus", "-", "slower", "key_slower"),
    Key("r", "r", "reset", "key_reset"),
    Key("tab", "Tab", "select(1)", "key_select_next"),
    Key("shift+tab", "shift+Tab", "select(-1)", "key_select_prev"),
    Key("escape", "Esc", "unselect", "key_unselect"),
    Key("x", "x", "expand", "key_expand"),
    Key("e", "e", "edit", "key_edit"),
    Key("v", "v", "values", "key_values"),
    Key("z", "z", "quiz", "key_quiz", "footer_quiz"),
    Key("l", "l", "lang", "key_lang"),
    Key("t", "t", "theme", "key_theme"),
    Key("shift+left,shift+right,shift+up,shift+down", "shift+arrows", "pan", "key_pan"),
    Key("question_mark", "?", "help", "key_help", "footer_help"),
    Key("backspace", "Backspace", "gallery", "key_gallery"),
    Key("q,ctrl+c", "q", "quit", "key_quit", "footer_quit"),
)
"""``pan`` is wired per direction below; the mouse wheel pans too, a click inspects a node."""

PAN = {"shift+left": (-8, 0), "shift+right": (8, 0), "shift+up": (0, -3), "shift+down": (0, 3)}


def key_name(key: Key, lang: str) -> str:
    """How the help screen writes a key in ``lang``: ``space`` is ``espacio`` in Spanish."""
    from graphstep import i18n

    return i18n.t(f"app.keyname_{key.shown}", lang) if i18n.has(f"app.keyname_{key.shown}") else key.shown


def bindings() -> list[Binding]:
    found = []
    for key in KEYS:
        if key.action == "pan":
            found += [Binding(k, f"pan({dx}, {dy})", show=False, priority=True) for k, (dx, dy) in PAN.items()]
        else:
            # Tab and z work from inside the quiz box too (it takes only numbers: z is never typed there)
            found.append(Binding(key.keys, key.action, key.message, show=False,
                                 priority=key.keys in ("tab", "shift+tab", "z")))
    return found
