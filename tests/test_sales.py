"""velocity sales: daily sales, the rise, the hold, the trigger, the safe pace - against known truth."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from conftest import FIXTURES, ask
from test_merge import line, write

from velocity import ingest, sales
from velocity.errors import VelocityError


@pytest.fixture(scope="module")
def demo_result(tmp_path_factory):
    from velocity import store

    con = store.connect(tmp_path_factory.mktemp("demo") / "v.duckdb")
    ingest.import_paths(con, [FIXTURES / "demo"])
    yield ask(con).sales().data
    con.close()


def orders(path, rows):
    """An All Orders file from (order id, purchase instant, sku, qty, price, status, channel, currency)."""
    return write(
        path,
        *(
            line(
                o, sku, when, status, price, purchased=when, qty=str(qty), channel=channel, currency=currency
            )
            for o, when, sku, qty, price, status, channel, currency in rows
        ),
    )


# --- the change point --------------------------------------------------------------------------------------


def test_change_point_finds_a_known_step():
    rng = np.random.default_rng(3)
    series = np.concatenate([rng.poisson(4, 30), rng.poisson(30, 20)]).astype(float) * 20
    cp = sales.change_point(series)
    assert cp is not None and abs(cp.index - 30) <= 1
    assert cp.after > 5 * cp.before and cp.is_rise


def test_noise_is_not_a_rise():
    rng = np.random.default_rng(5)
    assert not sales.change_point(rng.poisson(5, 60).astype(float) * 10).is_rise
    assert not sales.change_point(np.array([10.0, 0, 0, 0, 20, 0])).is_rise


def test_change_point_refuses_a_fall_and_short_series():
    assert sales.change_point(np.array([50.0] * 20 + [5.0] * 20)) is None
    assert sales.change_point(np.array([1.0, 2.0, 3.0])) is None


# --- the demo seller (the generator's truth: rise from 2026-10-19, reserve from the settlement ending 11-02)


def test_demo_rise_within_two_days_of_truth(demo_result):
    rise = date.fromisoformat(demo_result["trigger"]["rise_start"])
    assert abs((rise - date(2026, 10, 19)).days) <= 2


def test_demo_hold_dated_from_settlements(demo_result):
    hold = demo_result["hold"]
    assert (hold["start"], hold["source"], hold["held_amount"], hold["held_currency"]) == (
        "2026-11-02",
        "settlements",
        4682.23,
        "GBP",
    )
    assert [h["held_amount"] for h in hold["history"]] == [1738.26, 4682.23]


def test_demo_trigger_and_contract(demo_result):
    r = demo_result
    assert r["as_of"] == "2026-11-15" and r["currency"] == "GBP" and r["window_days"] == 28
    t = r["trigger"]
    assert set(t) >= {
        "rise_start",
        "date",
        "sales_28d",
        "orders_28d",
        "baseline",
        "ratio",
        "positive_feedback_28d",
    }
    # the 28 days before the hold: 5 Oct - 1 Nov (the hold began on 2 Nov)
    assert (t["first"], t["date"], t["window"]) == ("2026-10-05", "2026-11-01", "before_hold")
    assert t["ratio"] > 3 and t["ratio"] == pytest.approx(t["sales_28d"] / t["baseline"], abs=0.01)
    assert 0 <= t["positive_feedback_rate_28d"] <= 1
    assert set(r["hold"]) >= {"start", "source", "held_amount"}
    assert r["safe_pace_per_day"] is not None and r["safe_pace_per_day"] * 28 < t["sales_28d"]
    assert r["verdict"] == "velocity_hold"
    day = r["daily"][0]
    assert set(day) >= {"date", "orders", "units", "sales", "sales_7d", "sales_28d"}
    json.dumps(r)  # plain data only


def test_demo_positive_feedback_from_the_rating_table(demo_result):
    t = demo_result["trigger"]
    # the reading of 2026-11-01 (one day from the trigger): 13 positive in its 30 days
    assert (t["positive_feedback_28d"], t["positive_feedback_source"], t["positive_feedback_read_on"]) == (
        13,
        "rating_table",
        "2026-11-01",
    )
    assert t["positive_feedback_rate_28d"] == pytest.approx(13 / t["orders_28d"], abs=1e-4)


def test_positive_feedback_from_report_rows_without_a_reading(tmp_path):
    from velocity import store

    con = store.connect(tmp_path / "v.duckdb")
    ingest.import_paths(con, [FIXTURES / "demo"])
    con.execute("delete from feedback_ratings")
    t = ask(con).sales().data["trigger"]
    con.close()
    assert (t["positive_feedback_28d"], t["positive_feedback_source"], t["positive_feedback_read_on"]) == (
        3,
        "feedback_report",
        None,
    )


def test_demo_rolling_sums_are_sums_of_days(demo_result):
    daily = demo_result["daily"]
    values = np.array([d["sales"] for d in daily])
    for i in (0, 10, 27, 40, len(daily) - 1):
        assert daily[i]["sales_7d"] == pytest.approx(values[max(0, i - 6) : i + 1].sum(), abs=0.02)
        assert daily[i]["sales_28d"] == pytest.approx(values[max(0, i - 27) : i + 1].sum(), abs=0.02)


# --- edge cases --------------------------------------------------------------------------------------------


def test_days_without_orders_are_zeros_and_as_of_cuts(tmp_path, con):
    path = orders(
        tmp_path / "o.txt",
        [
            (
                "202-0000001-0000001",
                "2026-10-01T10:00:00+00:00",
                "A",
                1,
                "10.00",
                "Shipped",
                "Amazon.co.uk",
                "GBP",
            ),
            (
                "202-0000002-0000002",
                "2026-10-05T10:00:00+00:00",
                "A",
                2,
                "20.00",
                "Shipped",
                "Amazon.co.uk",
                "GBP",
            ),
            (
                "202-0000003-0000003",
                "2026-10-09T10:00:00+00:00",
                "A",
                1,
                "99.00",
                "Shipped",
                "Amazon.co.uk",
                "GBP",
            ),
        ],
    )
    ingest.import_paths(con, [path])
    r = ask(con).sales(as_of=date(2026, 10, 6)).data
    assert [d["date"] for d in r["daily"]] == [f"2026-10-0{i}" for i in range(1, 7)]
    assert [d["sales"] for d in r["daily"]] == [10.0, 0.0, 0.0, 0.0, 20.0, 0.0]
    assert r["daily"][-1]["sales_28d"] == 30.0
    assert any("only 6 days" in n for n in r["notes"])
    assert r["verdict"] == "no_rise"


def test_local_day_and_exclusions(tmp_path, con):
    """23:30 UTC in summer is the next day in London; cancelled and Non-Amazon lines do not count; a pending
    line without a price is counted as an order, not valued."""
    path = orders(
        tmp_path / "o.txt",
        [
            (
                "202-0000001-0000001",
                "2026-07-01T23:30:00+00:00",
                "A",
                1,
                "10.00",
                "Shipped",
                "Amazon.co.uk",
                "GBP",
            ),
            ("202-0000002-0000002", "2026-07-02T10:00:00+00:00", "A", 0, "", "Cancelled", "Amazon.co.uk", ""),
            (
                "202-0000003-0000003",
                "2026-07-02T11:00:00+00:00",
                "A",
                1,
                "50.00",
                "Shipped",
                "Non-Amazon",
                "GBP",
            ),
            ("202-0000004-0000004", "2026-07-02T12:00:00+00:00", "A", 1, "", "Pending", "Amazon.co.uk", ""),
        ],
    )
    ingest.import_paths(con, [path])
    r = ask(con).sales().data
    [day] = r["daily"]
    assert (day["date"], day["orders"], day["sales"], day["unpriced_orders"]) == ("2026-07-02", 2, 10.0, 1)
    assert any("1 pending orders have no price" in n for n in r["notes"])


def test_currencies_are_never_added(tmp_path, con):
    rows = [
        (
            f"202-{i:07d}-{i:07d}",
            f"2026-10-{1 + i % 20:02d}T10:00:00+00:00",
            "A",
            1,
            "10.00",
            "Shipped",
            "Amazon.co.uk",
            "GBP",
        )
        for i in range(30)
    ]
    rows += [
        (
            f"302-{i:07d}-{i:07d}",
            f"2026-10-{1 + i % 20:02d}T10:00:00+00:00",
            "A",
            1,
            "7.00",
            "Shipped",
            "Amazon.de",
            "EUR",
        )
        for i in range(10)
    ]
    ingest.import_paths(con, [orders(tmp_path / "o.txt", rows)])
    gbp = ask(con).sales().data
    assert gbp["currency"] == "GBP" and sum(d["sales"] for d in gbp["daily"]) == 300.0
    assert any("also sells in EUR (DE)" in n for n in gbp["notes"])
    eur = ask(con).sales(currency="eur").data
    assert eur["currency"] == "EUR" and sum(d["sales"] for d in eur["daily"]) == 70.0
    with pytest.raises(VelocityError, match="no sales in USD"):
        ask(con).sales(currency="USD")


def test_hold_without_a_rise_is_not_velocity(tmp_path, con):
    rows = [
        (
            f"202-{i:07d}-{i:07d}",
            f"2026-10-{1 + i % 28:02d}T10:00:00+00:00",
            "A",
            1,
            "10.00",
            "Shipped",
            "Amazon.co.uk",
            "GBP",
        )
        for i in range(56)
    ]
    ingest.import_paths(con, [orders(tmp_path / "o.txt", rows)])
    r = ask(con).sales(hold_date=date(2026, 10, 25)).data
    assert r["hold"]["source"] == "given" and r["hold"]["start"] == "2026-10-25"
    assert r["verdict"] == "hold_without_rise"
    assert r["trigger"]["rise_start"] is None
