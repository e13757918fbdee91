"""velocity payouts: each order's money and release day under the delivery-date reserve, at the rule's edges
(delivered on the day DD+7 began, released after a review hold began, refunded while deferred, a marketplace
whose rule is unknown, Amazon's own release date), the settlements' sold against paid to the cent, the
calendar, and the JSON contract."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from conftest import FIXTURES, ask, export_header, write_rows
from test_merge import line, write

from velocity import ingest
from velocity.errors import VelocityError


def _at(day: str) -> str:
    return f"{day}T10:00:00+00:00"


# order id: (purchase day, latest delivery day, price) - UK unless the id says JP
ORDERS = {
    "202-0000001-0000001": ("2025-08-27", "2025-08-31", "20.00"),  # delivered the day before DD+7 began
    "202-0000002-0000002": ("2025-08-28", "2025-09-01", "20.00"),  # delivered on the day DD+7 began
    "202-0000003-0000003": ("2026-10-20", "2026-10-25", "30.00"),  # DD+7 release 11-01: before the hold
    "202-0000004-0000004": (
        "2026-10-23",
        "2026-10-28",
        "40.00",
    ),  # DD+7 release 11-04: after the hold -> DD+14
    "202-0000005-0000005": ("2026-11-08", "2026-11-12", "50.00"),  # deferred on the as-of day
    "202-0000006-0000006": ("2026-11-08", "2026-11-12", "60.00"),  # refunded while deferred
    "202-0000007-0000007": ("2026-11-09", "2026-11-13", "70.00"),  # Amazon's Date Range release date given
    "202-0000009-0000009": ("2026-11-05", "2026-11-10", "90.00"),  # released early (tracked delivery)
}
HOLD = "2026-11-02"
AS_OF = date(2026, 11, 15)


def _settlement(path, sid: str, start: str, end: str, lines: list[tuple]) -> None:
    """A V2 settlement: the summary row, then (transaction-type, order-id, amount-type, description, amount,
    posted day) lines; its total is the sum of its lines."""
    header = export_header("settlement_v2__standard.txt")
    total = sum(Decimal(a) for *_, a, _ in lines)
    rows = [
        {
            "settlement-id": sid,
            "settlement-start-date": _at(start),
            "settlement-end-date": _at(end),
            "deposit-date": _at((date.fromisoformat(end) + timedelta(days=2)).isoformat()),
            "total-amount": f"{total:.2f}",
            "currency": "GBP",
        }
    ]
    for kind, order, atype, desc, amount, posted in lines:
        rows.append(
            {
                "settlement-id": sid,
                "transaction-type": kind,
                "order-id": order,
                "marketplace-name": "Amazon.co.uk",
                "amount-type": atype,
                "amount-description": desc,
                "amount": amount,
                "posted-date": posted,
                "posted-date-time": _at(posted),
            }
        )
    write_rows(path, header, rows)


@pytest.fixture
def shop(tmp_path, con):
    lines = [
        line(oid, "SKU-A", _at("2026-11-14"), "Shipped", price, purchased=_at(day))
        for oid, (day, _, price) in ORDERS.items()
    ]
    lines.append(
        line(
            "503-0000008-0000008",
            "SKU-A",
            _at("2026-11-14"),
            "Shipped",
            "80",
            purchased=_at("2026-11-01"),
            channel="Amazon.co.jp",
            currency="JPY",
        )
    )
    write(tmp_path / "orders.txt", *lines)
    report = export_header("order_report__2017.txt")
    write_rows(
        tmp_path / "order_report.txt",
        report,
        [
            {
                "order-id": oid,
                "order-item-id": f"{n}1",
                "purchase-date": _at(day),
                "buyer-email": f"b{n}@marketplace.amazon.co.uk",
                "sku": "SKU-A",
                "quantity-purchased": "1",
                "currency": "GBP",
                "item-price": price,
                "delivery-start-date": _at((date.fromisoformat(latest) - timedelta(days=2)).isoformat()),
                "delivery-end-date": _at(latest),
                "sales-channel": "Amazon.co.uk",
            }
            for n, (oid, (day, latest, price)) in enumerate(ORDERS.items(), start=1)
        ],
    )
    # two settlements: order 3 paid on its DD+7 day (11-01); the second holds a review reserve of 25.00
    _settlement(
        tmp_path / "s1.txt",
        "111",
        "2026-10-19",
        HOLD,
        [
            ("Order", "202-0000003-0000003", "ItemPrice", "Principal", "30.00", "2026-11-01"),
            ("Order", "202-0000003-0000003", "ItemFees", "Commission", "-4.50", "2026-11-01"),
        ],
    )
    _settlement(
        tmp_path / "s2.txt",
        "222",
        HOLD,
        "2026-11-16",
        [
            ("Order", "202-0000004-0000004", "ItemPrice", "Principal", "40.00", "2026-11-11"),
            ("Order", "202-0000004-0000004", "ItemFees", "Commission", "-6.00", "2026-11-11"),
            ("other-transaction", "", "other-transaction", "Subscription Fee", "-25.00", "2026-11-03"),
            ("other-transaction", "", "other-transaction", "Current Reserve Amount", "-25.00", HOLD),
        ],
    )
    returns = export_header("returns__standard.txt")
    write_rows(
        tmp_path / "returns.txt",
        returns,
        [
            {
                "Order ID": "202-0000006-0000006",
                "Order date": _at("2026-11-08"),
                "Return request date": _at("2026-11-13"),
                "Return request status": "Approved",
                "Amazon RMA ID": "RMA6",
                "Currency code": "GBP",
                "A-to-Z Claim": "N",
                "Merchant SKU": "SKU-A",
                "Return quantity": "1",
                "Order Amount": "60.00",
                "Order quantity": "1",
                "Refunded Amount": "60.00",
            }
        ],
    )
    dr = (FIXTURES / "date_range" / "date_range__uk_2026.csv").read_text(encoding="utf-8-sig").split("\n")
    header_at = next(i for i, t in enumerate(dr) if t.startswith('"date/time"'))
    dr_rows = [
        '"9 Nov 2026 10:00:00 UTC","333","Order","202-0000007-0000007","SKU-A","Poster","1","amazon.co.uk",'
        '"Amazon","","","","","70.00","0.00","0.00","0.00","0.00","0.00","0.00","0.00","0.00","-10.50","0.00",'
        '"0.00","0.00","59.50","Deferred","29 Nov 2026 06:00:00 UTC"',
        '"5 Nov 2026 12:00:00 UTC","222","Order","202-0000009-0000009","SKU-A","Poster","1","amazon.co.uk",'
        '"Amazon","","","","","90.00","0.00","0.00","0.00","0.00","0.00","0.00","0.00","0.00","-13.50","0.00",'
        '"0.00","0.00","76.50","Released","14 Nov 2026 06:00:00 UTC"',
    ]
    (tmp_path / "range.csv").write_text("\n".join([*dr[: header_at + 1], *dr_rows]) + "\n", encoding="utf-8")
    files = ["orders.txt", "order_report.txt", "s1.txt", "s2.txt", "returns.txt", "range.csv"]
    results = ingest.import_paths(con, [tmp_path / f for f in files])
    assert all(r.status == "imported" for r in results), [r.error for r in results]
    return con


def _orders(answer) -> dict[str, dict]:
    return {r["order_id"]: r for r in answer.data["orders"]}


def test_release_days_at_the_rules_edges(shop):
    got = _orders(ask(shop).payouts(as_of=AS_OF, currency="GBP"))
    before, on = got["202-0000001-0000001"], got["202-0000002-0000002"]
    assert (before["rule"], before["release_date"]) == ("none", "2025-08-27")  # paid when sold
    assert (on["rule"], on["release_date"]) == ("dd7", "2025-09-08")
    # released on 11-01 (a settlement says so) - the day before the hold: DD+7 kept
    assert got["202-0000003-0000003"]["rule"] == "dd7"
    assert got["202-0000003-0000003"]["release_date"] == "2026-11-01"
    assert got["202-0000003-0000003"]["settlement_id"] == "111"
    # delivered before the hold, its DD+7 day after it: DD+14 (the settlement paid it on 11-11)
    assert got["202-0000004-0000004"]["rule"] == "dd14"
    assert got["202-0000004-0000004"]["release_date"] == "2026-11-11"
    deferred = got["202-0000005-0000005"]
    assert (deferred["state"], deferred["rule"], deferred["release_date"]) == (
        "deferred",
        "dd14",
        "2026-11-26",
    )
    assert deferred["release_basis"] == "rule" and deferred["delivery_basis"] == "estimated"
    assert got["202-0000006-0000006"]["state"] == "refunded"
    amazon = got["202-0000007-0000007"]
    assert (amazon["release_date"], amazon["release_basis"], amazon["amount"]) == (
        "2026-11-29",
        "date_range",
        59.5,
    )


def test_a_given_rule_applies_to_every_order(shop):
    got = _orders(ask(shop).payouts(as_of=AS_OF, currency="GBP", rule="dd7"))
    assert got["202-0000005-0000005"]["release_date"] == "2026-11-19"
    assert got["202-0000001-0000001"]["release_date"] == "2025-09-07"
    with pytest.raises(VelocityError, match="not a reserve rule"):
        ask(shop).payouts(rule="dd10")


def test_states_and_the_review_reserve(shop):
    answer = ask(shop).payouts(as_of=AS_OF, currency="GBP")
    got = _orders(answer)
    # the reserve (25.00) is attributed to the latest released order (Amazon released it on 11-14); the one
    # before it is in the settlement still open (deposited 11-18), the one before that was paid
    assert got["202-0000009-0000009"]["state"] == "held"
    assert got["202-0000004-0000004"]["state"] == "released"
    assert got["202-0000003-0000003"]["state"] == "paid"
    s = answer.data["summary"]
    assert s["held_reserve"] == 25.0
    assert s["orders"]["deferred"] == 2 and s["deferred"] == pytest.approx(50.0 + 59.5)
    assert s["held_until"] == "2027-01-31"


def test_settlements_add_up_to_the_cent(shop):
    answer = ask(shop).payouts(as_of=AS_OF, currency="GBP")
    for x in answer.data["settlements"]:
        parts = x["paid"] + x["deferred"] + x["reserve"] + x["fees"] + x["refunds"] + x["other"]
        assert round(parts, 2) == x["sold"], x
    second = answer.data["settlements"][1]
    assert (second["paid"], second["reserve"], second["fees"]) == (-16.0, 25.0, 31.0)


def test_a_marketplace_without_a_known_rule_is_said(shop):
    answer = ask(shop).payouts(as_of=AS_OF, currency="JPY")
    assert any("not known to velocity: DD+7 assumed" in n for n in answer.data["notes"])
    [jp] = answer.data["orders"]
    assert jp["rule"] == "dd7"


def test_the_calendar_and_the_orders_behind_a_day(shop):
    answer = ask(shop).payouts(as_of=AS_OF, currency="GBP")
    days = {c["date"]: c for c in answer.data["calendar"]}
    assert days["2026-11-29"]["amount"]["p10"] >= 59.5  # a known release date is certain
    last = answer.data["calendar"][-1]["cumulative"]
    assert last["p10"] == last["p90"] == pytest.approx(109.5)  # everything deferred has come by the end
    on = ask(shop).payouts(as_of=AS_OF, currency="GBP", on="2026-11-29")
    assert [r["order_id"] for r in on.data["orders"]] == ["202-0000007-0000007"]
    behind = ask(shop).payouts(as_of=AS_OF, currency="GBP", settlement="222")
    assert "202-0000004-0000004" in _orders(behind)


def test_json_contract_and_csv(shop, tmp_path):
    answer = ask(shop).payouts(as_of=AS_OF, currency="GBP")
    data = json.loads(answer.json())
    assert {"as_of", "currency", "rule", "orders", "calendar", "settlements", "summary"} <= set(data)
    assert set(data["orders"][0]) >= {
        "order_id",
        "purchase_date",
        "delivery_date",
        "delivery_basis",
        "amount",
        "state",
        "release_date",
        "settlement_id",
    }
    assert set(data["calendar"][0]) >= {"date", "amount"} and set(data["calendar"][0]["amount"]) == {
        "p10",
        "p50",
        "p90",
    }
    assert set(data["settlements"][0]) >= {
        "settlement_id",
        "start",
        "end",
        "deposit_date",
        "sold",
        "paid",
        "deferred",
        "reserve",
        "fees",
        "refunds",
        "other",
    }
    assert set(data["summary"]) >= {"sold", "paid", "deferred", "held_reserve", "refunded"}
    assert answer.csv().splitlines()[0].startswith("order_id,purchase_date,delivery_date")


def test_forecast_dd7_and_dd14_and_payouts_agree_on_every_orders_day(shop):
    """One relation (order_release) gives both: the forecast's orders released under DD+7 (and DD+14) on
    exactly the days payouts --rule dd7 (dd14) lists, order for order."""
    from collections import Counter

    from velocity import context
    from velocity.forecast.history import load

    ctx = context.build(shop, as_of=AS_OF, currency="GBP")
    history = load(shop, ctx, releases=True)
    epoch = date(1970, 1, 1)
    for rule, days in (("dd7", history.release_dd7), ("dd14", history.release_dd14)):
        forecast_days = Counter()
        for day, n in zip(days.tolist(), history.count.tolist(), strict=True):
            forecast_days[(epoch + timedelta(days=day)).isoformat()] += n
        listed = ask(shop).payouts(as_of=AS_OF, currency="GBP", rule=rule).data["orders"]
        assert Counter(r["release_date"] for r in listed) == forecast_days, rule
    # ... and the dd7 policy holds the money of the orders still waiting on the day its forecast starts:
    # order 7 waits for Amazon's release date (11-29), order 9 was released early (11-14, before its DD+7
    # day, 11-17), as payouts says
    for as_of in (AS_OF, date(2026, 11, 25)):
        result = ask(shop).forecast(as_of=as_of, currency="GBP", policy="dd7").data
        start = date.fromisoformat(result["data_through"])
        listed = ask(shop).payouts(as_of=as_of, currency="GBP", rule="dd7").data["orders"]
        waiting = [r["order_id"] for r in listed if date.fromisoformat(r["release_date"]) > start]
        assert "202-0000007-0000007" in waiting and "202-0000009-0000009" not in waiting
        assert result["money"]["held_now"] == pytest.approx(sum(_value(shop, o) for o in waiting), abs=0.01)


def _value(con, order_id: str) -> float:
    return float(con.one("select value from orders where order_id = $o", {"o": order_id})[0])


def test_the_demo_is_explained_to_the_cent_and_every_waiting_order_has_its_day(demo_db):
    """On the demo nothing is left unexplained (`other` is 0 in every settlement: the parts are measured, not
    the remainder), every order not paid yet has a release day, the summary is the sum of its orders, and
    status and the forecast's held money quote the same figures."""
    from velocity import store

    with store.connect(demo_db) as con:
        v = ask(con)
        data = v.payouts().data
        for x in data["settlements"]:
            assert x["other"] == 0, x
            parts = x["paid"] + x["deferred"] + x["reserve"] + x["fees"] + x["refunds"]
            assert round(parts, 2) == x["sold"], x
        waiting = [r for r in data["orders"] if r["state"] in ("deferred", "held", "released")]
        assert waiting and all(r["release_date"] for r in waiting)
        deferred = [r for r in waiting if r["state"] == "deferred"]
        assert all(r["release_date"] > data["as_of"] for r in deferred)
        s = data["summary"]
        assert s["deferred"] == pytest.approx(sum(r["amount"] for r in deferred), abs=0.005)
        assert s["held_reserve"] == pytest.approx(4682.23)
        [row] = v.status().data["deferred"]
        assert (row["deferred"], row["held_reserve"], row["as_of"]) == (
            s["deferred"],
            s["held_reserve"],
            data["as_of"],
        )
        assert v.forecast().data["money"]["held_now"] == pytest.approx(s["held_reserve"])


