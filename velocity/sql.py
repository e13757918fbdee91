"""Loads the SQL in ``queries/`` by name; each file is one relation (or, under migrations/, one step).

Files ship inside the package (``velocity/queries``); in a source checkout they are read from ``queries/``.
Nothing here formats values into SQL: callers bind ``$parameters``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@cache
def queries_dir() -> Path:
    for candidate in (_HERE / "queries", _HERE.parent / "queries"):
        if (candidate / "macros.sql").is_file():
            return candidate
    raise RuntimeError(
        f"velocity's SQL files are missing: looked in {_HERE / 'queries'} and {_HERE.parent / 'queries'}"
    )


@cache
def load(name: str) -> str:
    """The text of ``queries/<name>.sql``; a missing file is a bug and fails naming the path."""
    path = queries_dir() / f"{name}.sql"
    if not path.is_file():
        raise RuntimeError(f"no SQL file for relation {name!r}: {path} does not exist")
    return path.read_text(encoding="utf-8")


def names() -> list[str]:
    """Every relation shipped (file stems, migrations excluded)."""
    return sorted(p.stem for p in queries_dir().glob("*.sql"))


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file ``queries/migrations/NNNN_name.sql``, in order."""
    out = []
    for path in sorted((queries_dir() / "migrations").glob("*.sql")):
        number, _, name = path.stem.partition("_")
        out.append((int(number), name, path.read_text(encoding="utf-8")))
    return out


_COMMENT = re.compile(r"--[^\n]*")
_PARAMETER = re.compile(r"\$([a-z_]+)")


def bind(text: str, values: dict) -> dict:
    """The values a statement uses, by its $names (comments aside): DuckDB rejects extra parameters."""
    used = set(_PARAMETER.findall(_COMMENT.sub("", text)))
    return {k: v for k, v in values.items() if k in used}
