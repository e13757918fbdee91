"""The store: one embedded DuckDB file, opened for reading or writing, checked to be velocity's, migrated.

Owns connections (readers read-only, so any number run at once; a writer waits a few seconds for another),
migrations, the per-connection setup (UTC, parsing macros, reference relations), running the named queries
of ``queries/`` and keeping the order table current. It never reads export files and never prints.
"""

from __future__ import annotations

import errno
import os
import re
import time
from collections.abc import Iterable
from pathlib import Path

import duckdb

from velocity import sql
from velocity.errors import VelocityError
from velocity.files import private_files

DEFAULT_DB = "velocity.duckdb"
WAIT_SECONDS = 5.0  # how long a command waits for another velocity to finish with the store (VELOCITY_WAIT)
MEMORY_LIMIT = "1.5GB"  # DuckDB spills beyond it (beside the store): a process stays within about 2 GB
# Reference relations every connection gets as temp views (the composed queries then read them by name).
REFERENCE = ("marketplaces", "transit_assumptions", "date_range_types", "reserve_rules")
_LOCKED = "Could not set lock"


def default_path() -> Path:
    return Path(os.environ.get("VELOCITY_DB") or DEFAULT_DB)


class Store:
    """An open store: the DuckDB connection and the named queries run on it. Close it (or use ``with``)."""

    def __init__(self, path: Path, con: duckdb.DuckDBPyConnection, *, writable: bool):
        self.path = path
        self.con = con
        self.writable = writable
        self._available: set[str] = set(REFERENCE)  # relations present as tables or views on this connection

    # -- plain SQL -------------------------------------------------------------------------------------

    def execute(self, query: str, params: dict | None = None) -> duckdb.DuckDBPyConnection:
        return self.con.execute(query, params or {})

    def one(self, query: str, params: dict | None = None) -> tuple | None:
        """The first row of a query (None if it has none), with the result read to its end: DuckDB keeps a
        connection busy while a result is left unfinished, and refuses other work on it meanwhile."""
        rows = self.con.execute(query, params or {}).fetchall()
        return rows[0] if rows else None

    # -- named relations ---------------------------------------------------------------------------------

    def _statement(self, name: str, params: dict | None, *, every_order: bool = False) -> tuple[str, dict]:
        text = sql.query(name, frozenset(self._available), every_order=every_order)
        return text, sql.bind(text, params or {})

    def run(self, name: str, params: dict | None = None) -> duckdb.DuckDBPyConnection:
        """The named relation (queries/**/NAME.sql, with what it reads), executed with its $parameters bound
        from params; missing ones are an error (DuckDB refuses them)."""
        text, bound = self._statement(name, params)
        return self.con.execute(text, bound)

    def frame_source(self, name: str, params: dict | None = None) -> duckdb.DuckDBPyRelation:
        """The named relation as a DuckDB relation: its Arrow stream goes straight into a polars frame."""
        text, bound = self._statement(name, params)
        return self.con.sql(text, params=bound or None)

    def records(self, name: str, params: dict | None = None) -> list[dict]:
        """The rows of the named relation as dicts: for small results."""
        rel = self.run(name, params)
        columns = [d[0] for d in rel.description]
        return [dict(zip(columns, row, strict=True)) for row in rel.fetchall()]

    def record(self, name: str, params: dict | None = None) -> dict:
        """The one row of a relation that always has one."""
        [row] = self.records(name, params)
        return row

    def columns(self, name: str, params: dict | None = None) -> dict:
        """The named relation as numpy columns (masked where null): for large results, no row objects."""
        return self.run(name, params).fetchnumpy()

    def materialize(self, name: str, params: dict | None = None) -> None:
        """The named relation as a temp table of the same name, its $parameters bound: for a relation that
        several later queries read, computed once (they then read the table)."""
        text, bound = self._statement(name, params)
        self.con.execute(f"create or replace temp table {name} as " + text, bound)
        self._available.add(name)

    def forget(self, name: str) -> None:
        self.con.execute(f"drop table if exists temp.{name}")
        self._available.discard(name)

    # -- lifecycle ----------------------------------------------------------------------------------------

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute("select value from velocity_meta where key = 'schema_version'").fetchall()
    return int(rows[0][0]) if rows else 0


def _user_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_catalog = current_database()"
        " and table_schema = 'main'"
    ).fetchall()
    return {r[0] for r in rows}


