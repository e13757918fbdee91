"""Every kind and header generation, from fixtures/formats/ (small files in the real layouts), checked
against fixtures/formats/expected.json - counts and values written down when the fixtures were made."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal

import pytest
from conftest import FIXTURES

from velocity import ingest, store

FORMATS = FIXTURES / "formats"
EXPECTED = json.loads((FORMATS / "expected.json").read_text(encoding="utf-8"))
ALL_ORDERS = sorted(n for n in EXPECTED if n.startswith("all_orders__"))


def _import(con, name: str, **kw):
    [result] = ingest.import_paths(con, [FORMATS / name], **kw)
    assert result.status == "imported", result.error
    return result


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_kind_and_rows(con, name):
    expected = EXPECTED[name]
    result = _import(con, name)
    assert result.kind == expected["kind"]
    if expected["kind"] != "account_health":  # its manifest counts documents, velocity counts metrics
        assert result.rows == expected["rows"]
    assert result.new + result.updated + result.unchanged >= (1 if expected["rows"] else 0)


@pytest.mark.parametrize("name", ALL_ORDERS)
def test_all_orders_values(con, name):
    e = EXPECTED[name]
    _import(con, name)
    orders, lines = con.execute("select count(distinct order_id), count(*) from all_orders").fetchone()
    assert (orders, lines) == (e["order_ids"], e["lines"])
    if e["rows"] == 0:
        return
    stamps = con.execute(
        "select strftime(purchase_ts, '%Y-%m-%dT%H:%M:%SZ') from all_orders order by purchase_ts"
    ).fetchall()
    assert [s for (s,) in stamps] == sorted(e["purchase_dates_utc"])
    markets, currencies = con.execute(
        "select list(distinct marketplace) filter (where marketplace is not null),"
        " list(distinct currency) filter (where currency is not null) from all_orders"
    ).fetchone()
    assert markets == [e["marketplace"]]
    assert currencies == [e["currency"]]
    if "item_price_total" in e:
        total = con.execute("select sum(item_price) from all_orders").fetchone()[0]
        assert total == Decimal(e["item_price_total"])
    if "empty_item_price_rows" in e:
        assert (
            con.execute("select count(*) from all_orders where item_price is null").fetchone()[0]
            == e["empty_item_price_rows"]
        )
    if "non_amazon_rows" in e:
        n = con.execute("select count(*) from all_orders where sales_channel = 'Non-Amazon'").fetchone()[0]
        assert n == e["non_amazon_rows"]
        assert (
            con.execute(
                "select count(*) from all_orders where sales_channel = 'Non-Amazon' and marketplace is not null"
            ).fetchone()[0]
            == 0
        )


def test_nasty_file_keeps_bare_quotes_and_names(con):
    _import(con, "all_orders__nasty.txt")
    names = [r[0] for r in con.execute("select product_name from all_orders").fetchall()]
    assert any('"' in n for n in names)
    assert all(not n.startswith("\ufeff") for n in names)
    ids = [r[0] for r in con.execute("select order_id from all_orders").fetchall()]
    assert all(not i.startswith("\ufeff") and "\r" not in i for i in ids)


def test_cp1252_is_read_as_windows_1252(con):
    result = _import(con, "all_orders__cp1252.txt")
    assert "read as Windows-1252" in result.notes
    text = " ".join(r[0] for r in con.execute("select product_name from all_orders").fetchall())
    assert "£" in text or "é" in text


def test_overlapping_generations_newer_wins(con):
    """The same order line, Pending in one download and Shipped (later last-updated-date) in another."""
    for order in (
        ["all_orders__2022_us.txt", "all_orders__documented_32.txt"],
        ["all_orders__documented_32.txt", "all_orders__2022_us.txt"],
    ):
        con.execute("delete from all_orders; delete from imported_files")
        for name in order:
            _import(con, name)
        row = con.execute(
            "select order_status, item_price is not null from all_orders"
            " where order_id = '114-1258324-7968508' and sku = 'CANDLE-LAV-8'"
        ).fetchone()
        assert row == ("Shipped", True)


FEEDBACK = sorted(n for n in EXPECTED if n.startswith("feedback__"))


@pytest.fixture(scope="module")
def orders_store(tmp_path_factory):
    """Every All Orders fixture imported once: the orders let velocity place feedback in its marketplace."""
    path = tmp_path_factory.mktemp("orders") / "v.duckdb"
    with store.connect(path) as s:
        for orders in ALL_ORDERS:
            _import(s, orders)
    return path


@pytest.mark.parametrize("name", FEEDBACK)
def test_feedback_dates_and_ratings(orders_store, tmp_path, name):
    e = EXPECTED[name]
    shutil.copy(orders_store, tmp_path / "v.duckdb")
    con = store.connect(tmp_path / "v.duckdb")
    result = _import(con, name)
    rows = con.execute("select order_id, feedback_date::varchar, rating from feedback").fetchall()
    assert len(rows) == e["orders"]
    assert sorted(d for _, d, _ in rows) == sorted(e["dates"])
    assert sorted(r for *_, r in rows) == sorted(e["ratings"])
    if result.marketplace is not None:
        assert result.marketplace == e["marketplace"]
    con.close()


def test_feedback_marketplace_option_decides_the_date_order(con):
    _import(con, "feedback__uk.txt", marketplace="UK")
    assert con.execute("select min(feedback_date)::varchar from feedback").fetchone()[0] == "2026-01-05"
    con.execute("delete from feedback; delete from imported_files")
    [wrong] = ingest.import_paths(con, [FORMATS / "feedback__uk.txt"], marketplace="US")
    assert wrong.status == "error" and "Date" in wrong.error and "--marketplace" in wrong.hint


def test_feedback_rating_counts(con):
    e = EXPECTED["feedback_rating__standard.csv"]
    _import(con, "feedback_rating__standard.csv")
    got = {
        f"{m}/{p}": [pos, neu, neg]
        for m, p, pos, neu, neg in con.execute(
            "select marketplace, period, positive, neutral, negative from feedback_ratings"
        ).fetchall()
    }
    assert got == e["counts"]


SETTLEMENTS = sorted(n for n in EXPECTED if n.startswith("settlement_"))


@pytest.mark.parametrize("name", SETTLEMENTS)
def test_settlement_values(con, name):
    e = EXPECTED[name]
    _import(con, name)
    ids = [r[0] for r in con.execute("select settlement_id from settlements order by 1").fetchall()]
    assert ids == sorted(e["settlement_ids"])
    total, currency = con.execute(
        "select sum(total_amount)::double, max(currency) from settlements"
    ).fetchone()
    assert (round(total, 2), currency) == (e["total_amount"], e["currency"])
    lines = con.execute(
        "select round(sum(amount), 2)::double, count(*) filter (where currency is null) from settlement_lines"
    ).fetchone()
    assert lines == (e["sum_of_lines"], 0)
    reserve = con.execute(
        "select sum(amount)::double from settlement_lines where amount_description = 'Current Reserve Amount'"
    ).fetchone()[0]
    previous = con.execute(
        "select sum(amount)::double from settlement_lines where amount_description = 'Previous Reserve Amount Balance'"
    ).fetchone()[0]
    assert (reserve, previous) == (e["reserve"], e["previous_reserve"])
    if "posted_dates" in e:
        dates = [r[0] for r in con.execute("select posted_date::varchar from settlement_lines").fetchall()]
        assert sorted(dates) == sorted(e["posted_dates"])


def test_identical_settlement_lines_are_both_kept(con):
    """Two identical fee lines are two real amounts: the line identity counts occurrences."""
    _import(con, "settlement_v2__standard.txt")
    occurrences = con.execute("select max(occurrence) from settlement_lines").fetchone()[0]
    assert occurrences == 2
    [again] = ingest.import_paths(con, [FORMATS / "settlement_v2__standard.txt"])
    assert again.status == "unchanged"


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("order_report__2017.txt", "order_report"),
        ("order_report__no_sales_channel.txt", "order_report"),
        ("unshipped_orders__standard.txt", "unshipped_orders"),
        ("fba_shipments__standard.txt", "fba_shipments"),
        ("returns__standard.txt", "returns"),
        ("fba_returns__standard.txt", "fba_returns"),
    ],
)
def test_order_ids_per_kind(con, name, table):
    _import(con, name)
    assert (
        con.execute(f"select count(distinct order_id) from {table}").fetchone()[0]
        == EXPECTED[name]["order_ids"]
    )


def test_order_report_keeps_relay_email_but_no_phone_or_address(con):
    _import(con, "order_report__2017.txt")
    columns = {r[0] for r in con.execute("describe order_report").fetchall()}
    assert "buyer_email" in columns and "delivery_end_ts" in columns
    assert not {c for c in columns if "phone" in c or "address" in c or "recipient" in c}
    emails = [r[0] for r in con.execute("select buyer_email from order_report").fetchall()]
    assert all(e.endswith(".amazon.com") or "marketplace.amazon" in e for e in emails)


def test_order_report_without_channel_takes_the_given_marketplace(con):
    result = _import(con, "order_report__no_sales_channel.txt", marketplace="UK")
    assert result.marketplace == "UK"
    assert con.execute("select list(distinct marketplace) from order_report").fetchone()[0] == ["UK"]


def test_returns_a_to_z_flag(con):
    _import(con, "returns__standard.txt")
    assert (
        con.execute("select count(*) from returns where a_to_z_claim").fetchone()[0]
        == EXPECTED["returns__standard.txt"]["a_to_z_claims"]
    )


def test_account_health_both_spellings(con):
    e = EXPECTED["account_health__full.json"]
    _import(con, "account_health__full.json")
    assert sorted(
        r[0] for r in con.execute("select distinct marketplace from account_health").fetchall()
    ) == sorted(e["marketplaces"])
    for market, per in e["odr"].items():
        for fulfillment, counts in per.items():
            row = con.execute(
                "select order_count, event_count, claims, chargebacks, negative_feedback from account_health"
                " where metric = 'order_defect_rate' and marketplace = $m and fulfillment = $f",
                {"m": market, "f": fulfillment},
            ).fetchone()
            assert row == (
                counts["orderCount"],
                counts["orderWithDefects"],
                counts["claims"],
                counts["chargebacks"],
                counts["negativeFeedback"],
            )
    spellings = con.execute(
        "select count(distinct marketplace) from account_health where metric = 'pre_fulfillment_cancel_rate'"
    ).fetchone()[0]
    assert spellings == 2
    statuses = {
        r[0]
        for r in con.execute(
            "select status from account_health where metric = 'account_health_rating'"
        ).fetchall()
    }
    assert statuses == {"GREAT", "WARNED"}


def test_header_language():
    from velocity.kinds import header_language

    assert (
        header_language(("date", "évaluation", "commentaires", "votre réponse", "numéro de commande", "x"))
        == "fr"
    )
    assert (
        header_language(("日付", "評価", "コメント", "返信", "注文番号", "評価者のeメールアドレス")) == "ja"
    )
    assert header_language(("date", "rating", "comments", "your response", "order id", "rater email")) == "en"
    assert header_language(("a", "b", "c", "d", "e", "f")) is None
