"""Given/expect tests for the intermediate relations (dbt's unit tests): small input tables, the exact output
rows. The order table's rules at their edges: the first and last day of a window, a two-item order, a
partial refund, a cancelled-then-reinstated order, the local day across midnight, an order updated by a
later download."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from test_merge import line, write

from velocity import ingest
from velocity.store import refresh_orders

NO_TRANSIT = {f"{c}_{e}": None for c in ("fba", "mfn") for e in ("edd", "ldd")}
_NEXT_HASH = iter(range(1, 10**6))
DEFAULTS = {
    "all_orders": {
        "sku": "S1",
        "marketplace": "UK",
        "sales_channel": "Amazon.co.uk",
        "order_status": "Shipped",
        "item_status": "Shipped",
        "fulfillment_channel": "Merchant",
        "currency": "GBP",
    },
    "feedback": {"date_format": "iso", "marketplace": "UK"},
    "settlement_lines": {"settlement_id": "S-1", "occurrence": 1, "currency": "GBP"},
    "returns": {"amazon_rma_id": "R", "sku": "S1"},
    "feedback_requests": {"source": "file", "recorded_at": datetime(2026, 11, 1, tzinfo=UTC)},
    "order_report": {"order_item_id": "1", "marketplace": "UK"},
    "fba_shipments": {"shipment_id": "SH", "shipment_item_id": "1", "marketplace": "UK"},
}


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def given(con, table: str, *rows: dict) -> None:
    """Rows into a store table, velocity's defaults filling the columns a test does not care about."""
    for row in rows:
        full = {**DEFAULTS.get(table, {}), **row}
        if table == "settlement_lines":
            full.setdefault("line_hash", next(_NEXT_HASH))
        columns = ", ".join(full)
        marks = ", ".join(f"${k}" for k in full)
        con.execute(f"insert into {table} ({columns}) values ({marks})", full)


def expect(con, relation: str, params: dict, columns: list[str], rows: list[tuple]) -> None:
    got = con.records(relation, params)
    actual = sorted(tuple(r[c] for c in columns) for r in got)
    assert actual == sorted(rows), relation


def touch(con, *ids: str) -> None:
    """The orders an import touched (all of them when no ids are given)."""
    if ids:
        con.execute(
            "create or replace temp table touched_orders as select unnest($i::varchar[]) as order_id",
            {"i": list(ids)},
        )
    else:
        con.execute("create or replace temp table touched_orders as select distinct order_id from all_orders")


# --- order_lines: the local day, cancelled, pending, value ---------------------------------------------------


def test_order_lines_local_day_cancelled_pending_and_value(con):
    given(
        con,
        "all_orders",
        # 23:30 UTC on 1 July is 00:30 on 2 July in London (summer time): the UK local day is 2 July
        {
            "order_id": "A",
            "purchase_ts": ts("2026-07-01T23:30:00+00:00"),
            "item_price": 10,
            "shipping_price": 2,
            "gift_wrap_price": 1,
            "item_promotion_discount": -1.5,
        },
        # a two-item order with one item cancelled
        {
            "order_id": "B",
            "sku": "S1",
            "purchase_ts": ts("2026-07-01T10:00:00+00:00"),
            "item_status": "Cancelled",
            "item_price": 5,
        },
        {"order_id": "B", "sku": "S2", "purchase_ts": ts("2026-07-01T10:00:00+00:00"), "item_price": 7},
        # a pending US order: no price, no currency (the marketplace's), 03:00 UTC is the evening before in LA
        {
            "order_id": "C",
            "marketplace": "US",
            "sales_channel": "Amazon.com",
            "order_status": "Pending",
            "item_status": "Unshipped",
            "currency": None,
            "purchase_ts": ts("2026-07-02T03:00:00+00:00"),
        },
        {
            "order_id": "D",
            "marketplace": None,
            "sales_channel": "Non-Amazon",
            "purchase_ts": ts("2026-07-01T10:00:00+00:00"),
            "item_price": 3,
        },
        {
            "order_id": "E",
            "order_status": "Canceled",
            "item_status": None,
            "purchase_ts": ts("2026-07-01T10:00:00+00:00"),
        },
    )
    touch(con)
    expect(
        con,
        "order_lines",
        {},
        [
            "order_id",
            "sku",
            "purchase_date",
            "currency",
            "cancelled",
            "pending",
            "shipped",
            "non_amazon",
            "value",
        ],
        [
            ("A", "S1", date(2026, 7, 2), "GBP", False, False, True, False, Decimal("11.5")),
            ("B", "S1", date(2026, 7, 1), "GBP", True, False, True, False, Decimal("5")),
            ("B", "S2", date(2026, 7, 1), "GBP", False, False, True, False, Decimal("7")),
            ("C", "S1", date(2026, 7, 1), "USD", False, True, False, False, None),
            ("D", "S1", date(2026, 7, 1), "GBP", False, False, True, True, Decimal("3")),
            ("E", "S1", date(2026, 7, 1), "GBP", True, False, False, False, None),
        ],
    )
    touch(con, "A")  # only the touched orders are read
    assert {r["order_id"] for r in con.records("order_lines", {})} == {"A"}


