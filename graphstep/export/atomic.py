"""Writing files so that a failed or interrupted export never leaves a partial file behind."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from graphstep.errors import GraphstepError


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path`` in one step."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise GraphstepError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, file_mode(path))
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise GraphstepError(f"cannot write {path}: {error.strerror or error}") from None
        raise


def file_mode(path: Path) -> int:
    """The permissions a written file gets: those of the file it replaces (a private 600 file stays private),
    else what the umask allows of 666, as for any newly created file."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_all(files: Mapping[Path, bytes]) -> None:
    """Write several files, each atomically; callers render everything first, so a render error writes none."""
    for path, data in files.items():
        write_atomic(path, data)