def test_an_order_still_deferred_past_its_rule_day_is_overdue_not_in_the_past(demo_db):
    """The demo's Date Range reports (to 2026-11-15) still defer order 202-0187861-2224724, whose DD+14 day by
    the assumed delivery (10-29) was 11-12: it is due the day after the reports end, for payouts and for the
    forecast's dd14 alike. As of 11-10, before its day by the rule, the rule's day stands."""
    from velocity import context, store
    from velocity.forecast.history import load

    order = "202-0187861-2224724"
    with store.connect(demo_db) as con:
        [row] = [r for r in ask(con).payouts().data["orders"] if r["order_id"] == order]
        assert (row["state"], row["release_date"], row["release_basis"]) == (
            "deferred",
            "2026-11-16",
            "overdue",
        )
        history = load(con, context.build(con), releases=True)
        days = {d for d in history.release_dd14.tolist()}
        assert (date(2026, 11, 16) - date(1970, 1, 1)).days in days
        earlier = ask(con).payouts(as_of="2026-11-10").data["orders"]
        [row] = [r for r in earlier if r["order_id"] == order]
        assert (row["state"], row["release_date"], row["release_basis"]) == ("deferred", "2026-11-12", "rule")


def test_orders_alone_say_what_is_unknown_and_where_to_get_it(tmp_path):
    """Only an All Orders download: payouts answers by the rule, says in a note that what was paid and
    Amazon's own word are unknown (and which downloads give them), and --settlement names the download."""
    from conftest import cli

    ran = cli("import", str(FIXTURES / "demo" / "all_orders_2026-10-20.txt"), cwd=tmp_path)
    assert ran.code == 0, ran.err
    out = cli("payouts", cwd=tmp_path)
    assert out.code == 0, out.err
    assert "no settlement reports: what was paid is unknown" in out.out
    assert "no Date Range report" in out.out
    assert "deferred by the delivery-date rule" in out.out
    bad = cli("payouts", "--settlement", "999", cwd=tmp_path)
    assert bad.code == 2 and "no settlement report is imported: Payments > All Statements" in bad.err
