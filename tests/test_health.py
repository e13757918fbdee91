"""velocity health: metrics with known defect counts, window edges, no data, the account-health report as the
authority, and the verdict for each reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import FIXTURES, SAMPLES, ask
from test_merge import line, write

from velocity import health, ingest
from velocity.store import refresh_orders

AS_OF = date(2026, 11, 15)


def _orders(tmp_path, con, days_ago: list[int], status: str = "Shipped", updated_on: date | None = None):
    """One UK order per entry, purchased at noon UTC that many days before AS_OF; last updated the same day
    (cancelled: later that day), or on updated_on (the download is at least that recent)."""
    rows = []
    for i, ago in enumerate(days_ago, start=1):
        when = f"{AS_OF - timedelta(days=ago)}T12:00:00+00:00"
        updated = (
            when if status == "Shipped" else f"{AS_OF - timedelta(days=ago)}T18:00:00+00:00"
        )  # a later change
        if updated_on is not None:
            updated = f"{updated_on}T20:00:00+00:00"
        rows.append(line(f"202-{i:07d}-{i:07d}", "S1", updated, status, purchased=when))
    ingest.import_paths(con, [write(tmp_path / f"orders_{status}_{len(days_ago)}.txt", *rows)])


def _metric(result: dict, name: str) -> dict:
    return next(m for m in result["metrics"] if m["name"] == name)


def test_known_defect_counts(tmp_path, con):
    _orders(tmp_path, con, list(range(0, 50)))  # 50 orders, ids 1..50, within 60 days
    # order 1: negative feedback; order 2: A-to-z claim (Returns) and negative feedback (one defect order);
    # order 3: a chargeback (settlement); orders 4-5 refunded (settlement); order 6: 4-star feedback
    con.execute(
        """insert into feedback (order_id, feedback_date, rating, date_format) values
        ('202-0000001-0000001', '2026-11-10', 1, 'iso'), ('202-0000002-0000002', '2026-11-10', 2, 'iso'),
        ('202-0000006-0000006', '2026-11-10', 4, 'iso')"""
    )
    con.execute(
        "insert into returns (order_id, amazon_rma_id, sku, a_to_z_claim) values ('202-0000002-0000002', 'R1', 'S1', true)"
    )
    con.execute(
        """insert into settlement_lines (settlement_id, line_hash, occurrence, transaction_type, order_id, amount, posted_date)
        values ('9', 1, 1, 'Chargeback Refund', '202-0000003-0000003', -10, '2026-11-12'),
               ('9', 2, 1, 'Refund', '202-0000004-0000004', -10, '2026-11-12'),
               ('9', 3, 1, 'Refund', '202-0000005-0000005', -10, '2026-11-12')"""
    )
    refresh_orders(con, None)  # rows written by hand, not by an import: rebuild the order table
    r = ask(con).health(as_of=AS_OF).data
    expected = {
        "order_defect_rate": (3, 50),
        "negative_feedback_rate": (2, 50),
        "a_to_z_claim_rate": (1, 50),
        "chargeback_rate": (1, 50),
        "refund_rate": (2, 50),
    }
    for name, (numerator, denominator) in expected.items():
        m = _metric(r, name)
        assert (m["numerator"], m["denominator"], m["rate"]) == (
            numerator,
            denominator,
            numerator / denominator,
        ), name
    odr = _metric(r, "order_defect_rate")
    assert odr["status"] == "at_risk" and odr["target"] == 0.01 and odr["window_days"] == 60
    assert r["verdict"]["likely_reason"] == "performance"
    assert "order defect rate 6.0%, above Amazon's target of 1%" in r["verdict"]["evidence"][0]


def test_sixty_day_window_edges(tmp_path, con):
    _orders(
        tmp_path, con, [59, 60], updated_on=AS_OF
    )  # 59 days ago: inside the 60 days to AS_OF; 60: outside
    con.execute(
        """insert into feedback (order_id, feedback_date, rating, date_format) values
        ('202-0000001-0000001', '2026-11-15', 1, 'iso'), ('202-0000002-0000002', '2026-11-16', 1, 'iso')"""
    )
    refresh_orders(con, None)
    odr = _metric(ask(con).health(as_of=AS_OF).data, "order_defect_rate")
    assert (odr["numerator"], odr["denominator"]) == (1, 1)
    # a download a day later: the first one falls out too
    _orders(tmp_path, con, [59, 60], updated_on=AS_OF + timedelta(days=1))
    odr = _metric(ask(con).health(as_of=AS_OF + timedelta(days=1)).data, "order_defect_rate")
    assert (odr["numerator"], odr["denominator"], odr["status"]) == (0, 0, "no_data")
    # the windows end on the last day the order downloads cover, not on a later as-of date
    later = ask(con).health(as_of=AS_OF + timedelta(days=30)).data
    assert (later["data_through"], later["orders_through"]) == ("2026-11-16", "2026-11-16")
    assert _metric(later, "order_defect_rate")["denominator"] == 0


def test_no_orders_in_the_window_is_no_data_not_zero(tmp_path, con):
    _orders(tmp_path, con, [20, 21], updated_on=AS_OF)  # downloaded on AS_OF: nothing in its last 7 days
    cancel = _metric(ask(con).health(as_of=AS_OF).data, "pre_fulfillment_cancel_rate")
    assert (cancel["rate"], cancel["status"], cancel["denominator"]) == (None, "no_data", 0)
    assert "no orders in the 7 days" in cancel["source"]


def test_cancel_rate_is_an_upper_bound_without_the_buyer_flag(tmp_path, con):
    _orders(tmp_path, con, [1, 2, 3, 4, 5])
    _orders(tmp_path, con, [1], status="Cancelled")  # order id 1 again: now cancelled (later last-updated)
    cancel = _metric(ask(con).health(as_of=AS_OF).data, "pre_fulfillment_cancel_rate")
    assert (cancel["numerator"], cancel["denominator"], cancel["exact"], cancel["status"]) == (
        1,
        5,
        False,
        "at_risk",
    )
    # an inexact breach is evidence, not the verdict
    assert ask(con).health(as_of=AS_OF).data["verdict"]["likely_reason"] != "performance"


@pytest.mark.parametrize("name", ["account_health__full.json", "account_health__airbyte.json"])
def test_account_health_report_is_authoritative(con, name):
    ingest.import_paths(con, [FIXTURES / "formats" / name])
    r = ask(con).health(as_of=date(2026, 12, 31)).data
    odr = _metric(r, "order_defect_rate")
    assert odr["source"].startswith("account-health report")
    assert odr["rate"] is not None
    if name == "account_health__full.json":  # both spellings of the cancel-rate metric are read
        cancel = _metric(r, "pre_fulfillment_cancel_rate")
        assert cancel["source"].startswith("account-health report") and cancel["rate"] is not None


def test_shared_sample_account_health(con):
    ingest.import_paths(con, [SAMPLES / "seller_performance__airbyte_fixture.json"])
    r = ask(con).health().data
    late = _metric(r, "late_shipment_rate")
    assert (late["rate"], late["numerator"], late["status"]) == (0.01, 1, "good")
    assert r["as_of"] == "2026-07-24"


def _m(name, rate, target, status, exact=True, condition="LESS_THAN"):
    label = name.replace("_", " ").capitalize()
    return {
        "name": name,
        "label": label,
        "rate": rate,
        "target": target,
        "status": status,
        "exact": exact,
        "condition": condition,
        "source": "test",
        "numerator": 1,
        "denominator": 10,
        "window_days": 60,
    }


RISE = {
    "verdict": "velocity_hold",
    "window_days": 28,
    "currency": "GBP",
    "trigger": {"rise_start": "2026-10-18", "sales_28d": 9920.91, "date": "2026-11-02", "ratio": 5.87},
}


def test_verdict_for_each_reason():
    good = [_m("order_defect_rate", 0.002, 0.01, "good"), _m("late_response_rate", None, 0.1, "no_data")]
    assert health.verdict(good, RISE)["likely_reason"] == "velocity"
    assert health.verdict(good, None)["likely_reason"] == "unclear"
    bad = [_m("order_defect_rate", 0.03, 0.01, "at_risk"), _m("late_response_rate", 0.2, 0.1, "at_risk")]
    v = health.verdict(bad, RISE)
    assert v["likely_reason"] == "performance" and "3.0%" in v["evidence"][0]
    slow = [_m("order_defect_rate", 0.002, 0.01, "good"), _m("late_response_rate", 0.2, 0.1, "at_risk")]
    v = health.verdict(slow, RISE)
    assert v["likely_reason"] == "responsiveness" and "24 hours" in v["next_steps"][0]
    for reason in ("velocity", "performance", "responsiveness", "unclear"):
        assert health.NEXT_STEPS[reason]


def test_demo_verdict_is_velocity(tmp_path):
    from velocity import store

    con = store.connect(tmp_path / "v.duckdb")
    ingest.import_paths(con, [FIXTURES / "demo"])
    r = ask(con).health().data
    con.close()
    assert r["verdict"]["likely_reason"] == "velocity"
    assert set(_metric(r, "order_defect_rate")) >= {
        "name",
        "numerator",
        "denominator",
        "rate",
        "target",
        "window_days",
        "status",
        "source",
    }
