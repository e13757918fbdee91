"""The Date Range report (Payments > Reports Repository), from fixtures/date_range/ - one set of transactions
written in every layout of FORMATS.md by fixtures/make_date_range.py, with what must be read in
expected.json: the preamble found whatever its length, the header in English (27 and 23 columns), German or
French, every date form, decimal points and commas with thousands, the 2025+ status columns, identical lines
kept, overlapping downloads merged."""

from __future__ import annotations

import json
from datetime import UTC
from decimal import Decimal

import pytest
from conftest import FIXTURES

from velocity import ingest

FOLDER = FIXTURES / "date_range"
EXPECTED = json.loads((FOLDER / "expected.json").read_text(encoding="utf-8"))
READ = sorted(n for n, e in EXPECTED.items() if "error" not in e)


def _import(con, *names: str):
    results = ingest.import_paths(con, [FOLDER / n for n in names])
    for r in results:
        assert r.status in ("imported", "unchanged"), r.error
    return results


@pytest.mark.parametrize("name", READ)
def test_each_layout_is_read_whole(con, name):
    e = EXPECTED[name]
    [result] = _import(con, name)
    assert (result.kind, result.rows) == ("date_range", e["rows"])
    posted = con.execute(
        "select strftime(posted_ts, '%Y-%m-%dT%H:%M:%SZ') from date_range order by posted_ts"
    ).fetchall()
    assert [p for (p,) in posted] == e["posted_utc"]
    by_type = dict(con.execute("select type, sum(total) from date_range group by type").fetchall())
    assert {k: str(v.quantize(Decimal("0.01"))) for k, v in by_type.items()} == e["total_by_type"]
    assert con.execute("select distinct language from date_range").fetchall() == [(e["language"],)]
    assert con.execute("select distinct currency from date_range").fetchall() == [(e["currency"],)]
    markets = con.execute(
        "select distinct marketplace from date_range where marketplace is not null"
    ).fetchall()
    assert markets == [(e["marketplace"],)]
    for order, want in e["orders"].items():
        status, release, total = con.execute(
            "select status, release_ts, total from date_range where order_id = $o and type = 'order'",
            {"o": order},
        ).fetchone()
        assert status == want["status"]
        shown = release.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if release else None
        assert shown == want["release_utc"]
        assert str(total.quantize(Decimal("0.01"))) == want["total"]
    # a quoted description with a comma, and one with doubled quotes, arrive whole
    descriptions = {d for (d,) in con.execute("select description from date_range").fetchall()}
    assert {"Poster, A3 (matt)", 'Poster 24" x 36"'} <= descriptions
    # the same advertising line twice is two transactions; the buyer's address is not kept
    assert con.execute(
        "select count(*) from date_range where type = 'fee' and other_transaction_fees = -15"
    ).fetchone() == (2,)
    columns = {
        c
        for (c,) in con.execute(
            "select column_name from information_schema.columns where table_name = 'date_range'"
        ).fetchall()
    }
    assert not columns & {"order_city", "order_state", "order_postal"}


def test_the_preamble_is_found_by_the_header_not_a_line_number(tmp_path):
    from velocity.ingest.read import Candidate, source

    for name in READ:
        src = source(Candidate(FOLDER / name, name, explicit=True), tmp_path)
        assert src.skip == EXPECTED[name]["preamble_lines"], name
        assert (src.delimiter, src.quoted) == (",", True)


def test_a_report_in_another_language_is_named_and_refused(con):
    [result] = ingest.import_paths(con, [FOLDER / "date_range__es.csv"])
    assert result.status == "error"
    assert "a Date Range report in Spanish" in result.error and "English, German or French" in result.error
    assert "English" in result.hint


def test_importing_again_or_an_overlapping_download_duplicates_nothing(con):
    first = "date_range__uk_2026.csv"
    _import(con, first)
    [again] = ingest.import_paths(con, [FOLDER / first])
    assert again.status == "unchanged"
    before = con.execute("select count(*) from date_range").fetchone()[0]
    [later] = _import(con, "date_range__uk_2026_later.csv")
    assert (later.new, later.updated) == (1, 1)  # one new order; order 2 released since
    assert con.execute("select count(*) from date_range").fetchone()[0] == before + 1
    status, release = con.execute(
        "select status, strftime(release_ts, '%Y-%m-%d') from date_range where order_id = '205-1000002-1000002'"
        " and type = 'order'"
    ).fetchone()
    assert (status, release) == ("released", "2025-09-19")
    # the older file imported after the newer one does not undo the release
    con.execute("delete from imported_files")
    _import(con, first)
    assert con.execute(
        "select status from date_range where order_id = '205-1000002-1000002' and type = 'order'"
    ).fetchone() == ("released",)


def test_a_2025_file_without_the_status_columns_leaves_status_unknown(con):
    _import(con, "date_range__uk_2025.csv")
    assert con.execute("select count(*) from date_range where status is not null").fetchone() == (0,)


def test_a_bad_amount_is_one_line_with_its_line(con, tmp_path):
    text = (FOLDER / "date_range__uk_2026.csv").read_text(encoding="utf-8-sig").split("\n")
    text[11] = text[11].replace('"-10.05"', '"ten"')
    path = tmp_path / "broken.csv"
    path.write_text("\n".join(text), encoding="utf-8")
    [result] = ingest.import_paths(con, [path])
    assert result.status == "error"
    assert "line 12" in result.error and "'ten' is not a number" in result.error, result.error
    assert con.execute("select count(*) from date_range").fetchone() == (0,)


def test_an_unknown_status_is_refused_not_guessed(con, tmp_path):
    text = (
        (FOLDER / "date_range__uk_2026.csv")
        .read_text(encoding="utf-8-sig")
        .replace('"Deferred"', '"Zurückgestellt"', 1)
    )
    path = tmp_path / "status.csv"
    path.write_text(text, encoding="utf-8")
    [result] = ingest.import_paths(con, [path])
    assert result.status == "error" and "Zurückgestellt" in result.error and "line 12" in result.error


@pytest.mark.parametrize(
    ("name", "delimiter", "encoding"),
    [("date_range__uk_2026.csv", ",", "cp1252"), ("date_range__de.csv", ";", "cp1252")],
)
def test_a_report_re_saved_by_a_spreadsheet_is_the_same_report(con, tmp_path, name, delimiter, encoding):
    """Excel keeps the dates as text (they end in a zone it does not read) but drops the quotes of every
    field that needs none - preamble sentences with a stray `;` or `,` included - and writes CRLF in the
    locale's code page and separator. The re-saved file is read as the same rows: importing the original
    after it changes nothing."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO((FOLDER / name).read_text(encoding="utf-8-sig"))))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    saved = tmp_path / name.replace(".csv", "_excel.csv")
    saved.write_bytes(out.getvalue().encode(encoding))
    assert saved.read_bytes().count(b'"') < (FOLDER / name).read_bytes().count(b'"')  # bare fields now
    [result] = ingest.import_paths(con, [saved])
    assert result.status == "imported", (result.error, result.hint)
    [original] = _import(con, name)
    assert original.rows == result.rows and (original.new, original.updated) == (0, 0)
