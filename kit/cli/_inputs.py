"""Checks every command makes on its files before any work starts (not a command: leading _).

The rule (README, "Errors and exit codes"): a missing input file, or an output that would
replace one of the command's inputs, is a bad request (exit 2), refused before anything is
read or written. Messages read ``file: message`` on one line.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from kit.errors import UsageError


def require_file(path: str | os.PathLike | None, what: str = "file") -> None:
    """Raise :class:`UsageError` unless ``path`` (when given) is an existing file."""
    if path is None:
        return
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"{p}: {what} is a directory; expected a file")
    if not p.is_file():
        raise UsageError(f"{p}: {what} not found")


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def refuse_overwrite(
    output: str | os.PathLike | None, inputs: Iterable[str | os.PathLike | None]
) -> None:
    """Raise :class:`UsageError` if writing ``output`` would replace one of ``inputs``.

    Compares resolved paths and, for existing files, device and inode (so a hard link or a
    path through a symbolic link is caught too).
    """
    if output is None:
        return
    out = Path(output)
    for given in inputs:
        if given is None:
            continue
        src = Path(given)
        if out.resolve() == src.resolve() or _same(out, src):
            raise UsageError(
                f"{out}: would overwrite the input file {src}; choose another output file"
            )


def require_output_dir(path: str | os.PathLike | None, option: str = "--out") -> None:
    """Raise :class:`UsageError` unless ``path`` is, or can become, a folder (nothing created)."""
    if path is None:
        return
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise UsageError(f"{p}: {option} must be a folder, but this is a file")
    ancestor = p
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir() or not os.access(ancestor, os.W_OK | os.X_OK):
        raise UsageError(f"{p}: {option} cannot be created here ({ancestor} is not writable)")
