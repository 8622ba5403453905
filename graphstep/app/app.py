"""The Textual application: the gallery, or a stepper on one formula."""

from __future__ import annotations

from textual.app import App

from graphstep.app.gallery import GalleryScreen
from graphstep.app.session import Session
from graphstep.app.stepper import StepperScreen


class GraphstepApp(App[None]):
    """``GraphstepApp(Session(source))`` steps through one formula; ``GraphstepApp()`` opens the gallery."""

    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "graphstep"

    def __init__(self, session: Session | None = None, lang: str = "en") -> None:
        super().__init__()
        self.session = session
        self.lang = lang

    def on_mount(self) -> None:
        if self.session is not None:
            self.push_screen(StepperScreen(self.session))
        else:
            self.push_screen(GalleryScreen())