# --- the order table -------------------------------------------------------------------------------------------


@pytest.fixture
def orders_store(con):
    given(
        con,
        "all_orders",
        {
            "order_id": "B",
            "sku": "S1",
            "purchase_ts": ts("2026-10-01T10:00:00+00:00"),
            "item_status": "Cancelled",
            "item_price": 5,
        },
        {
            "order_id": "B",
            "sku": "S2",
            "purchase_ts": ts("2026-10-01T10:00:00+00:00"),
            "item_price": 7,
            "quantity": 2,
        },
        {
            "order_id": "E",
            "sku": "S1",
            "purchase_ts": ts("2026-10-01T10:00:00+00:00"),
            "order_status": "Cancelled",
            "item_status": "Cancelled",
        },
        {
            "order_id": "F",
            "purchase_ts": ts("2026-10-01T10:00:00+00:00"),
            "item_price": 20,
            "fulfillment_channel": "Amazon",
        },
        {"order_id": "G", "purchase_ts": ts("2026-10-01T10:00:00+00:00"), "item_price": 20},
    )
    given(
        con,
        "settlement_lines",
        # F: a partial refund; G: refunded in full over two settlements' lines (the 6 Oct one completes it)
        {
            "order_id": "F",
            "transaction_type": "Order",
            "amount_description": "Principal",
            "amount": 20,
            "posted_date": date(2026, 10, 1),
        },
        {
            "order_id": "F",
            "transaction_type": "Refund",
            "amount_description": "Principal",
            "amount": -5,
            "posted_date": date(2026, 10, 5),
        },
        {
            "order_id": "G",
            "transaction_type": "Order",
            "amount_description": "Principal",
            "amount": 20,
            "posted_date": date(2026, 10, 1),
        },
        {
            "order_id": "G",
            "transaction_type": "Refund",
            "amount_description": "Principal",
            "amount": -10,
            "posted_date": date(2026, 10, 3),
        },
        {
            "order_id": "G",
            "transaction_type": "Refund",
            "amount_description": "Principal",
            "amount": -10,
            "posted_date": date(2026, 10, 6),
        },
        {
            "order_id": "G",
            "transaction_type": "Chargeback Refund",
            "amount_description": "Principal",
            "amount": 0,
            "posted_date": date(2026, 10, 9),
        },
    )
    given(con, "feedback", {"order_id": "B", "feedback_date": date(2026, 10, 10), "rating": 5})
    given(
        con,
        "feedback_requests",
        {"order_id": "F", "requested_on": date(2026, 10, 8)},
        {"order_id": "G", "requested_on": date(2026, 10, 9)},
    )
    # B's delivery window from the Order Report (instants, read on the London calendar: 8:00 and 7:00 BST)
    given(
        con,
        "order_report",
        {
            "order_id": "B",
            "purchase_ts": ts("2026-10-01T10:00:00+00:00"),
            "delivery_start_ts": ts("2026-10-03T07:00:00+00:00"),
            "delivery_end_ts": ts("2026-10-06T06:00:00+00:00"),
            "buyer_name": "Ann",
        },
    )
    given(
        con,
        "returns",
        {"order_id": "F", "return_request_ts": ts("2026-10-04T09:00:00+00:00"), "a_to_z_claim": True},
    )
    refresh_orders(con, None)
    return con


def test_the_order_table(orders_store):
    columns = [
        "order_id",
        "status",
        "cancelled",
        "units",
        "value",
        "channel",
        "estimated_earliest",
        "estimated_latest",
        "feedback_date",
        "feedback_rating",
        "refunded_on",
        "fully_refunded_on",
        "a_to_z_on",
        "chargeback_on",
        "return_requested_on",
        "asked_on",
        "buyer_name",
    ]
    rows = orders_store.execute(f"select {', '.join(columns)} from orders").fetchall()
    assert sorted(rows) == sorted(
        [
            (
                "B",
                "shipped",
                False,
                2,
                Decimal("7"),
                "mfn",
                date(2026, 10, 3),
                date(2026, 10, 6),
                date(2026, 10, 10),
                5,
                None,
                None,
                None,
                None,
                None,
                None,
                "Ann",
            ),
            (
                "E",
                "cancelled",
                True,
                0,
                Decimal("0"),
                "mfn",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ),
            (
                "F",
                "shipped",
                False,
                0,
                Decimal("20"),
                "fba",
                None,
                None,
                None,
                None,
                date(2026, 10, 5),
                None,
                date(2026, 10, 4),
                None,
                date(2026, 10, 4),
                date(2026, 10, 8),
                None,
            ),
            (
                "G",
                "shipped",
                False,
                0,
                Decimal("20"),
                "mfn",
                None,
                None,
                None,
                None,
                date(2026, 10, 3),
                date(2026, 10, 6),
                None,
                date(2026, 10, 9),
                None,
                date(2026, 10, 9),
                None,
            ),
        ]
    )


