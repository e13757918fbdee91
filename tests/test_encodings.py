"""Text encodings and containers sellers end up with: Excel's "Unicode Text" (UTF-16), Windows-1252 found
only deep in a file, gzip, nested folders with hidden files."""

from __future__ import annotations

import gzip
import json
import shutil

from conftest import FIXTURES, cli
from test_merge import HEADER, line

from velocity import ingest
from velocity.ingest import read

FORMATS = FIXTURES / "formats"


def test_utf16_from_excel(tmp_path, con):
    """Excel's "Unicode Text" is UTF-16 with a BOM, tab separated, CRLF."""
    text = (FORMATS / "all_orders__uk_local_offsets.txt").read_text(encoding="utf-8")
    path = tmp_path / "orders_excel.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-16"))
    [result] = ingest.import_paths(con, [path])
    assert result.status == "imported", result.error
    assert result.rows == 5 and "read as UTF-16" in result.notes


def test_windows_1252_deep_in_a_utf8_looking_file(tmp_path, con):
    """The first bytes decode as UTF-8; a cp1252 byte far down makes DuckDB refuse, and velocity retries."""
    rows = [
        line(f"202-{n:07d}-{n:07d}", "S1", "2026-10-01T11:00:00+00:00", "Shipped") for n in range(1, 1200)
    ]
    rows.append(
        line("202-9999999-9999999", "S1", "2026-10-01T11:00:00+00:00", "Shipped").replace(
            "Poster", "Caf\xe9 poster"
        )
    )
    path = tmp_path / "orders.txt"
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode("cp1252"))
    assert path.stat().st_size > read.HEAD_BYTES
    [result] = ingest.import_paths(con, [path])
    assert result.status == "imported", result.error
    assert "read as Windows-1252" in result.notes
    name = con.execute(
        "select product_name from all_orders where order_id = '202-9999999-9999999'"
    ).fetchone()[0]
    assert name.startswith("Café poster")


def test_folders_are_walked_with_gz_and_hidden_files_skipped(tmp_path, con):
    nested = tmp_path / "downloads" / "2026-11"
    nested.mkdir(parents=True)
    hidden = tmp_path / "downloads" / ".cache"
    hidden.mkdir()
    raw = (FORMATS / "all_orders__2022_us.txt").read_bytes()
    (nested / "orders.txt.gz").write_bytes(gzip.compress(raw, mtime=0))
    (hidden / "orders.txt").write_bytes(raw)
    shutil.copy(FORMATS / "feedback__us.txt", nested / "feedback.txt")
    results = ingest.import_paths(con, [tmp_path / "downloads"])
    assert sorted((r.path.rsplit("/", 1)[-1], r.status, r.kind) for r in results) == [
        ("feedback.txt", "imported", "feedback"),
        ("orders.txt.gz", "imported", "all_orders"),
    ]


def test_gzip_detected_by_content_not_name(tmp_path, con):
    path = tmp_path / "orders_download"  # no extension at all
    path.write_bytes(gzip.compress((FORMATS / "all_orders__2022_us.txt").read_bytes(), mtime=0))
    [result] = ingest.import_paths(con, [path])
    assert (result.status, result.kind, result.rows) == ("imported", "all_orders", 7)


def test_import_json_reports_errors_and_exits_1(tmp_path):
    bad = tmp_path / "bad_date.txt"
    shutil.copy(FIXTURES / "bad" / "bad_date.txt", bad)
    good = tmp_path / "good.txt"
    shutil.copy(FORMATS / "all_orders__2022_us.txt", good)
    out = cli("import", str(bad), str(good), "--json", cwd=tmp_path)
    assert out.code == 1
    results = json.loads(out.out)
    assert [r["status"] for r in results] == ["error", "imported"]
    assert "line 3" in results[0]["error"] and results[0]["kind"] == "all_orders"
    # the data has the errors; stderr still says them, one line each (plus the hint)
    assert out.err.startswith(f"velocity: error: {bad} (All Orders report): line 3")
    assert "good.txt" not in out.err
