"""graphstep: watch backpropagation step by step.

    >>> import graphstep
    >>> trace = graphstep.parse("f = xy").run(x=4, y=-3)
    >>> trace.value, trace.grad("x"), trace.grad("y")
    (-12.0, -3.0, 4.0)

The core (``parse``, ``ops``, ``graph``, ``engine``, ``trace``) imports no UI or rendering library.
"""

from graphstep.errors import GraphstepError, InputError, SourceError
from graphstep.graph import Graph, Node
from graphstep.parser import parse
from graphstep.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep, Trace

__version__ = "0.1.0"

__all__ = [
    "AccumulateStep",
    "BackwardStep",
    "ForwardStep",
    "Graph",
    "GraphstepError",
    "InputError",
    "Node",
    "SeedStep",
    "SourceError",
    "Trace",
    "parse",
]
