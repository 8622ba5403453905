from typing import Any

from graphstep.graph import Node

def read(
    source: str, tables: tuple[Any, ...], max_nodes: int
) -> tuple[tuple[Node, ...], int, dict[str, int], dict[str, int]] | None: ...
