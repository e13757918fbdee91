"""Exports as sellers really have them: re-saved by Excel or LibreOffice (fixtures/spreadsheet/, made by
fixtures/make_spreadsheet.py from the real layouts), zip archives of downloads, and paths that hold nothing
to import."""

from __future__ import annotations

import json
import zipfile
from decimal import Decimal

import pytest
from conftest import FIXTURES

from velocity import ingest
from velocity.errors import VelocityError

SHEETS = FIXTURES / "spreadsheet"
EXPECTED = json.loads((SHEETS / "expected.json").read_text(encoding="utf-8"))
READ = sorted(n for n, e in EXPECTED.items() if "error" not in e)
REFUSED = sorted(n for n, e in EXPECTED.items() if "error" in e)


def test_every_spreadsheet_fixture_is_listed():
    assert {p.name for p in SHEETS.iterdir()} - {"expected.json"} == set(EXPECTED)


@pytest.mark.parametrize("name", READ)
def test_spreadsheet_saved_export_is_read_as_the_report_it_is(con, name):
    e = EXPECTED[name]
    if e["kind"] == "feedback":  # the feedback's orders place it in its marketplace
        ingest.import_paths(con, [FIXTURES / "formats" / "all_orders__uk_local_offsets.txt"])
    [result] = ingest.import_paths(con, [SHEETS / name])
    assert result.status == "imported", (result.error, result.hint)
    assert (result.kind, result.rows) == (e["kind"], e["rows"])
    if "note" in e:
        assert any(e["note"] in n for n in result.notes), result.notes
    if "marketplace" in e:
        assert result.marketplace == e["marketplace"]
    check = e.get("check", {})
    if "purchase_local_day" in check:
        day = con.one(
            "select purchase_date::varchar from orders where order_id = $o", {"o": check["order_id"]}
        )
        assert day == (check["purchase_local_day"],)
    if "product_name" in check:
        got = con.one("select product_name from all_orders where order_id = $o", {"o": check["order_id"]})
        assert got == (check["product_name"],)
    if "item_price" in check:
        price = con.one(
            "select sum(item_price) from all_orders where order_id = $o", {"o": check["order_id"]}
        )
        assert price == (Decimal(check["item_price"]),)


def test_spreadsheet_copy_and_original_give_the_same_orders(con, tmp_path):
    """The re-saved copy and the original download hold the same orders on the same local days."""
    [a] = ingest.import_paths(con, [FIXTURES / "formats" / "all_orders__uk_local_offsets.txt"])
    before = con.execute("select order_id, purchase_date, value, status from orders order by 1").fetchall()
    con.execute("delete from all_orders; delete from orders")
    [b] = ingest.import_paths(con, [SHEETS / "all_orders__excel_csv_utf8.csv"])
    after = con.execute("select order_id, purchase_date, value, status from orders order by 1").fetchall()
    assert a.status == b.status == "imported" and before == after


@pytest.mark.parametrize("name", REFUSED)
def test_spreadsheet_damage_is_refused_in_one_line(con, name):
    [result] = ingest.import_paths(con, [SHEETS / name])
    assert result.status == "error"
    text = f"{result.error} {result.hint}"
    assert "\n" not in text and name in result.error
    for words in EXPECTED[name]["error"]:
        assert words in text, text
    assert "velocity reads All Orders" not in text  # never a list of kinds for a file it recognised


def test_the_marketplace_decides_an_ambiguous_day_order(con):
    [result] = ingest.import_paths(con, [SHEETS / "all_orders__excel_ambiguous.csv"], marketplace="UK")
    assert result.status == "imported", result.error
    assert con.one("select min(purchase_date)::varchar from orders") == ("2026-03-05",)


def test_a_zip_archive_is_read_like_a_folder(con, tmp_path):
    archive = tmp_path / "downloads.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(FIXTURES / "formats" / "all_orders__uk_local_offsets.txt", "reports/orders.txt")
        z.write(FIXTURES / "formats" / "feedback__uk.txt", "reports/feedback.txt")
        z.writestr("reports/readme.pdf", b"%PDF-1.4 not a report")
        z.writestr("__MACOSX/._orders.txt", b"junk")
    results = ingest.import_paths(con, [archive])
    got = {r.path.split("/")[-1]: r.status for r in results}
    assert got == {"orders.txt": "imported", "feedback.txt": "imported", "readme.pdf": "skipped"}
    assert all(r.path.startswith(str(archive)) for r in results)
    again = ingest.import_paths(con, [archive])
    assert {r.status for r in again if not r.path.endswith(".pdf")} == {"unchanged"}


def test_an_excel_workbook_is_named_as_such(con, tmp_path):
    book = tmp_path / "orders.xlsx"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    [result] = ingest.import_paths(con, [book])
    assert (
        result.status == "error" and "Excel workbook" in result.error and "original download" in result.hint
    )


def test_nothing_to_import_is_one_line(con, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(VelocityError, match="nothing to import: no files"):
        ingest.import_paths(con, [empty])
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.pdf").write_bytes(b"%PDF-1.4")
    (docs / "b.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(VelocityError, match=r"2 files, none a report velocity reads: a \.pdf file \(2\)"):
        ingest.import_paths(con, [docs])