def _pending(con: duckdb.DuckDBPyConnection, path: Path) -> list[tuple[int, str, str]]:
    """The migrations the store still needs; refuses a database that is not a velocity store, or a newer one."""
    tables = _user_tables(con)
    if tables and "velocity_meta" not in tables:
        raise VelocityError(
            f"{path}: a DuckDB database, but not a velocity store (it holds {', '.join(sorted(tables)[:5])})",
            "point --db (or VELOCITY_DB) at a velocity store, or at a new file name to create one",
        )
    current = schema_version(con) if tables else 0
    steps = sql.migrations()
    if current > steps[-1][0]:
        raise VelocityError(
            f"{path}: the store has schema version {current}, newer than this velocity knows ({steps[-1][0]})",
            "upgrade velocity: pip install -U velocity",
        )
    return [s for s in steps if s[0] > current]


def _migrate(store: Store, steps: list[tuple[int, str, str]]) -> None:
    """Apply each step in its own transaction; the step that creates the order table also builds it."""
    con = store.con
    for version, _name, text in steps:
        con.begin()
        try:
            con.execute(text)
            if version == 1:
                con.execute("insert into velocity_meta values ('schema_version', '0')")
            if version == ORDERS_VERSION:
                refresh_orders(store, None)
            con.execute(
                "update velocity_meta set value = $v where key = 'schema_version'", {"v": str(version)}
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise


ORDERS_VERSION = 3  # the migration that creates the order table


def _classify(path: Path, exc: BaseException, *, writing: bool) -> VelocityError:
    """A one-line error for a store that cannot be opened: in use, on a read-only disk, or not a store."""
    text = str(exc)
    first = text.splitlines()[0] if text else type(exc).__name__
    if _LOCKED in text:
        return VelocityError(
            f"{path}: the store is in use by another velocity (an import, or contacts --mark-sent)",
            "try again in a moment, when it has finished",
        )
    code = getattr(exc, "errno", None)
    if (
        code in (errno.EROFS, errno.EACCES, errno.EPERM)
        or "Read-only file system" in text
        or ("Permission denied" in text)
    ):
        if writing:
            return VelocityError(
                f"{path}: the store cannot be written here (a read-only disk or folder, or no permission)",
                "velocity can read it where it is; to import, copy it to a folder you can write to and pass --db",
            )
        return VelocityError(
            f"{path}: the store cannot be read (no permission)", "check the file's permissions"
        )
    if "WAL does not match" in text or "replaying WAL" in text:
        return VelocityError(
            f"{path}.wal: a write-ahead log that does not belong to this store (left beside it from another copy?)",
            f"move it aside (rename {path.name}.wal to {path.name}.wal.old) and run again: the store then opens as"
            " it was last saved",
        )
    if path.exists() and _is_duckdb(path):
        if any(d in text for d in _DAMAGE):
            return VelocityError(
                f"{path}: the store file is damaged or cut short (a copy that did not finish?)",
                "restore it from a backup (velocity backup makes one), or import your exports into a new store",
            )
        return VelocityError(
            f"{path}: a DuckDB file velocity cannot open ({first})",
            "it may be damaged or from another DuckDB version; restore it from a backup",
        )
    return VelocityError(
        f"{path}: not a velocity store ({first})",
        "point --db (or VELOCITY_DB) at a velocity store, or at a new file name to create one",
    )


_DAMAGE = ("Could not read enough bytes", "Corrupt", "checksum", "Checksum")


def damaged(exc: BaseException) -> VelocityError | None:
    """The one-line message for a store found damaged in the middle of a command (DuckDB reads its pages
    as it needs them), or None for any other error (a bug in velocity, to stay loud)."""
    text = str(exc)
    if not (isinstance(exc, duckdb.Error) and any(d in text for d in _DAMAGE)):
        return None
    m = re.search(r'from file "([^"]+)"', text)
    path = Path(m.group(1)) if m else default_path()
    return VelocityError(
        f"{path}: the store file is damaged or cut short (a copy that did not finish?)",
        "restore it from a backup (velocity backup makes one), or import your exports into a new store",
    )


def _is_duckdb(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def _connect(path: Path, *, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """A connection, retrying while another velocity holds the store's lock (at most `wait` seconds)."""
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except (duckdb.Error, OSError) as exc:
            if _LOCKED in str(exc) and time.monotonic() < deadline:
                time.sleep(delay)
                delay = min(delay * 1.5, 0.5)
                continue
            raise _classify(path, exc, writing=not read_only) from None


def open_store(
    path: Path | str | None = None,
    *,
    write: bool = False,
    create: bool = False,
    wait: float | None = None,
) -> Store:
    """Open the store at path (default: VELOCITY_DB, else ./velocity.duckdb), migrated and ready for
    velocity's queries. Readers (write=False) open it read-only, so any number may run at once; a writer
    waits up to `wait` seconds for others to finish. create: make the store if it does not exist (writers)."""
    path = Path(path) if path is not None else default_path()
    if wait is None:
        wait = float(os.environ.get("VELOCITY_WAIT") or WAIT_SECONDS)
    if path.exists() and path.is_dir():
        raise VelocityError(f"{path}: is a folder, not a store file", "pass --db PATH/velocity.duckdb")
    if not path.exists():
        if not (write and create):
            raise VelocityError(
                f"{path}: no velocity store here yet",
                "import your exports first: velocity import FOLDER (or pass --db PATH)",
            )
    elif not write:
        con = _connect(path, read_only=True, wait=wait)
        store = Store(path, con, writable=False)
        try:
            steps = _pending(con, path)
        except duckdb.Error as exc:
            con.close()
            raise _classify(path, exc, writing=False) from None
        except BaseException:
            con.close()
            raise
        if not steps:
            _prepare(store)
            return store
        con.close()  # an older store: migrate it (a write), then read
        open_store(path, write=True, wait=wait).close()
        return open_store(path, write=False, wait=wait)
    with private_files():
        con = _connect(path, read_only=False, wait=wait)
        store = Store(path, con, writable=True)
        try:
            _private(path)
            _prepare(store)
            _migrate(store, _pending(con, path))
        except duckdb.Error as exc:
            con.close()
            raise _classify(path, exc, writing=True) from None
        except BaseException:
            con.close()
            raise
    return store


def connect(path: Path | str | None = None, *, create: bool = True) -> Store:
    """A writer's store (made if missing, with create): what import and the request log use."""
    return open_store(path, write=True, create=create)


def _private(path: Path) -> None:
    """The store holds buyer names and e-mails: readable by its owner only (its write-ahead log too)."""
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            if p.exists():
                p.chmod(0o600)
        except OSError:
            pass


def backup(store: Store, target: Path) -> int:
    """A consistent single-file copy of the store at target: everything written is checkpointed into the
    store file first (the write lock held, so nothing changes meanwhile), then copied to a private temporary
    file beside the target and renamed over it - whole or not at all. Returns the bytes written."""
    import shutil

    target = Path(target)
    if target.exists() and target.resolve() == store.path.resolve():
        raise VelocityError(f"{target}: that is the store itself", "back it up to another file")
    if target.is_dir():
        raise VelocityError(f"{target}: is a folder", f"give a file name, e.g. {target / store.path.name}")
    store.con.execute("checkpoint")
    tmp = target.with_name(f".{target.name}.velocity-tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as dst, store.path.open("rb") as src:
            shutil.copyfileobj(src, dst, 1 << 22)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise VelocityError(
            f"{target}: cannot be written ({exc.strerror})", "choose another place for the backup"
        ) from None
    return target.stat().st_size


def _prepare(store: Store) -> None:
    """Per-connection setup: UTC, parsing macros, reference relations as temp views."""
    con = store.con
    con.execute("set TimeZone = 'UTC'")
    # Row order in velocity's tables carries no meaning; letting DuckDB drop it makes loads parallel.
    con.execute("set preserve_insertion_order = false")
    con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
    con.execute(sql.load("macros"))
    for name in REFERENCE:
        con.execute(f"create or replace temp view {name} as {sql.load(name)}")


# ------------------------------------------------------------------------------------ the order table


def refresh_orders(store: Store, order_ids: Iterable[str] | str | None) -> int:
    """Rebuild the order table's rows for the given orders (a relation name holding an order_id column, a
    list of ids, or None for every order) from the store's tables: the rows of orders that no longer exist
    go, the others are written afresh. Returns how many orders were rebuilt. Call inside the transaction
    that changed the tables, so the two never disagree."""
    con = store.con
    if order_ids is None:  # every order: the order layer reads its tables whole (no touched_orders)
        con.execute("delete from orders")
        text, bound = store._statement("orders", {}, every_order=True)
        return int(con.execute(f"insert into orders by name {text}", bound).fetchall()[0][0])
    if isinstance(order_ids, str):
        con.execute(
            f"create or replace temp table touched_orders as select distinct order_id from {order_ids}"
            " where order_id is not null"
        )
    else:
        con.execute("create or replace temp table touched_orders (order_id varchar)")
        con.execute("insert into touched_orders select unnest($ids::varchar[])", {"ids": list(order_ids)})
    con.execute("delete from orders where order_id in (select order_id from touched_orders)")
    text, bound = store._statement("orders", {})
    written = con.execute(f"insert into orders by name {text}", bound).fetchall()[0][0]
    con.execute("drop table touched_orders")
    return int(written)
