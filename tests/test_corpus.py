"""A corpus of bad and awkward files, each with its expected outcome: read as the report it is, or refused in
one line that names the file (and the line and column where there is one) without a line's content - and
never a traceback. Generated here (large ones too), so the corpus needs nothing outside the repository."""

from __future__ import annotations

import gzip
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES
from test_merge import HEADER, line

from velocity import ingest, store

ROWS = 3


def ao_rows(
    prefix: str, n: int = ROWS, price: str = "9.99", channel: str = "Amazon.co.uk", **kw
) -> list[str]:
    currency = {"Amazon.com": "USD", "Amazon.de": "EUR"}.get(channel, "GBP")
    return [
        line(
            f"{prefix}-{i:07d}-0000001",
            "S1",
            "2026-10-02T10:00:00+00:00",
            "Shipped",
            price,
            channel=channel,
            currency=currency,
            **kw,
        )
        for i in range(1, n + 1)
    ]


def text(*lines: str, end: str = "\n") -> bytes:
    return (end.join(lines) + end).encode("utf-8")


def orders(prefix: str, **kw) -> bytes:
    return text(HEADER, *ao_rows(prefix, **kw))


FEEDBACK = "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email"


@dataclass
class Case:
    name: str
    make: Callable[[Path], bytes | None]  # the file's bytes (None: make wrote the file itself)
    rows: int | None = None  # imported with this many rows
    error: list[str] = field(default_factory=list)  # ... or refused with these words
    skipped: bool = False
    marketplace: str | None = None
    check: Callable | None = None  # more to check in the store afterwards


def _big_error(path: Path) -> None:
    """A bad amount in the middle of a file over 32 MiB (where DuckDB reads in parallel)."""
    rows = "\n".join(ao_rows("301", 120_000)) + "\n"
    bad = line("301-9999999-0000001", "S1", "2026-10-02T10:00:00+00:00", "Shipped", "ten")
    path.write_text(HEADER + "\n" + rows + bad + "\n" + rows, encoding="utf-8")
    assert path.stat().st_size > 32 << 20


