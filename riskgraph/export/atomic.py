"""Atomic file writes: write to a temporary file in the target folder, then ``os.replace``.

A failed export leaves nothing half-written: either the complete new file is in place, or the
old file (if any) is untouched and the temporary file is removed.  Every failure is raised as
:class:`~riskgraph.errors.ExportError`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from riskgraph.errors import ExportError


def check_folder(path: str | Path) -> Path:
    """Raise :class:`ExportError` unless the folder of ``path`` exists (check before slow work)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise ExportError(f"cannot write {path}: folder {path.parent} does not exist")
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder")
    return path


def _tmp_in(path: Path) -> tuple[int, str]:
    folder = path.parent
    if not folder.is_dir():
        raise ExportError(f"cannot write {path}: folder {folder} does not exist")
    try:
        return tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from None


@contextmanager
def atomic_open(
    path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success move it onto ``path``.

    Parameters
    ----------
    path : str or Path
        The final file.  Its folder must exist.
    mode : {"w", "wb"}
        Text or binary.
    encoding, newline
        As for :func:`open` (ignored in binary mode).

    Raises
    ------
    ExportError
        The folder is missing or unwritable, or writing failed.  Any other exception raised in
        the ``with`` body propagates unchanged; in both cases the temporary file is removed
        and ``path`` is left as it was.
    """
    path = Path(path)
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
    fd, tmp = _tmp_in(path)
    ok = False
    try:
        if mode == "wb":
            fh: IO[Any] = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with fh:
            yield fh
        os.replace(tmp, path)
        ok = True
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
    finally:
        if not ok:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; see :func:`atomic_open`."""
    with atomic_open(path, "w") as fh:
        fh.write(text)


def write_with(path: str | Path, writer: Callable[[Path], None]) -> None:
    """Let ``writer`` write a temporary file (given by path), then move it onto ``path``.

    For libraries that want a file name rather than a file object (``networkx.write_graphml``,
    ``rdflib.Graph.serialize``).  Exceptions other than :class:`OSError` raised by ``writer``
    propagate unchanged; the temporary file is removed in every failure.
    """
    path = Path(path)
    fd, tmp = _tmp_in(path)
    os.close(fd)
    ok = False
    try:
        writer(Path(tmp))
        os.replace(tmp, path)
        ok = True
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
    finally:
        if not ok:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_many(files: dict[Path, Callable[[IO[str]], None]]) -> None:
    """Write several text files as one unit: all temporaries first, then all replaces.

    If any writer fails, no target is touched.  (The final ``os.replace`` calls cannot be
    made jointly atomic, but they only rename within a folder and practically never fail.)
    """
    tmps: list[tuple[str, Path]] = []
    ok = False
    try:
        for path, writer in files.items():
            fd, tmp = _tmp_in(Path(path))
            tmps.append((tmp, Path(path)))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                writer(fh)
        for tmp, path in tmps:
            os.replace(tmp, path)
        ok = True
    except OSError as e:
        raise ExportError(f"cannot write {e.filename or 'export'}: {e.strerror or e}") from None
    finally:
        if not ok:
            for tmp, _ in tmps:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
