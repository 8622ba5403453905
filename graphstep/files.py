"""Reading untrusted files: regular files only, with a size cap, decoded strictly, inside the allowed folders.

Every file graphstep reads on a user's behalf goes through here: sources, answers, and the data files of
``load("…")`` and ``NAME=@file``. A folder, a FIFO or a device (``/dev/zero``) is refused before it is read;
a file larger than the cap is refused without reading it all; text must be UTF-8 (a BOM is skipped).
Messages name the file but never quote what is in it.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from pathlib import Path

from graphstep.errors import GraphstepError
from graphstep.limits import LimitError, current


def read_bytes(path: str | Path, max_bytes: int, shown: str | None = None, truncate: bool = False,
               follow_symlinks: bool = True) -> bytes:
    """The bytes of the regular file ``path``; a clear :class:`GraphstepError` for anything else.
    A file larger than ``max_bytes`` is refused, or with ``truncate`` only its first ``max_bytes`` are read.
    Without ``follow_symlinks`` a symbolic link is refused (``file.symlink``), also one swapped in for the
    file after the caller listed it: the file is opened with O_NOFOLLOW where the system has it."""
    shown = str(path) if shown is None else shown
    info = _stat(path, shown, follow_symlinks)
    if stat.S_ISLNK(info.st_mode):
        raise GraphstepError("file.symlink", path=shown)
    _check_regular(info.st_mode, shown)
    # O_NONBLOCK: a FIFO swapped in after the check above does not hang the open.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags if follow_symlinks else flags | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        if not follow_symlinks and error.errno in (errno.ELOOP, errno.EMLINK):  # EMLINK: the BSDs' answer
            raise GraphstepError("file.symlink", path=shown) from None
        raise GraphstepError("file.cannot_read", path=shown, reason=error.strerror or str(error)) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        _check_regular(info.st_mode, shown)
        if info.st_size > max_bytes and not truncate:
            raise LimitError("file.too_large", path=shown, size=f"{info.st_size:,}", limit=f"{max_bytes:,}")
        data = handle.read(max_bytes + (0 if truncate else 1))
    if len(data) > max_bytes:
        raise LimitError("file.too_large", path=shown, size=f"> {max_bytes:,}", limit=f"{max_bytes:,}")
    return data


def _stat(path: str | Path, shown: str, follow_symlinks: bool = True) -> os.stat_result:
    """``os.stat`` (``os.lstat`` without ``follow_symlinks``), its errors as clear messages."""
    try:
        return os.stat(path, follow_symlinks=follow_symlinks)
    except (FileNotFoundError, ValueError):  # ValueError: a NUL byte in the name
        raise GraphstepError("file.not_found", path=shown) from None
    except OSError as error:
        raise GraphstepError("file.cannot_read", path=shown, reason=error.strerror or str(error)) from None


def regular_file(path: str | Path, shown: str | None = None) -> int:
    """The size of ``path`` when it is a regular file (for a reader that opens it itself, as Dask's chunk
    tasks do); else the same clear :class:`GraphstepError` as :func:`read_bytes`."""
    shown = str(path) if shown is None else shown
    info = _stat(path, shown)
    _check_regular(info.st_mode, shown)
    return info.st_size


def _check_regular(mode: int, shown: str) -> None:
    if stat.S_ISDIR(mode):
        raise GraphstepError("file.folder", path=shown)
    if not stat.S_ISREG(mode):
        raise GraphstepError("file.not_regular", path=shown)


def decode(data: bytes, shown: str) -> str:
    """UTF-8 text (a leading BOM dropped); UTF-16/32, binary data and invalid UTF-8 are named as such."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise GraphstepError("file.utf32", path=shown)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise GraphstepError("file.utf16", path=shown)
    if b"\x00" in data:
        raise GraphstepError("file.binary", path=shown)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise GraphstepError("file.not_utf8", path=shown, line=line) from None


def read_text(path: str | Path, shown: str | None = None) -> str:
    """A source or answers file as text, within the size cap for text files."""
    shown = str(path) if shown is None else shown
    return decode(read_bytes(path, current().max_text_bytes, shown), shown)


def reachable(path_text: str, fallback: Path | None = None) -> Path:
    """The file a program's ``load("…")`` names, resolved (symlinks too) and inside the allowed folders.

    A relative path is looked up in the source file's folder (see :mod:`graphstep.limits`); if it is not
    there, in ``fallback`` (the data shipped with graphstep's examples, always readable)."""
    limits = current()
    base = limits.folder()
    if "\0" in path_text:  # no file has a NUL byte in its name
        raise GraphstepError("file.not_found", path=path_text)
    given = Path(path_text)
    candidate = (given if given.is_absolute() else base / given).resolve()
    roots = limits.roots()
    if fallback is not None and not given.is_absolute() and not candidate.exists():
        shipped = (fallback / given).resolve()
        if shipped.exists() and shipped.is_relative_to(fallback.resolve()):
            return shipped
    if not any(candidate.is_relative_to(root) for root in roots):
        raise LimitError("file.outside", path=path_text, folder=str(base))
    return candidate
