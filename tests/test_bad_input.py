"""Every defect in fixtures/bad/ (one file each, named for it): a one-line error naming the file (and the
line and column where that applies), the store unchanged, the other files of the same call imported."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, snapshot

from velocity import ingest

BAD = FIXTURES / "bad"
EXPECTED = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
GOOD = FIXTURES / "formats" / "all_orders__2022_us.txt"

# Words the message must carry, per defect, beyond the file name and the line.
WORDS = {
    "empty.txt": ["empty"],
    "whitespace_only.txt": ["empty"],
    "unknown_header.txt": ["not an export velocity reads", "'item-name'"],
    "truncated_row.txt": ["25 fields", "33"],
    "long_row.txt": ["36 fields", "33"],
    "not_utf8.txt": ["neither UTF-8 nor Windows-1252"],
    "bad_date.txt": ["purchase-date", "'not a date'", "not a date"],
    "bad_amount.txt": ["item-price", "'12.3.4'", "not a number"],
    "binary.txt": ["binary"],
    "ambiguous_feedback_dates.txt": ["Feedback report", "M/D/YY", "D/M/YY", "marketplace is unknown"],
    "feedback_bad_rating.txt": ["Rating", "'7'", "1 to 5"],
    "settlement_bad_amount.txt": ["amount", "'n/a'"],
    "bad_json.json": ["not valid JSON"],
}
HINTS = {"ambiguous_feedback_dates.txt": "--marketplace"}


def test_every_bad_fixture_is_listed():
    assert (
        sorted(p.name for p in BAD.iterdir() if p.name != "expected.json")
        == sorted(WORDS)
        == sorted(EXPECTED)
    )


@pytest.mark.parametrize("name", sorted(WORDS))
def test_bad_input(con, name):
    ingest.import_paths(con, [FIXTURES / "formats" / "all_orders__documented_32.txt"])  # a store with data
    before = snapshot(con)
    files_before = con.execute("select count(*) from imported_files").fetchone()[0]

    bad, good = ingest.import_paths(con, [BAD / name, GOOD])

    assert bad.status == "error"
    assert str(BAD / name) in bad.error
    assert "\n" not in bad.error
    line = EXPECTED[name]["line"]
    if line is not None and line > 1:
        assert f"line {line}" in bad.error
    for word in WORDS[name]:
        assert word in bad.error
    if name in HINTS:
        assert HINTS[name] in bad.hint
    if EXPECTED[name]["kind"]:
        assert bad.kind == EXPECTED[name]["kind"] or name in ("not_utf8.txt", "bad_json.json")
    assert good.status == "imported"
    # the bad file left nothing behind: the store is what it was plus the good file
    after = snapshot(con)
    for table, rows in before.items():
        if table != "all_orders":  # the good file added its orders there
            assert after[table] == rows, table
    assert con.execute("select count(*) from imported_files").fetchone()[0] == files_before + 1


def test_bad_file_inside_a_folder_is_an_error_unrelated_file_is_skipped(tmp_path, con):
    (tmp_path / "orders.txt").write_bytes((BAD / "bad_date.txt").read_bytes())
    (tmp_path / "listings.txt").write_bytes((BAD / "unknown_header.txt").read_bytes())
    (tmp_path / "photo.png").write_bytes((BAD / "binary.txt").read_bytes())
    (tmp_path / "notes.md").write_text("# my notes\n")
    results = {r.path.rsplit("/", 1)[-1]: r for r in ingest.import_paths(con, [tmp_path])}
    assert results["orders.txt"].status == "error"
    assert results["listings.txt"].status == "skipped"
    assert results["photo.png"].status == "skipped"
    assert results["notes.md"].status == "skipped"


def test_bad_marketplace_code_is_refused(con):
    from velocity.errors import VelocityError

    with pytest.raises(VelocityError, match="unknown marketplace 'XX'"):
        ingest.import_paths(con, [GOOD], marketplace="XX")


def test_ambiguous_feedback_imports_once_the_marketplace_is_told(con):
    [result] = ingest.import_paths(con, [BAD / "ambiguous_feedback_dates.txt"], marketplace="UK")
    assert result.status == "imported" and result.marketplace == "UK"
    dates = [r[0] for r in con.execute("select feedback_date::varchar from feedback order by 1").fetchall()]
    assert "2026-04-03" in dates  # 3/4/26 read as 3 April


def test_bad_count_in_rating_csv_names_its_line(tmp_path, con):
    path = tmp_path / "rating.csv"
    path.write_text(
        "date,marketplace,period,positive,neutral,negative\n2026-11-15,UK,30,12,0,1\n2026-11-15,UK,90,-3,0,1\n"
    )
    [result] = ingest.import_paths(con, [path])
    assert result.status == "error"
    assert "line 3" in result.error and "positive" in result.error and "'-3'" in result.error
    assert con.execute("select count(*) from feedback_ratings").fetchone()[0] == 0
