"""The terminal step debugger (a Textual app): ``graphstep SOURCE`` opens it on a formula, plain
``graphstep`` on a gallery of the shipped examples. The model (:class:`Session`) and the drawing's
geometry import no UI library; the widgets and screens read them."""

from graphstep.app.app import GraphstepApp
from graphstep.app.session import Session

__all__ = ["GraphstepApp", "Session"]
