"""Merging a staged file into its store table by natural key, and noting which orders it touched.

Per key the row with the greater version wins; at equal versions, the one whose content hashes greater (a
total order on content, computed afresh on both sides, only for rows that meet): so the store never depends
on the order files arrive in. Rows with the same key inside one file are settled by the same rule.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime

from velocity import sql
from velocity.errors import VelocityError
from velocity.ingest.place import quote
from velocity.kinds import Target
from velocity.store import Store

TOUCHED = "_touched"  # order ids the files of one import transaction changed


@dataclass(frozen=True)
class Merged:
    rows: int
    new: int
    updated: int
    unchanged: int
    marketplaces: list[str]
    was_empty: bool  # the table had no rows before: every row is new


def table_columns(store: Store, table: str) -> list[str]:
    rows = store.execute(
        "select column_name from information_schema.columns where table_name = $t and table_schema = 'main'"
        " order by ordinal_position",
        {"t": table},
    ).fetchall()
    return [r[0] for r in rows]


EARLIEST = date(2000, 1, 1)  # no Amazon export of a seller's own data is older
FUTURE_DAYS = 366  # ... and none is dated more than a year after it was imported


class ImplausibleDate(VelocityError):
    """A date in a file that cannot be right (1900, 2100): the column, its table column and the value."""

    def __init__(self, column: str, value, problem: str):
        super().__init__(
            f"column {column}: {value} is {problem}: a date that cannot be right",
            "the file is damaged or was edited: download the report again",
        )
        self.column, self.value = column, value


def check_dates(store: Store, relation: str, table: str) -> None:
    """Refuse the file when one of its dates (any date or instant column of the target table) is before 2000
    or more than a year after today: such a date would move the default as-of day or stretch every
    daily series across a century."""
    rows = store.execute(
        "select column_name from information_schema.columns where table_name = $t and table_schema = 'main'"
        " and data_type in ('DATE', 'TIMESTAMP WITH TIME ZONE') order by ordinal_position",
        {"t": table},
    ).fetchall()
    columns = [r[0] for r in rows]
    if not columns:
        return
    limits = ", ".join(f"min({quote(c)})::date, max({quote(c)})::date" for c in columns)
    found = store.one(f"select {limits} from {relation}")
    latest = date.fromordinal(datetime.now().date().toordinal() + FUTURE_DAYS)
    for i, column in enumerate(columns):
        low, high = found[2 * i], found[2 * i + 1]
        if low is not None and low < EARLIEST:
            raise ImplausibleDate(column, low, f"before {EARLIEST.year}")
        if high is not None and high > latest:
            raise ImplausibleDate(column, high, "more than a year from today")


@contextlib.contextmanager
def file_probes(store: Store):
    """Joins keep the sides they are written with: the file (the left side of a staging relation's join)
    probes, the reference relation (marketplaces, a few rows) is the hash table. DuckDB cannot estimate
    how many rows a file it reads without sniffing holds (a few dozen, it guesses, for any size) and would
    otherwise build the hash table from the whole file: gigabytes in memory for a large download."""
    store.execute("set disabled_optimizers = 'build_side_probe_side'")
    yield
    store.execute("reset disabled_optimizers")  # after a failure: load's rollback resets it


def start_touched(store: Store) -> None:
    store.execute(f"create or replace temp table {TOUCHED} (order_id varchar)")


def merge(store: Store, target: Target, params: dict, *, touches: bool) -> Merged:
    """Stage the target's relation and merge it into its table. A first import into an empty table is one
    pass; keys are checked for duplicates afterwards, on the narrow key columns. With `touches` (a table the
    order table is built from), the order ids of new and changed rows are added to the touched list."""
    text = sql.load(target.relation)
    columns = table_columns(store, target.table)
    content = ", ".join(quote(c) for c in columns)
    keys = ", ".join(quote(k) for k in target.key)
    table = quote(target.table)
    version = quote(target.version) if target.version else "null"
    rank = f"row_number() over (partition by {keys} order by {version} desc nulls last, hash({content}) desc)"
    bound = sql.bind(text, params)
    has_orders = touches and "order_id" in columns
    markets_of = (
        "select coalesce(list(distinct marketplace order by marketplace) filter (where marketplace is not null), [])"
        " from {}"
    )
    # Distinct key hashes prove distinct keys (equal keys hash equal); only when they are not all distinct
    # (a duplicate, or rarely a collision) is the exact check needed.
    hashes_distinct = "select count(*) = count(distinct hash(" + keys + ")) from {}"
    exact_duplicates = "select exists (select 1 from {} group by " + keys + " having count(*) > 1)"

    def has_duplicates(relation: str) -> bool:
        return (
            not store.one(hashes_distinct.format(relation))[0]
            and store.one(exact_duplicates.format(relation))[0]
        )

    if store.one(f"select not exists (select 1 from {table})")[0]:
        with file_probes(store):
            rows = store.one(f"insert into {table} by name select {content} from ({text})", bound)[0]
        check_dates(store, table, target.table)
        losers = 0
        if has_duplicates(table):
            losers = store.one(
                f"delete from {table} where rowid in (select rowid from (select rowid, {rank} as _rank"
                f" from {table}) where _rank > 1)",
            )[0]
        markets = store.one(markets_of.format(table))[0] if "marketplace" in columns else []
        if has_orders and target.table != "all_orders":  # all_orders' first rows rebuild every order
            store.execute(f"insert into {TOUCHED} select distinct order_id from {table}")
        return Merged(rows, rows - losers, 0, losers, markets, True)

    with file_probes(store):
        store.execute(f"create or replace temp table _staged as select {content} from ({text})", bound)
    check_dates(store, "_staged", target.table)
    rows = store.one("select count(*) from _staged")[0]
    markets = store.one(markets_of.format("_staged"))[0] if "marketplace" in columns else []
    if has_duplicates("_staged"):
        store.execute(f"create or replace temp table _staged as select * from _staged qualify {rank} = 1")
    # The table's rows this file may replace: found on the key columns alone (a narrow scan), then read
    # whole - so a weekly file into a large store reads a few columns of the table, not all of it.
    k0 = quote(target.key[0])
    key_list = ", ".join(f"t.{quote(k)}" for k in target.key)
    store.execute(
        f"create or replace temp table _hits as select t.rowid as _rid, {key_list} from {table} t"
        f" where t.{k0} in (select {k0} from _staged)"
    )
    t_content = ", ".join(f"t.{quote(c)}" for c in columns)
    store.execute(
        f"""create or replace temp table _old as
        select h._rid, {key_list}, {f"t.{version}" if target.version else "null"} as _version,
            hash({t_content}) as _hash
        from {table} t join _hits h on t.rowid = h._rid"""
    )
    on = " and ".join(f"w.{quote(k)} = o.{quote(k)}" for k in target.key)
    w_content = ", ".join(f"w.{quote(c)}" for c in columns)
    wv = f"w.{version}" if target.version else "null"
    better = (
        f"({wv} > o._version or ({wv} is not null and o._version is null)"
        f" or ({wv} is not distinct from o._version and hash({w_content}) > o._hash))"
    )
    store.execute(
        f"""create or replace temp table _apply as
        select w.*, o._rid as _rid
        from _staged w left join _old o on {on}
        where o._rid is null or {better}"""
    )
    new, updated = store.one(
        "select count(*) filter (where _rid is null), count(*) filter (where _rid is not null) from _apply"
    )
    if updated:
        store.execute(f"delete from {table} where rowid in (select _rid from _apply where _rid is not null)")
    store.execute(f"insert into {table} by name select * exclude (_rid) from _apply")
    if has_orders:
        store.execute(f"insert into {TOUCHED} select distinct order_id from _apply")
    store.execute("drop table _staged; drop table _apply; drop table _hits; drop table _old")
    return Merged(rows, new, updated, rows - new - updated, markets, False)
