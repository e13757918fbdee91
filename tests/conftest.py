"""Shared test helpers: a fresh store per test, the repository's fixture folders, ../shared when present."""

from __future__ import annotations

from pathlib import Path

import pytest

from velocity import store
from velocity.api import Velocity

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples" / "amazon"
OLIST = SHARED / "data" / "olist"


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


def need_shared() -> None:
    if not SAMPLES.is_dir():
        pytest.skip(
            f"the shared samples are not at {SAMPLES} (they sit beside the repository in development)"
        )


def need_olist() -> None:
    """The Olist data sets stay outside the repository (their licence); without them, skip, saying where."""
    if not OLIST.is_dir():
        pytest.skip(f"the Olist data is not at {OLIST} (it sits beside the repository in development)")


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
