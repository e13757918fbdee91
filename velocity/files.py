"""Files velocity writes for the seller (contact lists, the rating table): private (0600, also when they
replace an existing file) and whole or not at all (a temporary file beside the target, then one rename)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from velocity.errors import VelocityError


def write_private(path: Path, text: str, hint: str = "choose another path") -> None:
    """Write text to path, readable by its owner only, whole or not at all."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.velocity-tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise VelocityError(f"{path}: cannot be written ({exc.strerror})", hint) from None


@contextlib.contextmanager
def private_files():
    """Files made meanwhile are readable by their owner only, whatever the caller's umask: the store's
    write-ahead log and DuckDB's spill files (which DuckDB creates itself), extracted archive members. Used
    around every write to the store (also as a decorator); the CLI sets the same umask for its whole run."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)
