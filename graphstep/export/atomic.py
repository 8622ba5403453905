"""Writing files so that a failed or interrupted export never leaves a partial file behind."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from graphstep.errors import GraphstepError, Phrase


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path`` in one step."""
    temporary = _stage(path, data)
    _commit(temporary, path)


def write_all(files: Mapping[Path, bytes], remove: Iterable[Path] = ()) -> None:
    """Write several files as one unit: every file is written to a temporary file first, and only when all
    of them are written are they renamed into place (a full disk or a bad folder writes none); then the
    ``remove`` files (stale frames of an earlier, longer export) go. Callers render everything first."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((_stage(path, data), path))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, path in staged:
        _commit(temporary, path)
    for path in remove:
        path.unlink(missing_ok=True)


def _stage(path: Path, data: bytes) -> Path:
    """``data`` in a temporary file beside ``path`` (its folder created when missing)."""
    _check_folder(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise GraphstepError("error.cannot_write", path=path, reason=error.strerror or error) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, file_mode(path))
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise GraphstepError("error.cannot_write", path=path, reason=error.strerror or error) from None
        raise
    return Path(temporary)


def _commit(temporary: Path, path: Path) -> None:
    try:
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        if path.is_dir():
            raise GraphstepError("error.cannot_write", path=path, reason=Phrase("error.it_is_a_folder")) from None
        raise GraphstepError("error.cannot_write", path=path, reason=error.strerror or error) from None


def _check_folder(path: Path) -> None:
    """A file where the output's folder should be is named, not reported as "File exists"."""
    for folder in path.parents:
        if folder.exists():
            if not folder.is_dir():
                raise GraphstepError("error.cannot_write", path=path,
                                     reason=Phrase("error.file_not_folder", {"folder": folder}))
            return


def file_mode(path: Path) -> int:
    """The permissions a written file gets: those of the file it replaces (a private 600 file stays private),
    else what the umask allows of 666, as for any newly created file."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
