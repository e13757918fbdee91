"""The store: one embedded DuckDB file, opened, checked to be velocity's, and migrated to the current schema.

Owns connections, migrations and the per-connection setup (UTC, parsing macros, reference relations).
It never reads export files (``velocity.ingest``) and never prints.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from velocity import sql
from velocity.errors import VelocityError

DEFAULT_DB = "velocity.duckdb"
# Relations every connection gets as temp views, from queries/<name>.sql.
REFERENCE_RELATIONS = ("marketplaces", "order_marketplaces", "transit_assumptions", "delivery_estimates")


def default_path() -> Path:
    return Path(os.environ.get("VELOCITY_DB") or DEFAULT_DB)


def one(con: duckdb.DuckDBPyConnection, query: str, params: dict | None = None) -> tuple | None:
    """The first row of a query (None if it has none), with the result read to its end: DuckDB keeps a
    connection busy while a result is left unfinished, and refuses other work on it meanwhile."""
    rows = con.execute(query, params or {}).fetchall()
    return rows[0] if rows else None


def records(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> list[dict]:
    """The rows of the named query (queries/NAME.sql) as dicts, with its $parameters bound from params."""
    text = sql.load(name)
    rel = con.execute(text, sql.bind(text, params or {}))
    columns = [d[0] for d in rel.description]
    return [dict(zip(columns, row, strict=True)) for row in rel.fetchall()]


def materialize(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> None:
    """The named query as a temp table of the same name, its $parameters bound: for a relation that other
    queries read, computed once."""
    text = sql.load(name)
    con.execute(f"create or replace temp table {name} as " + text, sql.bind(text, params or {}))


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    row = one(con, "select value from velocity_meta where key = 'schema_version'")
    return int(row[0]) if row else 0


def _user_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_catalog = current_database()"
        " and table_schema = 'main'"
    ).fetchall()
    return {r[0] for r in rows}


def _migrate(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    tables = _user_tables(con)
    if tables and "velocity_meta" not in tables:
        raise VelocityError(
            f"{path}: a DuckDB database, but not a velocity store (it holds {', '.join(sorted(tables)[:5])})",
            "point --db (or VELOCITY_DB) at a velocity store, or at a new file name to create one",
        )
    current = schema_version(con) if tables else 0
    steps = sql.migrations()
    latest = steps[-1][0]
    if current > latest:
        raise VelocityError(
            f"{path}: the store has schema version {current}, newer than this velocity knows ({latest})",
            "upgrade velocity: pip install -U velocity",
        )
    for version, name, text in steps:
        if version <= current:
            continue
        con.begin()
        try:
            con.execute(text)
            if version == 1:
                con.execute("insert into velocity_meta values ('schema_version', '0')")
            con.execute(
                "update velocity_meta set value = $v where key = 'schema_version'", {"v": str(version)}
            )
            con.commit()
        except Exception:
            con.rollback()
            raise
        del name


def connect(path: Path | str | None = None, *, create: bool = True) -> duckdb.DuckDBPyConnection:
    """Open (and, with create, make) the store at path, migrated and ready for velocity's queries."""
    path = Path(path) if path is not None else default_path()
    if not path.exists() and not create:
        raise VelocityError(
            f"{path}: no velocity store here yet",
            "import your exports first: velocity import FOLDER (or pass --db PATH)",
        )
    if path.exists() and path.is_dir():
        raise VelocityError(f"{path}: is a folder, not a store file", "pass --db PATH/velocity.duckdb")
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        raise VelocityError(
            f"{path}: not a velocity store ({first})",
            "point --db (or VELOCITY_DB) at a velocity store, or at a new file name to create one",
        ) from None
    try:
        con.execute("set TimeZone = 'UTC'")
        # Row order in velocity's tables carries no meaning; letting DuckDB drop it makes loads parallel.
        con.execute("set preserve_insertion_order = false")
        _migrate(con, path)
        prepare(con)
    except BaseException:
        con.close()
        raise
    return con


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Per-connection setup: parsing macros and reference relations as temp views."""
    con.execute(sql.load("macros"))
    for name in REFERENCE_RELATIONS:
        con.execute(f"create or replace temp view {name} as {sql.load(name)}")
