"""Every SQL file loads, and every staging relation runs against an empty input with exactly the parameters
the importer binds, producing exactly its store table's columns (so SQL, Python and schema stay in step)."""

from __future__ import annotations

import pytest

from velocity import ingest, sql, store
from velocity.kinds import KINDS

PARAMS = {"marketplace": None, "date_format": "iso", "posted_date_format": "iso"}
TARGETS = [(kind, target) for kind in KINDS.values() for target in kind.targets]


def test_bind_ignores_parameters_named_in_comments():
    text = "-- Parameters: $as_of, $currency\nselect $currency::varchar as c"
    assert sql.bind(text, {"as_of": 1, "currency": "GBP", "other": 2}) == {"currency": "GBP"}


def test_loader_names_the_missing_file():
    with pytest.raises(RuntimeError, match=r"no_such_relation\.sql"):
        sql.load("no_such_relation")


def test_every_relation_has_a_header_comment_and_ends_with_final():
    for name in sql.names():
        text = sql.load(name)
        assert text.startswith("--"), name
        if name != "macros":
            assert "final" in text, name


def _empty_raw(con, kind):
    if kind.name == "account_health":
        columns = ", ".join(f"{c} varchar" for c in ingest._HEALTH_COLUMNS)
        con.execute(f"create or replace temp table raw_account_health ({columns})")
        return
    columns = ", ".join(f'null::varchar as "{c}"' for c in kind.columns)
    con.execute(f"create or replace temp view {kind.raw} as select {columns} where false")


@pytest.mark.parametrize(("kind", "target"), TARGETS, ids=[f"{k.name}-{t.relation}" for k, t in TARGETS])
def test_staging_relation_matches_its_table(con, kind, target):
    _empty_raw(con, kind)
    text = sql.load(target.relation)
    rel = con.execute(text, sql.bind(text, PARAMS))
    produced = [d[0] for d in rel.description]
    assert sorted(produced) == sorted(ingest._table_columns(con, target.table))
    for key in target.key:
        assert key in produced


def test_sales_relations_run_on_an_empty_store(con):
    from datetime import date

    values = {
        "as_of": date(2026, 11, 15),
        "currency": "GBP",
        "marketplace": None,
        **{f"{c}_{e}": 1 for c in ("fba", "mfn") for e in ("edd", "ldd")},
    }
    store.materialize(con, "sales_lines", values)
    store.materialize(con, "order_refunds", values)
    for name in (
        "daily_sales",
        "sales_currencies",
        "reserve_history",
        "feedback_daily",
        "rating_readings",
        "latest_sale_date",
        "order_refunds",
        "forecast_orders",
    ):
        text = sql.load(name)
        assert con.execute(text, sql.bind(text, values)).fetchall() in ([], [(None,)]), name


def test_health_relations_run_on_an_empty_store(con):
    from datetime import date

    values = {"as_of": date(2026, 11, 15)}
    store.materialize(con, "order_claims", values)
    store.materialize(con, "order_health", values)
    rows = con.execute(
        sql.load("health_from_orders"), sql.bind(sql.load("health_from_orders"), values)
    ).fetchall()
    assert {r[0] for r in rows} >= {"order_defect_rate", "pre_fulfillment_cancel_rate"}
    assert all(r[2] == 0 for r in rows)  # no orders: every denominator is 0 (no data, not 0%)
    assert (
        con.execute(sql.load("health_reported"), sql.bind(sql.load("health_reported"), values)).fetchall()
        == []
    )


def test_report_relations_run_on_an_empty_store(con):
    for name in (
        "store_summary",
        "feedback_mix",
        "reserve_summary",
        "imported_files_list",
        "order_marketplaces",
    ):
        con.sql(sql.load(name)).fetchall()


def test_contact_relations_run_on_an_empty_store(con):
    from datetime import date

    values = {
        "as_of": date(2026, 11, 15),
        "opted_out": [],
        "all": True,
        "soon": 7,
        **{f"{c}_{e}": None for c in ("fba", "mfn") for e in ("edd", "ldd")},
    }
    for name in ("order_refunds", "order_claims", "contact_orders"):
        store.materialize(con, name, values)
    for name in ("contact_rows", "contact_counts", "known_order_ids", "delivery_estimates"):
        text = sql.load(name)
        assert con.execute(text, sql.bind(text, values)).fetchall() == [], name
    transit = con.execute(sql.load("transit_assumptions")).fetchall()
    codes = {r[0] for r in con.execute(sql.load("marketplaces")).fetchall()}
    assert {(code, channel) for code, channel, *_ in transit} == {
        (c, ch) for c in codes for ch in ("fba", "mfn")
    }
    assert all(0 < low <= high for _, _, low, high in transit)