def _huge_line(path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(HEADER + "\n")
        fh.write("202-0000001-0000001\t" + "x" * (20 << 20) + "\n")


def _zip(members: dict[str, bytes]) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        with zipfile.ZipFile(path, "w") as z:
            for name, data in members.items():
                z.writestr(name, data)

    return make


def _price(order: str, value: str) -> Callable:
    def check(con) -> None:
        got = con.one("select item_price from all_orders where order_id = $o", {"o": order})
        assert got == (Decimal(value),), got

    return check


DE_HEADER_ROW = line(
    "401-0000001-0000001",
    "S1",
    "2026-10-02T10:00:00+00:00",
    "Shipped",
    "1.234,56",
    channel="Amazon.de",
    currency="EUR",
)
ACCOUNT_HEALTH = json.dumps(
    {"accountStatuses": [{"marketplaceId": "A1F83G8C2ARO7P", "status": "NORMAL"}], "performanceMetrics": []}
).encode()

CASES = [
    # --- bytes that are not a report
    Case("empty.txt", lambda p: b"", error=["the file is empty"]),
    Case("whitespace.txt", lambda p: b"  \n\t\n\r\n", error=["the file is empty"]),
    Case("zeros.txt", lambda p: b"\x00" * 4096, error=["a binary file"]),
    Case("report.pdf.txt", lambda p: b"%PDF-1.7\n" + b"x" * 100, error=["a PDF document"]),
    Case("image.txt", lambda p: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, error=["a PNG image"]),
    Case("photo.txt", lambda p: b"\xff\xd8\xff\xe0" + b"\x00" * 64, error=["a JPEG image"]),
    Case(
        "old.xls", lambda p: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, error=["an old Excel (.xls)"]
    ),
    Case("book.xlsx", _zip({"xl/workbook.xml": b"<workbook/>"}), error=["an Excel workbook"]),
    Case("broken.zip", lambda p: b"PK\x03\x04" + b"junk" * 10, error=["damaged .zip"]),
    Case("db.sqlite", lambda p: b"SQLite format 3\x00" + b"\x00" * 64, error=["an SQLite database"]),
    Case(
        "unknown_header.txt",
        lambda p: text("a\tb\tc", "1\t2\t3"),
        error=["not an export velocity reads", "'a', 'b', 'c' (3 columns)"],
    ),
    Case(
        "wide_unknown.txt",
        lambda p: text("\t".join(f"col{i}" for i in range(10_000)), "\t".join("1" * 10_000)),
        error=["not an export velocity reads", "(10000 columns)"],
    ),
    # --- encodings
    Case("bom.txt", lambda p: b"\xef\xbb\xbf" + orders("101"), rows=ROWS),
    Case("utf16le_bom.txt", lambda p: orders("102").decode().encode("utf-16"), rows=ROWS),
    Case("utf16be_bom.txt", lambda p: b"\xfe\xff" + orders("103").decode().encode("utf-16-be"), rows=ROWS),
    Case("utf16le_no_bom.txt", lambda p: orders("104").decode().encode("utf-16-le"), rows=ROWS),
    Case("utf16be_no_bom.txt", lambda p: orders("105").decode().encode("utf-16-be"), rows=ROWS),
    Case(
        "cp1252_deep.txt",
        lambda p: (
            text(HEADER, *ao_rows("106", 2000))
            + text(line("106-9999999-0000001", "S1", "2026-10-02T10:00:00+00:00", "Shipped", "9.99")).replace(
                b"Poster", "Caf\u00e9".encode("cp1252")
            )
        ),
        rows=2001,
    ),
    Case(
        "not_cp1252.txt",
        lambda p: orders("107").replace(b"Poster", b"P\x81ster"),
        error=["neither UTF-8 nor Windows-1252"],
    ),
    Case("control_chars.txt", lambda p: orders("108").replace(b"Poster", b"Pos\x1b[31mter"), rows=ROWS),
    # --- line ends and shape
    Case("crlf.txt", lambda p: text(HEADER, *ao_rows("111"), end="\r\n"), rows=ROWS),
    Case("cr_only.txt", lambda p: text(HEADER, *ao_rows("112"), end="\r"), rows=ROWS),
    Case(
        "mixed_ends.txt", lambda p: (HEADER + "\r\n" + "\n".join(ao_rows("113")) + "\n").encode(), rows=ROWS
    ),
    Case("cr_in_field.txt", lambda p: orders("114").replace(b"Poster", b"Pos\rter"), rows=ROWS),
    Case(
        "cr_in_field_crlf.txt",
        lambda p: text(HEADER, *ao_rows("115"), end="\r\n").replace(b"Poster", b"Pos\rter"),
        rows=ROWS,
    ),
    Case("no_final_newline.txt", lambda p: orders("116")[:-1], rows=ROWS),
    Case("trailing_tabs.txt", lambda p: text(HEADER, *(r + "\t" for r in ao_rows("117"))), rows=ROWS),
    Case("blank_lines.txt", lambda p: text(HEADER, "", *ao_rows("118"), ""), rows=ROWS),
    Case("cat_twice.txt", lambda p: orders("119") + orders("120"), rows=2 * ROWS),
    Case(
        "cat_twice_bom.txt",
        lambda p: b"\xef\xbb\xbf" + orders("121") + b"\xef\xbb\xbf" + orders("122"),
        rows=2 * ROWS,
    ),
    Case(
        "cat_other_layout.txt",
        lambda p: (
            orders("123")
            + text(
                "\t".join(HEADER.split("\t")[:-1]), *("\t".join(r.split("\t")[:-1]) for r in ao_rows("124"))
            )
        ),
        error=["line 5 has 32 fields where the header has 33"],
    ),
    Case("header_only.txt", lambda p: text(HEADER), rows=0),
    Case(
        "short_row.txt",
        lambda p: text(HEADER, *ao_rows("125", 2), "202-x\t\t2026"),
        error=["line 4 has 3 fields where the header has 33"],
    ),
    Case(
        "long_row.txt",
        lambda p: text(HEADER, ao_rows("126", 1)[0] + "\textra\tmore", *ao_rows("127", 2)),
        error=["line 2 has 35 fields"],
    ),
    Case("huge_line.txt", _huge_line, error=["line 2 is over 1 MB long"]),
    Case(
        "big_bad_value.txt", _big_error, error=["line 120002", "column item-price", "'ten' is not a number"]
    ),
    Case(
        "wide_known.txt",
        lambda p: text(
            HEADER + "".join(f"\textra{i}" for i in range(10_000)),
            *(r + "\t" * 10_000 for r in ao_rows("128")),
        ),
        rows=ROWS,
    ),
    # --- compression and archives
    Case("gz_named_txt.txt", lambda p: gzip.compress(orders("131"), mtime=0), rows=ROWS),
    Case("orders.txt.gz", lambda p: gzip.compress(orders("132"), mtime=0), rows=ROWS),
    Case(
        "truncated.txt.gz",
        lambda p: gzip.compress(text(HEADER, *ao_rows("133", 3000)), mtime=0)[:2000],
        error=["damaged or cut-short .gz"],
    ),
    Case("gz_of_pdf.txt.gz", lambda p: gzip.compress(b"%PDF-1.7 junk", mtime=0), error=["a PDF document"]),
    Case("gz_of_nothing.txt.gz", lambda p: gzip.compress(b"", mtime=0), error=["the file is empty"]),
    Case("archive.zip", _zip({"a/orders.txt": orders("134")}), rows=ROWS),
    # --- JSON
    Case("other.json", lambda p: b'{"hello": 1}', error=["not an account-health report"]),
    Case("deep.json", lambda p: b"[" * 200_000 + b"]" * 200_000, error=["nested too deeply"]),
    Case("broken.json", lambda p: b'{"performanceMetrics": [', error=["not valid JSON"]),
    Case("list.json", lambda p: b"[1, 2, 3]", error=["not an account-health report"]),
    Case("health.json", lambda p: ACCOUNT_HEALTH, rows=1),
    # --- values
    Case(
        "bad_date.txt",
        lambda p: text(HEADER, *ao_rows("141", 2), line("141-0000009-0000001", "S1", "soon", "Shipped")),
        error=["line 4", "column last-updated-date", "'soon' is not a date"],
    ),
    Case(
        "year_1900.txt",
        lambda p: text(
            HEADER,
            line(
                "142-0000001-0000001",
                "S1",
                "1900-10-02T10:00:00+00:00",
                "Shipped",
                purchased="1900-10-01T10:00:00+00:00",
            ),
        ),
        error=["line 2", "before 2000", "cannot be right"],
    ),
    Case(
        "year_2100.txt",
        lambda p: text(
            HEADER,
            line(
                "143-0000001-0000001",
                "S1",
                "2100-10-02T10:00:00+00:00",
                "Shipped",
                purchased="2100-10-01T10:00:00+00:00",
            ),
        ),
        error=["more than a year from today"],
    ),
    Case(
        "bad_amount.txt",
        lambda p: text(HEADER, *ao_rows("144", 2), ao_rows("145", 1, price="ten")[0]),
        error=["line 4", "column item-price", "'ten' is not a number"],
    ),
    Case(
        "us_thousands.txt",
        lambda p: text(
            HEADER,
            *ao_rows("146", 1, price="1,234", channel="Amazon.com"),
            *ao_rows("147", 1, price="12.50", channel="Amazon.com"),
        ),
        rows=2,
        check=_price("146-0000001-0000001", "1234"),
    ),
    Case(
        "us_decimal_comma.txt",
        lambda p: text(HEADER, *ao_rows("148", 2, price="1.234,56", channel="Amazon.com")),
        error=["'1.234,56'", "US reports write amounts with a decimal point"],
    ),
    Case(
        "us_comma_cents.txt",
        lambda p: text(HEADER, *ao_rows("149", 2, price="12,34", channel="Amazon.com")),
        error=["'12,34'", "decimal point"],
    ),
    Case(
        "us_both_ways.txt",
        lambda p: text(
            HEADER,
            *ao_rows("150", 2, price="12.50", channel="Amazon.com"),
            *ao_rows("151", 1, price="1.234,56", channel="Amazon.com"),
        ),
        error=["written both ways", "'1.234,56'"],
    ),
    Case(
        "us_late_comma.txt",
        lambda p: text(
            HEADER,
            *ao_rows("160", 2500, price="12.50", channel="Amazon.com"),
            *ao_rows("161", 1, price="1.234,56", channel="Amazon.com"),
        ),
        error=["line 2502", "column item-price", "'1.234,56'"],
    ),
    Case(
        "de_comma.txt",
        lambda p: text(HEADER, DE_HEADER_ROW),
        rows=1,
        check=_price("401-0000001-0000001", "1234.56"),
    ),
    Case(
        "de_dots.txt",
        lambda p: text(HEADER, *ao_rows("152", 1, price="12.99", channel="Amazon.de")),
        rows=1,
        check=_price("152-0000001-0000001", "12.99"),
    ),
    Case(
        "mixed_separators.txt",
        lambda p: text(
            HEADER,
            *ao_rows("153", 1, price="12,99", channel="Amazon.de"),
            *ao_rows("154", 1, price="13.99", channel="Amazon.de"),
        ),
        error=["written both ways"],
    ),
    Case(
        "missing_order_id.txt",
        lambda p: text(HEADER, *ao_rows("155", 1), "\t" + "\t".join(ao_rows("156", 1)[0].split("\t")[1:])),
        error=["line 3", "column amazon-order-id is empty"],
    ),
    Case(
        "bad_quantity.txt",
        lambda p: text(HEADER, *ao_rows("157", 1, qty="two")),
        error=["column quantity", "'two' is not a whole number"],
    ),
    Case(
        "feedback_bad_rating.txt",
        lambda p: text(FEEDBACK, "3/11/26\t7\t\t\t202-0000001-0000001\t"),
        error=["column Rating", "rating from 1 to 5"],
        marketplace="UK",
    ),
    Case(
        "feedback_ambiguous.txt",
        lambda p: text(FEEDBACK, "3/11/26\t5\t\t\t159-0000001-0000001\t"),
        error=["fit M/D/YY", "D/M/YY", "--marketplace"],
    ),
    Case(
        "feedback_ok.txt",
        lambda p: text(FEEDBACK, "13/11/26\t5\tgreat\t\t159-0000002-0000001\t"),
        rows=1,
        marketplace="UK",
    ),
    Case(
        "rating_bad_count.csv",
        lambda p: text("date,marketplace,period,positive,neutral,negative", "2026-11-15,UK,30,-1,0,0"),
        error=["column positive", "count"],
    ),
    Case(
        "rating_bad_period.csv",
        lambda p: text("date,marketplace,period,positive,neutral,negative", "2026-11-15,UK,weekly,1,0,0"),
        error=["column period"],
    ),
    Case("fifo", lambda p: os.mkfifo(p), error=["a pipe (FIFO), not a file"]),
]


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "v.duckdb"
    con = store.connect(path)
    yield con
    con.close()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus(corpus_store, tmp_path, case):
    path = tmp_path / case.name
    data = case.make(path)
    if data is not None:
        path.write_bytes(data)
    before = corpus_store.one("select count(*) from imported_files")[0]
    [result] = ingest.import_paths(corpus_store, [path], marketplace=case.marketplace)
    if case.rows is not None:
        assert result.status == "imported", (result.error, result.hint)
        assert result.rows == case.rows
        if case.check:
            case.check(corpus_store)
        return
    assert result.status == "error", result
    message = f"{result.error}\n{result.hint or ''}"
    assert result.error.startswith(str(path)), result.error  # names the file
    assert "\n" not in result.error and "Traceback" not in message
    assert "Original Line" not in message and "xxxxxxxxxx" not in message  # never a line's content
    for words in case.error:
        assert words in message, message
    assert corpus_store.one("select count(*) from imported_files")[0] == before  # nothing half-written


def test_a_failing_file_leaves_the_others_and_the_store_as_they_were(tmp_path, con):
    good = tmp_path / "good.txt"
    good.write_bytes(orders("501"))
    bad = tmp_path / "bad.txt"
    _big_error(bad)
    results = ingest.import_paths(con, [bad, good])
    assert [r.status for r in results] == ["error", "imported"]
    assert con.one("select count(*) from all_orders where order_id like '301-%'") == (0,)
    assert con.one("select count(*) from orders") == (ROWS,)


def test_corpus_fixtures_on_disk_are_read_too():
    """The static bad-input files stay part of the corpus (fixtures/bad/, with their own expectations)."""
    assert len(list((FIXTURES / "bad").glob("*"))) >= 13


def test_an_order_dated_months_ahead_does_not_move_the_default_as_of(tmp_path):
    """A date within the year allowed at import, but after the import itself, is an outlier: the default
    as-of stays at the day of the latest import (a day's margin) and says so."""
    from datetime import date, timedelta

    import velocity

    ahead = date.today() + timedelta(days=150)
    path = tmp_path / "orders.txt"
    path.write_bytes(
        text(
            HEADER,
            *ao_rows("601"),
            line(
                "601-9999999-0000001",
                "S1",
                f"{ahead}T10:00:00+00:00",
                "Shipped",
                "9.99",
                purchased=f"{ahead}T09:00:00+00:00",
            ),
        )
    )
    with velocity.open(tmp_path / "v.duckdb", write=True, create=True) as v:
        [result] = v.import_paths([path])
        assert result.status == "imported"
        answer = v.sales()
    imported = date.today()  # the ledger's UTC day, at most a day from the local one
    assert answer.data["as_of"] in {str(imported + timedelta(days=d)) for d in (0, 1, 2)}
    assert any(f"some data is dated after your latest import ({ahead}" in n for n in answer.data["notes"])
    with velocity.open(tmp_path / "v.duckdb") as v:
        assert v.sales(as_of=ahead).data["as_of"] == str(ahead)  # asked for, it is answered


def test_a_file_still_being_written_is_refused_then_imported_whole(tmp_path, con, monkeypatch):
    """The download grows while velocity reads it: refused (nothing imported, nothing in the ledger), and
    imported whole the next time - never blocked by a ledger entry for bytes that were not imported."""
    from velocity.ingest import load

    path = tmp_path / "orders.txt"
    path.write_bytes(orders("701"))
    hashed = load.file_facts
    grown = []

    def still_downloading(p, *args):
        facts = hashed(p, *args)
        if not grown:  # the browser writes the rest of the download after velocity hashed the start
            with p.open("ab") as fh:
                fh.write(text(*ao_rows("702", 2)))
            grown.append(p)
        return facts

    monkeypatch.setattr(load, "file_facts", still_downloading)
    [first] = ingest.import_paths(con, [path])
    assert first.status == "error" and "the file changed while it was read" in first.error
    assert con.one("select count(*) from imported_files") == (0,)
    assert con.one("select count(*) from all_orders") == (0,)
    [again] = ingest.import_paths(con, [path])
    assert again.status == "imported" and again.rows == ROWS + 2
    [third] = ingest.import_paths(con, [path])
    assert third.status == "unchanged"
