"""The scene every writer draws: it lives in :mod:`graphstep.scene` (shared with the terminal app); these
names stay importable from here."""

from __future__ import annotations

from graphstep.scene import (
    NO_LABEL,
    SINK,
    Cluster,
    Label,
    Scene,
    SceneNode,
    Scenes,
    SceneWire,
    Tensor,
    build_scene,
    current_tables,
    tensor_shape,
)

__all__ = ["NO_LABEL", "SINK", "Cluster", "Label", "Scene", "SceneNode", "SceneWire", "Scenes", "Tensor",
           "build_scene", "current_tables", "tensor_shape"]
