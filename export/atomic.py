"""Atomic file writes: write to a temporary file in the target folder, then ``os.replace``.

A failed export leaves nothing half-written: either the complete new file is in place, or the
old file (if any) is untouched and the temporary file is removed.  Every failure is raised as
:class:`~riskgraph.errors.ExportError`.

Links and special files (docs/exports.md, SECURITY.md):

* a symbolic link to a regular file (or a dangling link) is **replaced by the new file**; the
  file it pointed to is never opened, so a link planted in a shared folder cannot make an export
  overwrite someone else's file;
* a special file (``/dev/stdout``, ``/dev/null``, a FIFO, a terminal) is written through: the
  complete output is first written to a temporary file elsewhere, then copied into it.  A link
  to one is followed only when every link on the way belongs to this user or to root (as
  ``/dev/stdout`` -> ``/proc/self/fd/1`` does); block devices are refused;
* :func:`refuse_inputs` refuses a target inside a data folder the same command reads.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from riskgraph.errors import ExportError

_MAX_LINKS = 40


def _foreign_link(path: Path) -> tuple[Path, int] | None:
    """The first link from ``path`` on that belongs neither to this user nor to root."""
    me = os.geteuid()
    cur = path
    for _ in range(_MAX_LINKS):
        try:
            st = os.lstat(cur)
        except OSError:
            return None
        if not stat.S_ISLNK(st.st_mode):
            return None
        if st.st_uid not in (me, 0):
            return cur, st.st_uid
        cur = cur.parent / os.readlink(cur)
    return None


def _target(path: Path) -> tuple[Path, bool]:
    """(the path to write, whether to write through instead of renaming over it)."""
    try:
        lst = os.lstat(path)
    except FileNotFoundError:
        return path, False
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
    if not stat.S_ISLNK(lst.st_mode):
        st = lst
    else:
        try:
            st = os.stat(path)  # what the link names
        except FileNotFoundError:
            return path, False  # a dangling link: replaced by the new file
        except OSError as e:
            raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
        if stat.S_ISREG(st.st_mode):
            return path, False  # the link itself is replaced; the file it names is not touched
    if stat.S_ISDIR(st.st_mode):
        raise ExportError(f"cannot write {path}: it is a folder")
    if stat.S_ISREG(st.st_mode):
        return path, False
    if stat.S_ISBLK(st.st_mode):
        raise ExportError(f"cannot write {path}: it is a block device")
    foreign = _foreign_link(path)
    if foreign is not None:
        link, uid = foreign
        raise ExportError(f"cannot write {path}: refusing to write through the symbolic link "
                          f"{link} of another user (uid {uid})")
    return path, True


def refuse_inputs(path: str | Path, inputs: Iterable[str | Path]) -> None:
    """Raise :class:`ExportError` if ``path`` is, or lies inside, one of the ``inputs``.

    ``inputs`` are the data folders (and files) the same command reads; an export written into
    one would overwrite, or be read back as, input data.  Links are resolved on both sides.
    """
    p = Path(path)
    # Both the directory entry that would be replaced and whatever it names now.
    targets = {Path(os.path.realpath(p.parent)) / p.name, Path(os.path.realpath(p))}
    for inp in inputs:
        real = Path(os.path.realpath(inp))
        if any(t == real or real in t.parents for t in targets):
            raise ExportError(f"cannot write {path}: it is inside the data folder {inp} that "
                              "this command reads; write the export elsewhere")


def check_folder(path: str | Path, *, inputs: Iterable[str | Path] = ()) -> Path:
    """Raise :class:`ExportError` unless ``path`` can be a file target (check before slow work).

    ``inputs``: data folders the command reads; a target inside one is refused
    (:func:`refuse_inputs`).
    """
    path = Path(path)
    refuse_inputs(path, inputs)
    real, direct = _target(path)
    if not direct and not real.parent.is_dir():
        raise ExportError(f"cannot write {path}: folder {real.parent} does not exist")
    return path


def _tmp_for(path: Path) -> tuple[int, str, Path, bool]:
    """A temporary file for ``path``: (fd, name, final target, write through?)."""
    real, direct = _target(path)
    folder = None if direct else real.parent
    if folder is not None and not folder.is_dir():
        raise ExportError(f"cannot write {path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{real.name}.", suffix=".tmp")
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
    return fd, tmp, real, direct


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _commit(tmp: str, real: Path, direct: bool) -> None:
    if not direct:
        # mkstemp creates 0600; give the export the mode a plain open() would (0666 & ~umask).
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, real)
        return
    with open(tmp, "rb") as src, open(real, "wb") as dst:
        shutil.copyfileobj(src, dst)
    os.unlink(tmp)


@contextmanager
def _committing(path: str | Path, tmp: str, real: Path, direct: bool) -> Iterator[None]:
    """Run the body, then move ``tmp`` onto the target; on any failure remove ``tmp``.

    An :class:`OSError` becomes an :class:`ExportError` naming ``path``.
    """
    ok = False
    try:
        yield
        _commit(tmp, real, direct)
        ok = True
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
    finally:
        if not ok:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


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
    fd, tmp, real, direct = _tmp_for(path)
    with _committing(path, tmp, real, direct):
        if mode == "wb":
            fh: IO[Any] = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with fh:
            yield fh


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
    fd, tmp, real, direct = _tmp_for(path)
    os.close(fd)
    with _committing(path, tmp, real, direct):
        writer(Path(tmp))


def write_many(files: dict[Path, Callable[[IO[str]], None]]) -> None:
    """Write several text files as one unit: all temporaries first, then all replaces.

    If any writer fails, no target is touched.  (The final ``os.replace`` calls cannot be
    made jointly atomic, but they only rename within a folder and practically never fail.)
    """
    tmps: list[tuple[str, Path, bool]] = []
    ok = False
    try:
        for path, writer in files.items():
            fd, tmp, real, direct = _tmp_for(Path(path))
            tmps.append((tmp, real, direct))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                writer(fh)
        for tmp, real, direct in tmps:
            _commit(tmp, real, direct)
        ok = True
    except OSError as e:
        raise ExportError(f"cannot write {e.filename or 'export'}: {e.strerror or e}") from None
    finally:
        if not ok:
            for tmp, _, _ in tmps:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
