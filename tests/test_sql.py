"""The query tree: every file declares what it reads and its parameters; the loader refuses a broken graph at
load; every relation runs on an empty store with exactly its parameters; each staging relation produces
exactly its store table's columns (so SQL, Python and schema stay in step)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from velocity import sql
from velocity.ingest.health_json import HEALTH_COLUMNS
from velocity.ingest.merge import table_columns
from velocity.kinds import KINDS

PARAMS = {
    "marketplace": None,
    "date_format": "iso",
    "posted_date_format": "iso",
    "language": "en",
    "currency": None,
}
TARGETS = [(kind, target) for kind in KINDS.values() for target in kind.targets]
ANSWER_VALUES = {
    "as_of": date(2026, 11, 15),
    "through": date(2026, 11, 15),
    "orders_through": date(2026, 11, 15),
    "first": date(2026, 10, 5),
    "last": date(2026, 11, 1),
    "currency": "GBP",
    "marketplace": None,
    "opted_out": [],
    "soon": 7,
    "all": True,
    "rule": None,
    "hold_start": None,
    "held": None,
    "settlement": None,
    "start": None,
    "end": None,
    "on": None,
    **{f"{c}_{e}": None for c in ("fba", "mfn") for e in ("edd", "ldd")},
}


def test_the_tree_shows_the_layers():
    root = sql.queries_dir()
    assert {p.name for p in root.iterdir() if p.is_dir()} >= {
        "reference",
        "staging",
        "orders",
        "answers",
        "migrations",
    }
    assert all(n.startswith("stg_") for n in sql.names("staging"))
    assert "orders" in sql.names("orders") and "order_windows" in sql.names("orders")
    for name in sql.names():
        rel = sql.relation(name)
        assert rel.path.parent.name == rel.layer and rel.path.stem == name


def test_bind_ignores_parameters_named_in_comments():
    text = "-- Parameters: $as_of, $currency\nselect $currency::varchar as c"
    assert sql.bind(text, {"as_of": 1, "currency": "GBP", "other": 2}) == {"currency": "GBP"}


def test_loader_names_the_missing_relation():
    with pytest.raises(sql.SqlError, match="no_such_relation"):
        sql.load("no_such_relation")


_FROM = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)\b(?!\s*\()", re.I)
_CTE = re.compile(r"\b([a-z_][a-z0-9_]*)\s+as\s*\(", re.I)
_NOT_RELATIONS = {"unnest", "generate_series", "source", "lines", "select"}


@pytest.mark.parametrize("name", sql.names())
def test_declared_reads_are_what_the_sql_reads(name):
    """Every relation a file's SQL reads is declared in its header, and every declared read is used."""
    rel = sql.relation(name)
    body = re.sub(r"--[^\n]*", "", rel.text)
    ctes = {m.lower() for m in _CTE.findall(body)}
    used = {m.lower() for m in _FROM.findall(body)} - ctes - _NOT_RELATIONS
    assert used == set(rel.reads), f"{rel.path}: reads {sorted(used)}, declares {sorted(rel.reads)}"


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "queries"
    for layer in sql.LAYERS:
        (root / layer).mkdir(parents=True)
    shutil.copytree(sql.queries_dir() / "migrations", root / "migrations")
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_loader_refuses_a_read_of_nothing(tmp_path):
    root = _tree(tmp_path, {"answers/a.sql": "-- a\n-- reads: no_such_thing\n-- params: none\nselect 1"})
    with pytest.raises(sql.SqlError, match=r"a\.sql: reads 'no_such_thing'"):
        sql.build_catalog(root)


def test_loader_refuses_a_cycle(tmp_path):
    root = _tree(
        tmp_path,
        {
            "answers/a.sql": "-- a\n-- reads: b\n-- params: none\nselect * from b",
            "answers/b.sql": "-- b\n-- reads: a\n-- params: none\nselect * from a",
        },
    )
    with pytest.raises(sql.SqlError, match="cycle"):
        sql.build_catalog(root)


def test_loader_refuses_undeclared_parameters_and_missing_headers(tmp_path):
    root = _tree(
        tmp_path, {"answers/a.sql": "-- a\n-- reads: orders\n-- params: none\nselect $x from orders"}
    )
    with pytest.raises(sql.SqlError, match="declares params"):
        sql.build_catalog(root)
    root = _tree(tmp_path / "2", {"answers/b.sql": "-- b\nselect 1"})
    with pytest.raises(sql.SqlError, match="must declare"):
        sql.build_catalog(root)


def test_composed_query_inlines_what_it_reads_in_order():
    text = sql.query("forecast_groups", frozenset({"marketplaces", "transit_assumptions"}))
    assert text.index("order_windows as (") < text.index("contact_list as (")
    assert "from orders" in text  # the order table, read as the table it is
    assert sql.params("forecast_groups") >= {"as_of", "through", "currency", "fba_edd"}
    # a whole rebuild reads the order layer's tables without the touched-orders semi-join
    semi = "in (select order_id from touched_orders)"
    assert semi in sql.query("orders") and semi not in sql.query("orders", every_order=True)


def _empty_raw(con, kind):
    if kind.name == "account_health":
        columns = ", ".join(f"{c} varchar" for c in HEALTH_COLUMNS)
        con.execute(f"create or replace temp table raw_account_health ({columns})")
        return
    columns = ", ".join(f'null::varchar as "{c}"' for c in kind.columns)
    con.execute(f"create or replace temp view {kind.raw} as select {columns} where false")


@pytest.mark.parametrize(("kind", "target"), TARGETS, ids=[f"{k.name}-{t.relation}" for k, t in TARGETS])
def test_staging_relation_matches_its_table(con, kind, target):
    _empty_raw(con, kind)
    rel = con.run(target.relation, PARAMS)
    produced = [d[0] for d in rel.description]
    assert sorted(produced) == sorted(table_columns(con, target.table))
    for key in target.key:
        assert key in produced


def test_order_build_matches_the_order_table(con):
    con.execute("create temp table touched_orders as select order_id from all_orders")
    rel = con.run("orders", {})
    assert [d[0] for d in rel.description] == table_columns(con, "orders")


@pytest.mark.parametrize("name", sql.names("orders") + sql.names("answers"))
def test_every_relation_runs_on_an_empty_store(con, name):
    con.execute("create or replace temp table touched_orders as select order_id from all_orders")
    rows = con.run(name, ANSWER_VALUES).fetchall()
    assert isinstance(rows, list)


def test_every_kind_is_read_by_a_staging_relation():
    staged = {t.relation for k in KINDS.values() for t in k.targets}
    assert staged == set(sql.names("staging"))