def test_order_windows_and_transit(orders_store):
    """The delivery window: the estimate where an export gives one, else purchase + assumed transit (UK:
    FBA 1-3, seller-fulfilled 2-5 days), or the given override; the request window on it."""
    columns = [
        "order_id",
        "earliest_delivery",
        "latest_delivery",
        "delivery_basis",
        "window_opens",
        "window_closes",
    ]
    expect(
        orders_store,
        "order_windows",
        NO_TRANSIT,
        columns,
        [
            ("B", date(2026, 10, 3), date(2026, 10, 6), "estimated", date(2026, 10, 8), date(2026, 11, 5)),
            ("E", date(2026, 10, 3), date(2026, 10, 6), "assumed", date(2026, 10, 8), date(2026, 11, 5)),
            ("F", date(2026, 10, 2), date(2026, 10, 4), "assumed", date(2026, 10, 7), date(2026, 11, 3)),
            ("G", date(2026, 10, 3), date(2026, 10, 6), "assumed", date(2026, 10, 8), date(2026, 11, 5)),
        ],
    )
    moved = {**NO_TRANSIT, "mfn_edd": 4, "mfn_ldd": 9}
    expect(
        orders_store,
        "order_windows",
        moved,
        columns[:4],
        [
            ("B", date(2026, 10, 3), date(2026, 10, 6), "estimated"),  # an estimate is never overridden
            ("E", date(2026, 10, 5), date(2026, 10, 10), "assumed"),
            ("F", date(2026, 10, 2), date(2026, 10, 4), "assumed"),  # FBA: its own assumption
            ("G", date(2026, 10, 5), date(2026, 10, 10), "assumed"),
        ],
    )


def _contact(con, as_of: date, **more) -> dict[str, tuple]:
    params = {
        "as_of": as_of,
        "through": as_of,
        "opted_out": [],
        "currency": None,
        "marketplace": None,
        **NO_TRANSIT,
        **more,
    }
    return {r["order_id"]: (r["reason"], r["days_left"]) for r in con.records("contact_list", params)}


def test_contact_list_reasons_and_the_window_edges(orders_store):
    """B's window is 8 Oct - 5 Nov: closed to it before and after, open on both days; the cut at as-of hides
    events after it (G's full refund of 6 Oct, F's request of 8 Oct)."""
    con = orders_store
    con.execute("update orders set feedback_date = null, feedback_rating = null where order_id = 'B'")
    assert _contact(con, date(2026, 10, 7))["B"] == ("not_open_yet", 29)
    assert _contact(con, date(2026, 10, 8))["B"] == (None, 28)
    assert _contact(con, date(2026, 11, 5))["B"] == (None, 0)
    assert _contact(con, date(2026, 11, 6))["B"] == ("window_closed", -1)
    assert _contact(con, date(2026, 10, 5))["G"][0] == "not_open_yet"  # refunded in full only on 6 Oct
    early = _contact(con, date(2026, 10, 7))
    assert early["E"][0] == "cancelled" and early["F"][0] is None and early["G"][0] == "refunded"
    assert _contact(con, date(2026, 10, 9))["F"][0] == "already_requested"  # asked on 8 Oct
    assert _contact(con, date(2026, 10, 9), opted_out=["b"])["B"][0] is None  # ids match exactly
    assert _contact(con, date(2026, 10, 9), opted_out=["B"])["B"][0] == "opted_out"


