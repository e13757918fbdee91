"""Shared test helpers: a fresh store per test, the repository's fixture folders, ../shared when present."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from velocity import ingest, store
from velocity.api import Velocity

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
SAMPLES = (
    FIXTURES / "samples"
)  # public sample exports, copied with their licences (fixtures/samples/README.md)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "velocity.duckdb"


@pytest.fixture
def con(db: Path):
    """A fresh store, open for writing (velocity.store.Store)."""
    connection = store.connect(db)
    yield connection
    connection.close()


def ask(con) -> Velocity:
    """The answers (velocity.api) on an open store."""
    return Velocity(con)


def table(con, name: str) -> list[tuple]:
    """A table's rows, sorted (comparable across stores)."""
    return con.execute(f"select * from {name} order by all").fetchall()


DATA_TABLES = (
    "all_orders",
    "order_report",
    "unshipped_orders",
    "fba_shipments",
    "feedback",
    "feedback_ratings",
    "settlements",
    "settlement_lines",
    "returns",
    "fba_returns",
    "account_health",
)


def snapshot(con) -> dict[str, list[tuple]]:
    return {name: table(con, name) for name in DATA_TABLES}


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    """The demo seller imported once (fixtures/demo): tests take copies of it, never write to it."""
    path = tmp_path_factory.mktemp("demo") / "velocity.duckdb"
    with store.connect(path) as s:
        results = ingest.import_paths(s, [FIXTURES / "demo"])
    assert all(r.status == "imported" for r in results)
    return path


@pytest.fixture
def demo_db(demo_store: Path, tmp_path: Path) -> Path:
    """A private copy of the demo store, in the test's folder, named as the default store is."""
    target = tmp_path / "velocity.duckdb"
    shutil.copy(demo_store, target)
    return target


@dataclass
class Ran:
    code: int
    out: str
    err: str


def cli(*args: str, cwd: Path, env: dict | None = None) -> Ran:
    """The velocity command, run in this process (as a seller types it, in folder cwd, without colour)."""
    from velocity.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = {k: os.environ.get(k) for k in ("NO_COLOR", "VELOCITY_DB", *(env or {}))}
    os.environ["NO_COLOR"] = "1"
    os.environ.pop("VELOCITY_DB", None)
    os.environ.update(env or {})
    try:
        with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return Ran(code, out.getvalue(), err.getvalue())


def export_header(name: str) -> list[str]:
    """The header of a format fixture (fixtures/formats/NAME), as a list of column names."""
    return (FIXTURES / "formats" / name).read_text(encoding="utf-8").splitlines()[0].split("\t")


def write_rows(path: Path, header: list[str], rows: list[dict]) -> None:
    """A tab-separated export: the header, then each row's values by column name (missing: empty)."""
    lines = ["\t".join(header)] + ["\t".join(r.get(h, "") for h in header) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
