"""The real public samples in ../shared/samples/amazon: the ones with rows import with the right counts,
the header-only ones are recognised as their kind."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import SAMPLES

from velocity import ingest

WITH_ROWS = {
    # file: (kind, rows read, records stored)
    "all_orders__airbyte_real_records.tsv": ("all_orders", 4, 4),
    "settlement_v1__airbyte_real_records.tsv": ("settlement_v1", 3, 3),  # summary + 2 lines
    "settlement_v1__airbyte_fixture.tsv": ("settlement_v1", 2, 3),  # summary + 1 row with 2 amounts
    "seller_performance__airbyte_fixture.json": ("account_health", 6, 6),
}
HEADER_ONLY = {
    "archived_orders__airbyte_header.tsv": "all_orders",
    "fba_returns__airbyte_header.tsv": "fba_returns",
    "fba_shipments__airbyte_header.tsv": "fba_shipments",
    "returns__airbyte_header.tsv": "returns",
    "unshipped_orders__airbyte_header.tsv": "unshipped_orders",
}


@pytest.mark.parametrize("name", sorted(WITH_ROWS))
def test_sample_with_rows(con, name):
    kind, rows, records = WITH_ROWS[name]
    [result] = ingest.import_paths(con, [SAMPLES / name])
    assert (result.status, result.kind, result.rows, result.new) == ("imported", kind, rows, records)


@pytest.mark.parametrize("name", sorted(HEADER_ONLY))
def test_header_only_sample_is_recognised(con, name):
    [result] = ingest.import_paths(con, [SAMPLES / name])
    assert (result.status, result.kind, result.rows) == ("imported", HEADER_ONLY[name], 0)
    assert "header only: no rows" in result.notes


def test_feedback_sample_placeholder_rows_are_refused_as_feedback(con):
    """Its rows are placeholders ('Rating' where a 1-5 rating belongs): recognised, refused, row named."""
    [result] = ingest.import_paths(con, [SAMPLES / "feedback__airbyte_fixture.tsv"])
    assert (result.status, result.kind) == ("error", "feedback")
    assert "line 2" in result.error and "Rating" in result.error


def test_sample_values(con):
    ingest.import_paths(con, [SAMPLES / "all_orders__airbyte_real_records.tsv"])
    row = con.execute(
        "select order_status, marketplace, currency, item_price, item_tax, purchase_ts::varchar, quantity"
        " from all_orders where order_id = '114-3041148-1777835'"
    ).fetchone()
    assert row == ("Cancelled", "US", "USD", Decimal("7"), Decimal("0.09"), "2022-07-18 00:32:07+00", 0)
    # the last row is a cancelled line with empty price and currency
    row = con.execute(
        "select currency, item_price from all_orders where order_id = '113-3281105-7707448'"
    ).fetchone()
    assert row == (None, None)


def test_folder_skips_unrelated_json_with_a_note(con):
    results = {r.path.rsplit("/", 1)[-1]: r for r in ingest.import_paths(con, [SAMPLES])}
    skipped = results["solicitations_api_model__amzn.json"]
    assert skipped.status == "skipped" and "not an account-health report" in skipped.notes[0]


def test_reserve_is_absent_in_samples(con):
    ingest.import_paths(con, [SAMPLES / "settlement_v1__airbyte_real_records.tsv"])
    lines = con.execute(
        "select transaction_type, amount_description, amount::double from settlement_lines order by 1"
    ).fetchall()
    assert lines == [
        ("Payable to Amazon", "Payable to Amazon", -39.99),
        ("Subscription Fee", "Subscription Fee", -39.99),
    ]
    assert con.execute("select total_amount::double, currency from settlements").fetchone() == (-39.99, "USD")
