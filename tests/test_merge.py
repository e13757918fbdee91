"""Merging overlapping downloads: natural keys, newer last-updated-date wins, identical re-imports change
nothing, a failing file leaves the store as it was."""

from __future__ import annotations

from pathlib import Path

from conftest import snapshot

from velocity import ingest
from velocity.ingest import read

HEADER = (
    "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\t"
    "sales-channel\torder-channel\tship-service-level\tproduct-name\tsku\tasin\titem-status\tquantity\tcurrency\t"
    "item-price\titem-tax\tshipping-price\tshipping-tax\tgift-wrap-price\tgift-wrap-tax\titem-promotion-discount\t"
    "ship-promotion-discount\tship-city\tship-state\tship-postal-code\tship-country\tpromotion-ids\tcpf\t"
    "is-business-order\tpurchase-order-number\tprice-designation\tsignature-confirmation-recommended"
)


def line(
    order: str,
    sku: str,
    updated: str,
    status: str,
    price: str = "10.00",
    *,
    purchased: str = "2026-10-01T10:00:00+00:00",
    qty: str = "1",
    channel: str = "Amazon.co.uk",
    currency: str = "GBP",
) -> str:
    """One All Orders line (2022 US header) with the fields the tests vary; the rest plausible and fixed."""
    item_status = {"Shipped": "Shipped", "Cancelled": "Cancelled"}.get(status, "Unshipped")
    fields = [
        order,
        "",
        purchased,
        updated,
        status,
        "Merchant",
        channel,
        "",
        "Standard",
        'Poster 12" x 18"',
        sku,
    ]
    fields += [
        "B000",
        item_status,
        qty,
        currency,
        price,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "LEEDS",
        "",
        "LS1",
        "GB",
    ]
    fields += ["", "", "false", "", "", "false"]
    return "\t".join(fields)


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_newer_last_updated_wins_in_either_order(tmp_path, con):
    old = write(
        tmp_path / "a.txt", line("202-0000001-0000001", "S1", "2026-10-01T11:00:00+00:00", "Pending", "")
    )
    new = write(tmp_path / "b.txt", line("202-0000001-0000001", "S1", "2026-10-03T09:00:00+00:00", "Shipped"))
    [first] = ingest.import_paths(con, [new])
    [second] = ingest.import_paths(con, [old])
    assert (first.new, second.new, second.updated, second.unchanged) == (1, 0, 0, 1)
    assert con.execute("select order_status, item_price::double from all_orders").fetchall() == [
        ("Shipped", 10.0)
    ]


def test_update_is_counted(tmp_path, con):
    old = write(
        tmp_path / "a.txt",
        line("202-0000001-0000001", "S1", "2026-10-01T11:00:00+00:00", "Pending", ""),
        line("202-0000002-0000002", "S1", "2026-10-01T11:00:00+00:00", "Shipped"),
    )
    new = write(
        tmp_path / "b.txt",
        line("202-0000001-0000001", "S1", "2026-10-03T09:00:00+00:00", "Shipped"),
        line("202-0000002-0000002", "S1", "2026-10-01T11:00:00+00:00", "Shipped"),
        line("202-0000003-0000003", "S2", "2026-10-03T09:00:00+00:00", "Shipped"),
    )
    ingest.import_paths(con, [old])
    [result] = ingest.import_paths(con, [new])
    assert (result.rows, result.new, result.updated, result.unchanged) == (3, 1, 1, 1)
    assert con.execute("select count(*) from all_orders").fetchone()[0] == 3


def test_same_content_in_another_file_is_unchanged(tmp_path, con):
    a = write(tmp_path / "a.txt", line("202-0000001-0000001", "S1", "2026-10-01T11:00:00+00:00", "Shipped"))
    b = tmp_path / "copy.txt"
    b.write_text(a.read_text() + "\n", encoding="utf-8")  # different bytes, same rows
    ingest.import_paths(con, [a])
    before = snapshot(con)
    [result] = ingest.import_paths(con, [b])
    assert (result.status, result.new, result.updated, result.unchanged) == ("imported", 0, 0, 1)
    assert snapshot(con) == before


def test_same_file_twice_is_not_read_again(tmp_path, con):
    a = write(tmp_path / "a.txt", line("202-0000001-0000001", "S1", "2026-10-01T11:00:00+00:00", "Shipped"))
    ingest.import_paths(con, [a])
    [again] = ingest.import_paths(con, [a])
    assert again.status == "unchanged" and again.notes[0].startswith("already imported")
    assert con.execute("select count(*) from imported_files").fetchone()[0] == 1


def test_bad_file_leaves_store_unchanged_and_others_import(tmp_path, con):
    good = write(
        tmp_path / "a.txt", line("202-0000001-0000001", "S1", "2026-10-01T11:00:00+00:00", "Shipped")
    )
    bad = write(
        tmp_path / "b.txt",
        line("202-0000002-0000002", "S1", "2026-10-01T11:00:00+00:00", "Shipped"),
        line("202-0000003-0000003", "S1", "2026-10-01T11:00:00+00:00", "Shipped", price="ten"),
    )
    results = ingest.import_paths(con, [bad, good])
    assert [r.status for r in results] == ["error", "imported"]
    assert "line 3" in results[0].error and "item-price" in results[0].error and "'ten'" in results[0].error
    assert con.execute("select order_id from all_orders").fetchall() == [("202-0000001-0000001",)]
    assert con.execute("select count(*) from imported_files").fetchone()[0] == 1


def test_repeated_header_lines_are_ignored(tmp_path, con):
    joined = write(
        tmp_path / "joined.txt",
        line("202-0000001-0000001", "S1", "2026-10-01T11:00:00+00:00", "Shipped"),
        HEADER,
        line("202-0000002-0000002", "S1", "2026-10-01T11:00:00+00:00", "Shipped"),
    )
    [result] = ingest.import_paths(con, [joined])
    assert (result.status, result.rows) == ("imported", 2)


def test_duplicate_key_inside_one_file_keeps_the_newest(tmp_path, con):
    f = write(
        tmp_path / "a.txt",
        line("202-0000001-0000001", "S1", "2026-10-02T11:00:00+00:00", "Shipped"),
        line("202-0000001-0000001", "S1", "2026-10-01T11:00:00+00:00", "Pending", ""),
    )
    [result] = ingest.import_paths(con, [f])
    assert (result.rows, result.new, result.unchanged) == (2, 1, 1)
    assert con.execute("select order_status from all_orders").fetchall() == [("Shipped",)]


def test_same_size_same_ends_different_middle_is_read(tmp_path, con):
    """The ledger's quick key (size, first and last MiB) only shortlists: the full hash decides."""
    rows = [
        line(f"202-{n:07d}-{n:07d}", "S1", "2026-10-01T11:00:00+00:00", "Shipped") for n in range(1, 20001)
    ]
    a = write(tmp_path / "a.txt", *rows)
    assert a.stat().st_size > 3 * (1 << 20)
    middle = len(rows) // 2
    changed = list(rows)
    changed[middle] = changed[middle].replace("2026-10-01T11:00:00+00:00", "2026-10-02T11:00:00+00:00")
    b = write(tmp_path / "b.txt", *changed)
    assert a.stat().st_size == b.stat().st_size
    assert read.quick_key(a) == read.quick_key(b)
    ingest.import_paths(con, [a])
    [result] = ingest.import_paths(con, [b])
    assert (result.status, result.updated, result.unchanged) == ("imported", 1, len(rows) - 1)
    assert con.execute("select count(*) from imported_files").fetchone()[0] == 2
