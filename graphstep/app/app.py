"""The Textual application: the gallery, or a stepper on one formula."""

from __future__ import annotations

from textual.app import App

from graphstep.app import colours
from graphstep.app.colours import textual_theme
from graphstep.app.gallery import GalleryScreen
from graphstep.app.session import Session
from graphstep.app.stepper import StepperScreen
from graphstep.theme import DEFAULT_APP_THEME, THEMES


class GraphstepApp(App[None]):
    """``GraphstepApp(Session(source))`` steps through one formula; ``GraphstepApp()`` opens the gallery."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "graphstep"

    def __init__(self, session: Session | None = None, lang: str = "en", theme: str = DEFAULT_APP_THEME) -> None:
        super().__init__()
        self.session = session
        self.lang = lang
        for palette in THEMES.values():
            self.register_theme(textual_theme(palette))
        self.use_theme(theme)

    def use_theme(self, name: str) -> None:
        """Switch every colour of the app to the palette ``name`` (``dark``, ``light``, ``contrast``)."""
        self.palette = colours.use(name)
        self.theme = self.palette.textual_theme

    def on_mount(self) -> None:
        if self.session is not None:
            self.push_screen(StepperScreen(self.session))
        else:
            self.push_screen(GalleryScreen())
