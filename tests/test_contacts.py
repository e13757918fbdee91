"""velocity contacts: every reason code, the request window's first and last days, each delivery basis, the
request log (asked once, never listed again, kept through re-imports), notes that never exclude, and output
that a spreadsheet cannot run."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from conftest import ask, export_header, write_rows
from test_merge import line, write

from velocity import contacts, ingest
from velocity.errors import VelocityError

AS_OF = date(2026, 11, 15)


def _at(day: str) -> str:
    return f"2026-{day}T10:00:00+00:00"


ORDERS = {  # order id: (purchase month-day, status, channel, FBA?)
    "202-0000001-0000001": ("11-01", "Shipped", "Amazon.co.uk", False),  # Order Report estimate
    "202-0000002-0000002": ("11-02", "Shipped", "Amazon.co.uk", True),  # FBA shipment estimate
    "202-0000003-0000003": ("10-20", "Shipped", "Amazon.co.uk", False),  # assumed transit (UK mfn 2-5)
    "202-0000004-0000004": ("10-20", "Cancelled", "Amazon.co.uk", False),
    "202-0000005-0000005": ("11-10", "Pending", "Amazon.co.uk", False),
    "202-0000006-0000006": ("10-25", "Shipped", "Non-Amazon", True),
    "202-0000007-0000007": ("10-25", "Shipped", "Amazon.co.uk", False),  # fully refunded
    "202-0000008-0000008": ("10-26", "Shipped", "Amazon.co.uk", False),  # open return: a note
    "202-0000009-0000009": ("10-27", "Shipped", "Amazon.co.uk", False),  # A-to-z claim: a note
    "202-0000010-0000010": ("10-28", "Shipped", "Amazon.co.uk", False),  # feedback received
    "202-0000011-0000011": ("10-28", "Shipped", "Amazon.co.uk", False),  # asked before
    "202-0000012-0000012": ("10-29", "Shipped", "Amazon.co.uk", False),  # on the do-not-contact list
    "202-0000013-0000013": ("09-20", "Shipped", "Amazon.co.uk", False),  # window closed
    "202-0000014-0000014": ("11-13", "Shipped", "Amazon.co.uk", False),  # window not open yet
    "202-0000015-0000015": ("10-30", "Shipped", "Amazon.co.uk", False),  # two items, one row
}


@pytest.fixture
def shop(tmp_path, con):
    lines = []
    for oid, (day, status, channel, fba) in ORDERS.items():
        text = line(oid, "SKU-A", _at("11-14"), status, "20.00", purchased=_at(day), channel=channel)
        lines.append(text.replace("\tMerchant\t", "\tAmazon\t") if fba else text)
    lines.append(
        line("202-0000015-0000015", "SKU-B", _at("11-14"), "Shipped", "5.00", purchased=_at("10-30"))
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
                "purchase-date": _at(ORDERS[oid][0]),
                "buyer-email": f"buyer{n}@marketplace.amazon.co.uk",
                "buyer-name": name,
                "sku": "SKU-A",
                "quantity-purchased": "1",
                "currency": "GBP",
                "item-price": "20.00",
                "delivery-start-date": start,
                "delivery-end-date": end,
                "sales-channel": "Amazon.co.uk",
            }
            for n, (oid, name, start, end) in enumerate(
                [
                    ("202-0000001-0000001", '=HYPERLINK("x")', _at("11-03"), _at("11-05")),
                    ("202-0000012-0000012", "Opted Out", "", ""),
                ],
                start=1,
            )
        ],
    )
    fba = export_header("fba_shipments__standard.txt")
    write_rows(
        tmp_path / "fba.txt",
        fba,
        [
            {
                "amazon-order-id": "202-0000002-0000002",
                "shipment-id": "S1",
                "shipment-item-id": "SI1",
                "amazon-order-item-id": "21",
                "purchase-date": _at("11-02"),
                "shipment-date": _at("11-02"),
                "buyer-email": "fba@marketplace.amazon.co.uk",
                "buyer-name": "-Fran",
                "sku": "SKU-A",
                "quantity-shipped": "1",
                "currency": "GBP",
                "item-price": "20.00",
                "estimated-arrival-date": _at("11-04"),
                "fulfillment-channel": "AFN",
                "sales-channel": "Amazon.co.uk",
            }
        ],
    )
    returns = export_header("returns__standard.txt")
    write_rows(
        tmp_path / "returns.txt",
        returns,
        [
            {
                "Order ID": oid,
                "Order date": _at(ORDERS[oid][0]),
                "Return request date": _at(req),
                "Return request status": "Approved",
                "Amazon RMA ID": f"RMA{oid[-1]}",
                "Currency code": "GBP",
                "A-to-Z Claim": claim,
                "Merchant SKU": "SKU-A",
                "Return quantity": "1",
                "Order Amount": "20.00",
                "Order quantity": "1",
                "Refunded Amount": refunded,
            }
            for oid, req, claim, refunded in [
                ("202-0000007-0000007", "11-01", "N", "20.00"),
                ("202-0000008-0000008", "11-02", "N", ""),
                ("202-0000009-0000009", "11-03", "Y", "5.00"),
            ]
        ],
    )
    (tmp_path / "feedback.txt").write_text(
        "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n"
        "6/11/26\t5\tGreat\t\t202-0000010-0000010\tb@marketplace.amazon.co.uk\n",
        encoding="utf-8",
    )
    files = ["orders.txt", "order_report.txt", "fba.txt", "returns.txt", "feedback.txt"]
    results = ingest.import_paths(con, [tmp_path / f for f in files])
    assert all(r.status == "imported" for r in results), [r.error for r in results]
    contacts.mark_sent(con, [("202-0000011-0000011", date(2026, 11, 10))], "file")
    return con


def _by_id(result: dict) -> dict[str, dict]:
    return {r["order_id"]: r for r in result["rows"]}


def test_every_reason_and_the_notes(shop):
    r = (
        ask(shop)
        .contacts(as_of=AS_OF, opted_out=["buyer2@marketplace.amazon.co.uk"], include_excluded=True)
        .data
    )
    rows = _by_id(r)
    assert len(rows) == len(ORDERS)  # one row per order, not per item
    want = {
        "202-0000001-0000001": None,
        "202-0000002-0000002": None,
        "202-0000003-0000003": None,
        "202-0000004-0000004": "cancelled",
        "202-0000005-0000005": "pending",
        "202-0000006-0000006": "non_amazon",
        "202-0000007-0000007": "refunded",
        "202-0000008-0000008": None,
        "202-0000009-0000009": None,
        "202-0000010-0000010": "feedback_received",
        "202-0000011-0000011": "already_requested",
        "202-0000012-0000012": "opted_out",
        "202-0000013-0000013": "window_closed",
        "202-0000014-0000014": "not_open_yet",
        "202-0000015-0000015": None,
    }
    assert {k: v["reason"] for k, v in rows.items()} == want
    assert set(contacts.REASONS) == {v for v in want.values() if v}
    for oid, row in rows.items():
        assert row["status"] == ("eligible" if want[oid] is None else "excluded")
        assert (row["expected_gain"] is None) == (want[oid] is not None)
    # an open return or an A-to-z claim is a note, never a reason
    assert rows["202-0000008-0000008"]["note"] == "return requested 2026-11-02"
    assert rows["202-0000009-0000009"]["note"] == "return requested 2026-11-03; A-to-z claim"
    assert rows["202-0000014-0000014"]["window_opens"] == "2026-11-20"  # its opening day, UK mfn 2-5 days
    s = r["summary"]
    assert s["eligible"] == 6 and s["excluded"]["not_open_yet"] == 1 and s["opening_within_7_days"] == 1
    eligible = [x for x in r["rows"] if x["status"] == "eligible"]
    assert eligible == r["rows"][:6]
    assert [x["days_left"] for x in eligible] == sorted(x["days_left"] for x in eligible)
    assert all(0 < x["expected_gain"] < 0.2 for x in eligible)


def test_each_delivery_basis(shop):
    rows = _by_id(ask(shop).contacts(as_of=AS_OF, include_excluded=True).data)
    report = rows["202-0000001-0000001"]  # Order Report: 3-5 Nov
    assert (report["delivery_basis"], report["window_opens"], report["window_closes"]) == (
        "estimated",
        "2026-11-08",
        "2026-12-05",
    )
    fba = rows["202-0000002-0000002"]  # FBA estimated arrival 4 Nov
    assert (fba["delivery_basis"], fba["window_opens"], fba["window_closes"]) == (
        "estimated",
        "2026-11-09",
        "2026-12-04",
    )
    assumed = rows["202-0000003-0000003"]  # 20 Oct + UK seller-fulfilled 2-5 days
    assert (assumed["delivery_basis"], assumed["delivery_date"], assumed["window_opens"]) == (
        "assumed",
        "2026-10-25",
        "2026-10-27",
    )
    moved = _by_id(ask(shop).contacts(as_of=AS_OF, transit={"mfn": (4, 9)}, include_excluded=True).data)
    assert moved["202-0000003-0000003"]["delivery_date"] == "2026-10-29"
    assert moved["202-0000001-0000001"]["window_opens"] == "2026-11-08"  # an estimate is not overridden


def test_window_first_and_last_days(shop):
    """20 Oct, seller-fulfilled, assumed 22-25 Oct: asked from 27 Oct to 24 Nov, both days included."""
    oid = "202-0000003-0000003"

    def reason(day):
        return _by_id(ask(shop).contacts(as_of=day, include_excluded=True).data)[oid]["reason"]

    assert reason(date(2026, 10, 26)) == "not_open_yet"
    assert reason(date(2026, 10, 27)) is None
    assert reason(date(2026, 11, 24)) is None
    assert reason(date(2026, 11, 25)) == "window_closed"
    last = _by_id(ask(shop).contacts(as_of=date(2026, 11, 24)).data)[oid]
    assert last["days_left"] == 0


def test_request_log_asks_once_and_survives_reimport(shop, tmp_path):
    first = ask(shop).contacts(as_of=AS_OF).data
    listed = [(r["order_id"], AS_OF) for r in first["rows"]]
    assert contacts.mark_sent(shop, listed, "mark_sent") == len(listed)
    assert contacts.mark_sent(shop, listed, "mark_sent") == 0  # once per order, ever
    again = ask(shop).contacts(as_of=AS_OF, include_excluded=True).data
    assert again["summary"]["eligible"] == 0
    assert {r["reason"] for r in again["rows"] if r["order_id"] in dict(listed)} == {"already_requested"}
    # a newer download of the same orders changes nothing in the log
    write(
        tmp_path / "orders_again.txt",
        line("202-0000001-0000001", "SKU-A", _at("11-15"), "Shipped", "20.00", purchased=_at("11-01")),
    )
    [result] = ingest.import_paths(shop, [tmp_path / "orders_again.txt"])
    assert result.status == "imported" and result.updated == 1
    log = shop.execute("select count(*), min(requested_on) from feedback_requests").fetchone()
    assert log == (len(listed) + 1, date(2026, 11, 10))
    # an earlier as-of does not see requests made after it
    before = _by_id(ask(shop).contacts(as_of=date(2026, 11, 9), include_excluded=True).data)
    assert before["202-0000011-0000011"]["reason"] != "already_requested"


def test_requests_made_elsewhere_from_a_file(shop, tmp_path):
    path = tmp_path / "asked.csv"
    path.write_text("order-id,date\n202-0000001-0000001,2026-11-12\n202-9999999-9999999\n", encoding="utf-8")
    got = contacts.record_requests(shop, path, AS_OF)
    assert got == {"orders": 2, "new": 2, "unknown": 1}
    row = shop.execute(
        "select requested_on, source from feedback_requests where order_id = '202-0000001-0000001'"
    ).fetchone()
    assert row == (date(2026, 11, 12), "file")
    bad = tmp_path / "bad.txt"
    bad.write_text("202-0000002-0000002\n202-0000003-0000003 12/11/2026\n", encoding="utf-8")
    count = shop.execute("select count(*) from feedback_requests").fetchone()[0]
    with pytest.raises(VelocityError, match=r"bad\.txt: line 2: '12/11/2026' is not a date"):
        contacts.record_requests(shop, bad, AS_OF)
    assert shop.execute("select count(*) from feedback_requests").fetchone()[0] == count  # all or nothing


def test_do_not_contact_file(tmp_path):
    path = tmp_path / "dnc.txt"
    path.write_text("# never again\n202-0000012-0000012\nSomeone@Example.com  # asked us not to\n\n")
    assert contacts.read_do_not_contact(path) == ["202-0000012-0000012", "someone@example.com"]


def test_csv_cells_a_spreadsheet_would_run_are_escaped(shop):
    parsed = list(csv.DictReader(io.StringIO(ask(shop).contacts(as_of=AS_OF, include_excluded=True).csv())))
    assert list(parsed[0]) == list(contacts.COLUMNS)
    by_id = {r["order_id"]: r for r in parsed}
    assert by_id["202-0000001-0000001"]["buyer_name"] == '\'=HYPERLINK("x")'
    assert by_id["202-0000002-0000002"]["buyer_name"] == "'-Fran"
    closed = by_id["202-0000013-0000013"]
    assert int(closed["days_left"]) < 0  # numbers velocity writes are not escaped


def test_control_characters_in_buyer_names_are_escaped_on_screen(shop, tmp_path):
    """A buyer name carrying terminal escapes (clear screen, set the title) is printed escaped in the table;
    the data (CSV, JSON) keeps the name as the export gave it."""
    from velocity import render

    report = export_header("order_report__2017.txt")
    hostile = "Ann\x1b[2J\x1b]0;owned\x07 Smith"
    write_rows(
        tmp_path / "order_report_later.txt",
        report,
        [
            {
                "order-id": "202-0000003-0000003",
                "order-item-id": "31",
                "purchase-date": _at("10-20"),
                "buyer-email": "buyer3@marketplace.amazon.co.uk",
                "buyer-name": hostile,
                "sku": "SKU-A",
                "quantity-purchased": "1",
                "currency": "GBP",
                "item-price": "20.00",
                "sales-channel": "Amazon.co.uk",
            }
        ],
    )
    [result] = ingest.import_paths(shop, [tmp_path / "order_report_later.txt"])
    assert result.status == "imported", result.error
    answer = ask(shop).contacts(as_of=date(2026, 10, 29))
    assert hostile in answer.frame()["buyer_name"].to_list()
    text = render.contacts_text(answer.result)
    assert "\x1b" not in text and "\x07" not in text
    assert "Ann\\x1b[2J" in text


def test_output_file_is_written_whole_or_not_at_all(tmp_path):
    target = tmp_path / "list.csv"
    contacts.write_whole(target, "a,b\n")
    assert target.read_text() == "a,b\n"
    with pytest.raises(VelocityError, match="cannot be written"):
        contacts.write_whole(tmp_path / "missing" / "list.csv", "x")
    assert not list(tmp_path.glob(".*velocity-tmp"))


def test_message_follows_the_rules():
    text = contacts.message({"order_id": "202-0000001-0000001", "buyer_name": "Ann Smith"}, "Poster Shop")
    lower = text.lower()
    assert "Hello Ann," in text and "202-0000001-0000001" in text
    for banned in ("positive", "5 star", "five star", "refund", "discount", "free", "gift", "voucher"):
        assert banned not in lower


def test_json_shape(shop):
    data = json.loads(json.dumps(ask(shop).contacts(as_of=AS_OF).data, default=str))
    assert set(data) >= {"as_of", "rows", "summary"}
    assert all(list(r) == list(contacts.COLUMNS) for r in data["rows"])


def test_daily_message_cap_is_noted(tmp_path, con):
    """700 eligible buyers and no orders in the last week: Amazon's cap (about 5 x daily orders + 600)
    is 600 today, and the summary says to spread the requests."""
    lines = [
        line(f"202-{n:07d}-0000001", "SKU-A", _at("11-05"), "Shipped", "9.00", purchased=_at("10-20"))
        for n in range(700)
    ]  # downloaded on 5 Nov (the orders were last updated then): no orders since 20 Oct
    write(tmp_path / "orders.txt", *lines)
    assert ingest.import_paths(con, [tmp_path / "orders.txt"])[0].status == "imported"
    r = ask(con).contacts(as_of=date(2026, 11, 5)).data
    assert r["summary"]["eligible"] == 700 and r["summary"]["daily_message_cap"] == 600
    assert any("about 600 a day" in n for n in r["notes"])