def test_orders_kept_current_at_import_cancelled_then_reinstated(tmp_path, con):
    """An order the first download shows cancelled and a later one shows shipped is a sale; the order table
    follows the newest version whatever order the files are imported in, and a file touching one order
    rebuilds only that order."""
    first = write(
        tmp_path / "a.txt",
        line(
            "202-0000001-0000001",
            "S1",
            "2026-10-02T10:00:00+00:00",
            "Cancelled",
            purchased="2026-10-01T10:00:00+00:00",
        ),
        line(
            "202-0000002-0000002",
            "S1",
            "2026-10-02T10:00:00+00:00",
            "Shipped",
            "9.00",
            purchased="2026-10-01T10:00:00+00:00",
        ),
    )
    later = write(
        tmp_path / "b.txt",
        line(
            "202-0000001-0000001",
            "S1",
            "2026-10-05T10:00:00+00:00",
            "Shipped",
            "12.00",
            purchased="2026-10-01T10:00:00+00:00",
        ),
    )
    for files in ([first, later], [later, first]):
        con.execute("delete from all_orders; delete from orders; delete from imported_files")
        for f in files:
            assert ingest.import_paths(con, [f])[0].status == "imported"
        got = con.execute("select order_id, cancelled, value from orders order by 1").fetchall()
        assert got == [
            ("202-0000001-0000001", False, Decimal("12")),
            ("202-0000002-0000002", False, Decimal("9")),
        ]
    # a feedback file for order 2 only rebuilds order 2 (the others' rows stay as they were)
    con.execute("update orders set value = 99 where order_id = '202-0000001-0000001'")
    fb = tmp_path / "fb.txt"
    fb.write_text(
        "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n3/10/26\t5\t\t\t202-0000002-0000002\t\n"
    )
    assert ingest.import_paths(con, [fb])[0].status == "imported"
    got = con.execute("select order_id, value, feedback_date from orders order by 1").fetchall()
    assert got == [
        ("202-0000001-0000001", Decimal("99"), None),
        ("202-0000002-0000002", Decimal("9"), date(2026, 10, 3)),
    ]


# --- answers ----------------------------------------------------------------------------------------------------


@pytest.fixture
def sales_store(con):
    day = [date(2026, 10, d) for d in range(1, 31)]
    for i, d in enumerate(day):
        given(
            con,
            "all_orders",
            {"order_id": f"O{i:02d}", "purchase_ts": ts(f"{d}T10:00:00+00:00"), "item_price": 10},
        )
    given(
        con,
        "all_orders",
        {
            "order_id": "X",
            "purchase_ts": ts("2026-10-15T10:00:00+00:00"),
            "order_status": "Cancelled",
            "item_status": "Cancelled",
            "item_price": 99,
        },
        {
            "order_id": "P",
            "purchase_ts": ts("2026-10-15T10:00:00+00:00"),
            "order_status": "Pending",
            "item_status": "Unshipped",
        },
    )
    refresh_orders(con, None)
    return con


def test_trigger_window_counts_both_edge_days(sales_store):
    got = sales_store.record(
        "trigger_window",
        {"first": date(2026, 10, 5), "last": date(2026, 11, 1), "currency": "GBP", "marketplace": None},
    )
    # 5-30 Oct: 26 priced orders and the pending one (counted, not valued); the cancelled one is no sale
    assert (got["orders"], got["sales"], got["unpriced_orders"]) == (27, Decimal("260"), 1)
    got = sales_store.record(
        "trigger_window",
        {"first": date(2026, 10, 6), "last": date(2026, 10, 6), "currency": "GBP", "marketplace": None},
    )
    assert got["orders"] == 1


def test_daily_sales_spine_and_rolling_sums(sales_store):
    rows = sales_store.records(
        "daily_sales", {"through": date(2026, 11, 3), "currency": "GBP", "marketplace": None}
    )
    assert rows[0]["date"] == date(2026, 10, 1) and rows[-1]["date"] == date(2026, 11, 3)
    assert [r["sales"] for r in rows[-4:]] == [0, 0, 0, 0]  # days without orders are zeros
    oct15 = next(r for r in rows if r["date"] == date(2026, 10, 15))
    assert (oct15["orders"], oct15["sales"], oct15["unpriced_orders"], oct15["pending_orders"]) == (
        2,
        10,
        1,
        1,
    )
    assert rows[27]["sales_28d"] == 280 and rows[27]["orders_28d"] == 29 and rows[6]["sales_7d"] == 70


def test_data_span(sales_store):
    span = sales_store.record("data_span", {"as_of": None})
    assert (span["first_order"], span["latest_order"], span["orders"], span["cancelled"], span["sold"]) == (
        date(2026, 10, 1),
        date(2026, 10, 30),
        32,
        1,
        31,
    )
    cut = sales_store.record("data_span", {"as_of": date(2026, 10, 10)})
    assert (cut["latest_order"], cut["orders"]) == (date(2026, 10, 10), 10)


def test_forecast_groups_count_each_order_once(sales_store):
    rows = sales_store.records(
        "forecast_groups",
        {
            "as_of": date(2026, 10, 30),
            "through": date(2026, 10, 30),
            "opted_out": [],
            "currency": "GBP",
            "marketplace": None,
            "rule": None,
            "hold_start": None,
            **NO_TRANSIT,
        },
    )
    assert sum(r["orders"] for r in rows) == 31  # the cancelled one aside
    eligible = sum(r["orders"] for r in rows if r["eligible"])
    # UK seller-fulfilled, assumed 2-5 days: open from purchase + 7, closed after purchase + 35
    assert (
        eligible == 23
    )  # orders of 1-23 Oct; 24 Oct's window opens on 31 Oct; the pending one is not shipped
