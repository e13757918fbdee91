"""Importing export files into the store: recognise each file from its content, read it exactly, merge it.

Each file is one transaction (all of it or none); a file whose content was imported before is not read
again; rows are merged by natural key, the newer version winning, so files may come in any order.
Reading, typing and merging happen in DuckDB (queries/stg_*.sql); Python only decides and explains.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from velocity import sql
from velocity.errors import NotAnExport, VelocityError
from velocity.kinds import (
    ACCOUNT_HEALTH,
    FEEDBACK,
    FEEDBACK_RATINGS,
    Kind,
    Target,
    detect,
    is_rating_header,
    looks_like,
)
from velocity.store import one

HEAD_BYTES = 1 << 16
LARGE_FILE = 32 << 20  # bytes; larger files get a progress bar
QUICK_BYTES = 1 << 20
EXPORT_SUFFIXES = {".txt", ".tsv", ".csv", ".json", ".gz", ".tab", ""}
BINARY_MAGIC = (
    b"PK\x03\x04",
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\xd0\xcf\x11\xe0",
    b"SQLite format",
)
DUCKDB_MAGIC = b"DUCK"

Progress = Callable[[str, float | None], None]


@dataclass
class FileResult:
    """What happened to one file; the CLI prints one line per result."""

    path: str
    status: str  # imported | unchanged | skipped | error
    kind: str | None = None
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    marketplace: str | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    hint: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Source:
    """A file as read: whether gzip, the text encoding that reads it, its header."""

    path: Path
    gzipped: bool
    encoding: str  # the file's own encoding: 'utf-8', 'cp1252' or 'utf-16'; `readable` is always UTF-8
    head: str  # decoded first bytes
    readable: Path  # what DuckDB reads: the file itself, or a UTF-8 copy


_ENCODING_NAMES = {"cp1252": "Windows-1252", "utf-16": "UTF-16"}


# ---------------------------------------------------------------------------------------------- files


def expand(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """Every file to consider: (path, named explicitly). Folders are walked recursively, in name order,
    skipping hidden files and folders."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if child.is_file() and not any(p.startswith(".") for p in rel):
                    yield child, False
        else:
            yield path, True


def _open_bytes(path: Path, gzipped: bool):
    return gzip.open(path, "rb") if gzipped else path.open("rb")


def _hash(path: Path, progress: Progress | None) -> str:
    """The SHA-256 of the file's bytes (the ledger's identity of a file), read into one reused buffer."""
    digest = hashlib.sha256()
    size = max(path.stat().st_size, 1)
    buffer = bytearray(1 << 23)
    view = memoryview(buffer)
    done = 0
    with path.open("rb", buffering=0) as fh:
        while n := fh.readinto(buffer):
            digest.update(view[:n])
            done += n
            if progress:
                progress("hashing", done / size)
    return digest.hexdigest()


def _quick_key(path: Path) -> str:
    """A cheap fingerprint of a file: the SHA-256 of its size and its first and last MiB. Identical files
    share it, so a file whose quick key is not in the ledger is certainly new."""
    digest = hashlib.sha256()
    size = path.stat().st_size
    digest.update(size.to_bytes(8, "little"))
    with path.open("rb") as fh:
        digest.update(fh.read(QUICK_BYTES))
        if size > 2 * QUICK_BYTES:
            fh.seek(size - QUICK_BYTES)
        digest.update(fh.read(QUICK_BYTES))
    return digest.hexdigest()


@contextmanager
def _watched(con: duckdb.DuckDBPyConnection, progress: Progress | None) -> Iterator[None]:
    """While the block runs DuckDB queries, report their progress (DuckDB's own estimate, per query)."""
    if progress is None:
        yield
        return
    con.execute("set enable_progress_bar = true; set enable_progress_bar_print = false")
    stop = threading.Event()

    def poll() -> None:
        shown = 0.0  # the first query (the load) is nearly all the work; later short ones restart at 0
        while not stop.wait(0.2):
            done = min(con.query_progress(), 100.0) / 100
            if done > shown:
                shown = done
                progress("reading", shown)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
        con.execute("set enable_progress_bar = false")


def _head(path: Path) -> tuple[bytes, bool]:
    with path.open("rb") as fh:
        start = fh.read(2)
    gzipped = start == b"\x1f\x8b"
    try:
        with _open_bytes(path, gzipped) as fh:
            return fh.read(HEAD_BYTES), gzipped
    except (OSError, EOFError) as exc:
        raise VelocityError(f"{path}: a damaged gzip file ({exc})", "download the report again") from None


def _first_bad_line(data: bytes) -> int:
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return number
    return 1


def _transcode(path: Path, gzipped: bool, encoding: str, workdir: Path) -> tuple[Path, str]:
    """A UTF-8 copy of a file in another encoding, for DuckDB; refuses text that does not decode cleanly."""
    with _open_bytes(path, gzipped) as fh:
        data = fh.read()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        line = _first_bad_line(data)
        raise VelocityError(
            f"{path}: line {line}: the text is neither UTF-8 nor Windows-1252",
            "export the report again from Seller Central, or save it as UTF-8",
        ) from None
    copy = workdir / (path.name + ".utf8.txt")
    copy.write_text(text.lstrip("\ufeff"), encoding="utf-8", newline="")
    return copy, encoding


def _source(path: Path, workdir: Path) -> _Source:
    head, gzipped = _head(path)
    if not head.strip(b" \t\r\n\x00") and b"\x00" not in head:
        raise VelocityError(f"{path}: the file is empty", "download the report again from Seller Central")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        readable, _ = _transcode(path, gzipped, "utf-16", workdir)
        text = readable.read_text(encoding="utf-8")[:HEAD_BYTES]
        return _Source(path, False, "utf-16", text, readable)
    if head.startswith(DUCKDB_MAGIC, 8) or head.startswith(BINARY_MAGIC) or b"\x00" in head:
        raise NotAnExport(
            f"{path}: a binary file, not a report export",
            "velocity reads the tab-separated .txt reports Seller Central downloads, and account-health JSON",
        )
    try:
        text = head.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut by the head's end
            text, encoding = head[: exc.start].decode("utf-8"), "utf-8"
        else:
            try:
                text, encoding = head.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                raise VelocityError(
                    f"{path}: line {_first_bad_line(head)}: the text is neither UTF-8 nor Windows-1252",
                    "export the report again from Seller Central, or save it as UTF-8",
                ) from None
    if encoding != "utf-8":
        readable, _ = _transcode(path, gzipped, encoding, workdir)
        return _Source(path, False, encoding, text.lstrip("\ufeff"), readable)
    return _Source(path, gzipped, encoding, text.lstrip("\ufeff"), path)


def _lines(source: _Source) -> Iterator[str]:
    """The file's text lines (for locating a reported problem; never for reading data)."""
    with _open_bytes(source.readable, source.gzipped) as fh:
        for raw in fh:
            yield raw.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")


# ------------------------------------------------------------------------------------------ reading


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _header_names(cells: list[str]) -> list[str]:
    """Lower-cased, trimmed, unique column names for DuckDB (duplicates and blanks get a suffix)."""
    names: list[str] = []
    for i, cell in enumerate(cells):
        name = cell.strip().lower() or f"_blank{i}"
        while name in names:
            name += "#"
        names.append(name)
    return names


def _read_delimited(
    con: duckdb.DuckDBPyConnection,
    source: _Source,
    kind: Kind,
    names: list[str],
    header: list[str],
) -> None:
    """Put the file behind the view ``kind.raw``: every known column present (absent ones NULL), all text.

    Lines that repeat the header (downloads joined with ``cat``) carry no data and are left out."""
    tabs = kind.delimiter == "\t"  # Amazon's flat files are never quoted; a bare " is just a character
    rel = con.read_csv(
        str(source.readable),
        delimiter=kind.delimiter,
        header=True,
        quotechar="" if tabs else '"',
        escapechar="" if tabs else '"',
        auto_detect=False,
        columns=dict.fromkeys(names, "VARCHAR"),
        compression="gzip" if source.gzipped else "none",
    )
    repeats_header = None
    for name, text in list(zip(names, header, strict=False))[:2]:
        same = duckdb.CoalesceOperator(
            duckdb.ColumnExpression(name) == duckdb.ConstantExpression(text), duckdb.ConstantExpression(False)
        )
        repeats_header = same if repeats_header is None else repeats_header & same
    if repeats_header is not None:
        rel = rel.filter(~repeats_header)
    rel.create_view("_file", replace=True)
    present = set(names)
    select = ", ".join(_quote(c) if c in present else f"null::varchar as {_quote(c)}" for c in kind.columns)
    con.execute(f"create or replace temp view {kind.raw} as select {select} from _file")


# ------------------------------------------------------------------------------------------ merging


def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_name = $t and table_schema = 'main'"
        " order by ordinal_position",
        {"t": table},
    ).fetchall()
    return [r[0] for r in rows]


def _merge(
    con: duckdb.DuckDBPyConnection, target: Target, params: dict
) -> tuple[int, int, int, int, list[str]]:
    """Stage the target's relation and merge it into its table: (rows, new, updated, unchanged, the
    marketplaces its rows name).

    Per key the row with the greater version wins; at equal versions, the one whose content hashes
    greater (a total order on content, computed afresh on both sides, only for rows that meet): so the
    store never depends on the order files arrive in. Rows with the same key inside one file are settled
    by the same rule. A first import into an empty table is one pass; keys are checked for duplicates
    afterwards, on the narrow key columns."""
    text = sql.load(target.relation)
    columns = _table_columns(con, target.table)
    content = ", ".join(_quote(c) for c in columns)
    keys = ", ".join(_quote(k) for k in target.key)
    table = _quote(target.table)
    version = _quote(target.version) if target.version else "null"
    rank = f"row_number() over (partition by {keys} order by {version} desc nulls last, hash({content}) desc)"
    bound = sql.bind(text, params)
    markets_of = (
        "select coalesce(list(distinct marketplace order by marketplace) filter (where marketplace is not null), [])"
        " from {}"
    )
    # Distinct key hashes prove distinct keys (equal keys hash equal); only when they are not all distinct
    # (a duplicate, or rarely a collision) is the exact check needed.
    hashes_distinct = "select count(*) = count(distinct hash(" + keys + ")) from {}"
    exact_duplicates = "select exists (select 1 from {} group by " + keys + " having count(*) > 1)"

    def has_duplicates(relation: str) -> bool:
        return (
            not one(con, hashes_distinct.format(relation))[0]
            and one(con, exact_duplicates.format(relation))[0]
        )

    if one(con, f"select not exists (select 1 from {table})")[0]:
        rows = one(con, f"insert into {table} by name select {content} from ({text})", bound)[0]
        losers = 0
        if has_duplicates(table):
            losers = one(
                con,
                f"delete from {table} where rowid in (select rowid from (select rowid, {rank} as _rank from {table})"
                " where _rank > 1)",
            )[0]
        markets = one(con, markets_of.format(table))[0] if "marketplace" in columns else []
        return rows, rows - losers, 0, losers, markets

    con.execute(f"create or replace temp table _staged as select {content} from ({text})", bound)
    rows = one(con, "select count(*) from _staged")[0]
    markets = one(con, markets_of.format("_staged"))[0] if "marketplace" in columns else []
    if has_duplicates("_staged"):
        con.execute(f"create or replace temp table _staged as select * from _staged qualify {rank} = 1")
    on = " and ".join(f"w.{_quote(k)} = t.{_quote(k)}" for k in target.key)
    first_key = f"t.{_quote(target.key[0])}"
    w_content = ", ".join(f"w.{_quote(c)}" for c in columns)
    t_content = ", ".join(f"t.{_quote(c)}" for c in columns)
    wv, tv = (f"w.{version}", f"t.{version}") if target.version else ("null", "null")
    better = (
        f"({wv} > {tv} or ({wv} is not null and {tv} is null)"
        f" or ({wv} is not distinct from {tv} and hash({w_content}) > hash({t_content})))"
    )
    con.execute(
        f"""create or replace temp table _apply as
        select w.*, {first_key} is null as _new
        from _staged w left join {table} t on {on}
        where {first_key} is null or {better}"""
    )
    new, updated = one(
        con, "select count(*) filter (where _new), count(*) filter (where not _new) from _apply"
    )
    if updated:
        key_match = " and ".join(f"{table}.{_quote(k)} = a.{_quote(k)}" for k in target.key)
        con.execute(f"delete from {table} using _apply a where not a._new and {key_match}")
    con.execute(f"insert into {table} by name select * exclude (_new) from _apply")
    con.execute("drop table _staged; drop table _apply")
    return rows, new, updated, rows - new - updated, markets


# -------------------------------------------------------------------------------- dates and markets


def _distinct(con: duckdb.DuckDBPyConnection, relation: str, column: str, limit: int = 2000) -> list[str]:
    rows = con.execute(
        f"select distinct trim({_quote(column)}) as v from {relation} where nullif(trim({_quote(column)}), '') is not null limit {int(limit)}"
    ).fetchall()
    return [r[0] for r in rows]


def _marketplace_of_orders(con: duckdb.DuckDBPyConnection, relation: str, column: str) -> list[str]:
    """Marketplaces the store knows for the order ids in relation.column (from order reports)."""
    rows = con.execute(
        f"""select distinct known.marketplace
        from order_marketplaces as known
        join (select distinct trim({_quote(column)}) as order_id from {relation}) as file using (order_id)
        order by 1"""
    ).fetchall()
    return [r[0] for r in rows]


def _known_marketplace(code: str | None) -> str | None:
    return code.upper() if code else None


def _marketplace_format(con: duckdb.DuckDBPyConnection, code: str) -> str:
    row = one(con, "select feedback_date_format from marketplaces where code = $c", {"c": code})
    if row is None:
        codes = ", ".join(r[0] for r in con.execute("select code from marketplaces order by 1").fetchall())
        raise VelocityError(f"unknown marketplace {code!r}", f"use one of {codes}", code=2)
    return row[0]


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")
_FORMAT_NAMES = {
    "%m/%d/%y": "M/D/YY (as in the US)",
    "%d/%m/%y": "D/M/YY (as in the UK and most marketplaces)",
    "%y/%m/%d": "YY/M/D (as in Japan)",
    "%d.%m.%y": "D.M.YY (as in Germany)",
}


def _with_four_digit_years(fmt: str, values: list[str]) -> str:
    if fmt == "iso":
        return fmt
    sep = "." if "." in fmt else "/"
    parts = [v.split(sep) for v in values]
    year_at = fmt.split(sep).index("%y")
    if parts and all(len(p) == 3 and len(p[year_at]) == 4 for p in parts):
        return fmt.replace("%y", "%Y")
    return fmt


def _fits(con: duckdb.DuckDBPyConnection, values: list[str], fmt: str) -> bool:
    if fmt == "iso":
        return all(_ISO.match(v) for v in values)
    bad = one(
        con,
        "select count(*) from unnest($values::varchar[]) as t(v) where try_strptime(v, $fmt) is null",
        {"values": values, "fmt": fmt},
    )[0]
    return bad == 0


# A Feedback header in a language other than English names the date order: each of these languages is used
# by marketplaces that share one order (Japanese only on amazon.co.jp; German only on amazon.de ...).
LANGUAGE_DATE_FORMAT = {
    "de": "%d.%m.%y",
    "ja": "%y/%m/%d",
    "fr": "%d/%m/%y",
    "it": "%d/%m/%y",
    "es": "%d/%m/%y",
}


def resolve_date_format(
    con: duckdb.DuckDBPyConnection,
    values: list[str],
    marketplace: str | None,
    *,
    allow_year_first: bool,
    what: str,
    path: Path,
    language: str | None = None,
) -> tuple[str, str | None]:
    """The strptime format ('iso' for YYYY-MM-DD) of a column of local-style dates, and a note.

    The marketplace decides where known, else the header's language where that names one order; otherwise
    the one format every value fits. Dates that fit both D/M and M/D with nothing to decide between them
    are refused, never guessed."""
    if not values or all(_ISO.match(v) for v in values):
        return "iso", None
    if marketplace:
        return _with_four_digit_years(_marketplace_format(con, marketplace), values), None
    if language in LANGUAGE_DATE_FORMAT:
        fmt = _with_four_digit_years(LANGUAGE_DATE_FORMAT[language], values)
        name = _FORMAT_NAMES.get(fmt.replace("%Y", "%y"), fmt)
        return fmt, f"{what} read as {name}, from the header's language"
    candidates = ["%d.%m.%y"] if any("." in v for v in values) else ["%m/%d/%y", "%d/%m/%y"]
    if allow_year_first and "." not in candidates[0]:
        candidates.append("%y/%m/%d")
    fitting = [f for f in (_with_four_digit_years(c, values) for c in candidates) if _fits(con, values, f)]
    if len(fitting) == 1:
        name = _FORMAT_NAMES.get(fitting[0].replace("%Y", "%y"), fitting[0])
        return fitting[0], f"{what} read as {name}: the only order every date fits"
    if not fitting:
        raise VelocityError(
            f"{path}: {what}: cannot read dates such as {values[0]!r}",
            "pass --marketplace CODE so velocity knows the marketplace's date order",
        )
    options = " or ".join(_FORMAT_NAMES.get(f.replace("%Y", "%y"), f) for f in fitting)
    raise VelocityError(
        f"{path}: {what}: dates such as {values[0]!r} fit {options}, and the marketplace is unknown",
        "pass the report's marketplace, e.g. --marketplace UK (D/M/YY) or --marketplace US (M/D/YY),"
        " or import the All Orders report holding these orders first",
    )


def _file_marketplace(
    con: duckdb.DuckDBPyConnection, kind: Kind, given: str | None, order_column: str, notes: list[str]
) -> str | None:
    """The marketplace of a file whose rows do not say: as given, else from its orders in the store;
    otherwise unknown (never assumed from what else the store holds)."""
    if given or not one(con, f"select exists (select 1 from {kind.raw})")[0]:
        return given
    found = _marketplace_of_orders(con, kind.raw, order_column)
    if len(found) == 1:
        notes.append(f"marketplace {found[0]}, from its orders in the store")
        return found[0]
    if len(found) > 1:
        raise VelocityError(
            f"its orders belong to several marketplaces ({', '.join(found)})",
            "a report covers one marketplace: pass --marketplace CODE",
        )
    return None


# ------------------------------------------------------------------------------------------ errors


_BAD_VALUE = re.compile(r"velocity-bad-value\|([^|]*)\|([^|]*)\|(.*)", re.S)
_MISSING = re.compile(r"velocity-missing-value\|([^|]*)\|")
_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_FIELDS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")
_FEEDBACK_DISPLAY = {"Date": "date", "Rating": "rating", "Order ID": "order_id"}
_SHAPES = {
    "date": "dates look like 2026-10-19T14:03:11+00:00, 2026-10-19, or the marketplace's own order",
    "number": "amounts look like 12.34 or 12,34",
}


def _locate(source: _Source, names: list[str], column: str, value: str | None, kind: Kind) -> int | None:
    """The file line holding the first row where column has value (None: is empty)."""
    col = _FEEDBACK_DISPLAY.get(column, column).lower()
    if col not in names:
        return None
    at = names.index(col)
    summary_at = names.index("total-amount") if "total-amount" in names else None
    for number, line in enumerate(_lines(source), start=1):
        if number == 1:
            continue
        fields = line.split(kind.delimiter)
        cell = fields[at].strip() if at < len(fields) else ""
        if summary_at is not None and summary_at < len(fields) and fields[summary_at].strip():
            continue  # a settlement summary row: its other fields are empty by design
        if (value is None and cell == "") or (value is not None and cell == value.strip()):
            return number
    return None


def _placed(exc: VelocityError, path: Path, kind: Kind | None) -> VelocityError:
    """The error's message starting with the file and, once recognised, its kind."""
    message = exc.message.removeprefix(f"{path}: ")
    where = f"{path} ({kind.label})" if kind else str(path)
    return type(exc)(f"{where}: {message}", exc.hint, exc.code, kind=kind.name if kind else None)


def _explain(exc: duckdb.Error, source: _Source, names: list[str], kind: Kind) -> VelocityError | None:
    text = str(exc)
    name = source.path
    if m := _BAD_VALUE.search(text):
        what, column, value = m.group(1), m.group(2), m.group(3).splitlines()[0] if m.group(3) else ""
        line = _locate(source, names, column, value, kind)
        where = f"line {line}: " if line else ""
        hint = _SHAPES.get(what, "correct that value, or download the report again")
        if kind is FEEDBACK and what == "date":
            hint = "check the marketplace: pass --marketplace CODE for the report's date order"
        return VelocityError(f"{name}: {where}column {column}: {value!r} is not a {what}", hint)
    if m := _MISSING.search(text):
        column = m.group(1)
        line = _locate(source, names, column, None, kind)
        where = f"line {line}: " if line else ""
        return VelocityError(
            f"{name}: {where}column {column} is empty, but every row needs it",
            "the file may be damaged: download the report again",
        )
    if (m := _CSV_LINE.search(text)) and (f := _FIELDS.search(text)):
        number = int(m.group(1))
        found = next(
            (len(t.split("\t")) for i, t in enumerate(_lines(source), 1) if i == number), int(f.group(2))
        )
        return VelocityError(
            f"{name}: line {number} has {found} fields where the header has {f.group(1)}",
            "the file is damaged or was cut short: download the report again",
        )
    if "Invalid unicode" in text:
        return None  # the caller retries as Windows-1252
    if isinstance(exc, duckdb.InvalidInputException | duckdb.ConversionException):
        first = text.splitlines()[0]
        return VelocityError(f"{name}: cannot be read ({first})", "download the report again")
    return None


# ------------------------------------------------------------------------------------ account health

_METRIC_ALIASES = {
    "prefulfillmentCancelRate": "pre_fulfillment_cancel_rate",
    "preFulfillmentCancellationRate": "pre_fulfillment_cancel_rate",
    "accountHealthRating": "account_health_rating",
}
_ORDER_COUNT = ("orderCount", "shipmentCount", "shipmentCountWithValidTracking", "totalUnitCount")
_EVENT_COUNT = (
    "defectsCount",
    "orderWithDefects",
    "lateShipmentCount",
    "cancellationCount",
    "validTrackingCount",
    "onTimeDeliveryCount",
    "unitOnTimeDeliveryCount",
    "invoiceDefect",
)
_HEALTH_COLUMNS = (
    "marketplace_id",
    "metric",
    "fulfillment",
    "date_from",
    "date_to",
    "status",
    "rate",
    "target_value",
    "target_condition",
    "order_count",
    "event_count",
    "claims",
    "chargebacks",
    "negative_feedback",
    "score",
)


def _snake(name: str) -> str:
    return _METRIC_ALIASES.get(name) or re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _count(value: object) -> int | None:
    if isinstance(value, dict):
        value = value.get("count")
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _first_count(metric: dict, names: tuple[str, ...]) -> int | None:
    for name in names:
        if (n := _count(metric.get(name))) is not None:
            return n
    return None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _health_row(marketplace_id: str | None, metric: str, fulfillment: str, m: dict) -> tuple:
    dates = m.get("reportingDateRange") or {}
    return (
        marketplace_id,
        metric,
        fulfillment,
        dates.get("reportingDateFrom"),
        dates.get("reportingDateTo"),
        m.get("status") or m.get("ahrStatus") or m.get("accountHealthRatingStatus"),
        _number(m.get("rate")),
        _number(m.get("targetValue")),
        m.get("targetCondition"),
        _first_count(m, _ORDER_COUNT),
        _first_count(m, _EVENT_COUNT),
        _count(m.get("claims")),
        _count(m.get("chargebacks")),
        _count(m.get("negativeFeedback")),
        _number(m.get("ahrScore")),
    )


def _is_metric(value: object) -> bool:
    return isinstance(value, dict) and any(
        k in value for k in ("status", "rate", "ahrStatus", "accountHealthRatingStatus")
    )


def flatten_account_health(doc: dict) -> list[tuple]:
    """Rows (see _HEALTH_COLUMNS) from a V2 seller performance report: one per marketplace, metric and
    fulfilment type; nested groups (warningStates) and unknown metrics are kept under their own names."""
    statuses = doc.get("accountStatuses") or []
    only = statuses[0].get("marketplaceId") if len(statuses) == 1 else None
    rows = [
        _health_row(s.get("marketplaceId"), "account_status", "", s) for s in statuses if isinstance(s, dict)
    ]
    for entry in doc.get("performanceMetrics") or []:
        if not isinstance(entry, dict):
            continue
        market = entry.get("marketplaceId") or only
        stack = [(k, v) for k, v in entry.items() if isinstance(v, dict)]
        while stack:
            name, value = stack.pop(0)
            if any(f in value and isinstance(value[f], dict) for f in ("mfn", "afn")):
                rows += [
                    _health_row(market, _snake(name), f, value[f])
                    for f in ("mfn", "afn")
                    if isinstance(value.get(f), dict)
                ]
            elif _is_metric(value):
                rows.append(_health_row(market, _snake(name), value.get("fulfillmentType") or "", value))
            else:
                stack += [(k, v) for k, v in value.items() if isinstance(v, dict)]
    return rows


# ------------------------------------------------------------------------------------------ importing


def _already(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[str, str] | None:
    row = one(
        con,
        "select kind, strftime(imported_at, '%Y-%m-%d') from imported_files where sha256 = $h",
        {"h": sha256},
    )
    return (row[0], row[1]) if row else None


def _stage_account_health(con: duckdb.DuckDBPyConnection, source: _Source) -> None:
    with _open_bytes(source.readable, source.gzipped) as fh:
        data = fh.read()
    try:
        doc = json.loads(data.decode("utf-8").lstrip("\ufeff"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f"line {exc.lineno}: " if isinstance(exc, json.JSONDecodeError) else ""
        raise VelocityError(
            f"{source.path}: {where}not valid JSON ({exc})", "download the report again"
        ) from None
    if not isinstance(doc, dict) or not ({"performanceMetrics", "accountStatuses"} & doc.keys()):
        keys = ", ".join(list(doc)[:5]) if isinstance(doc, dict) else type(doc).__name__
        raise NotAnExport(
            f"{source.path}: a JSON file, but not an account-health report (top level: {keys})",
            "velocity reads the V2 seller performance report (performanceMetrics, accountStatuses)",
        )
    columns = ", ".join(
        f"{c} {'double' if c in ('rate', 'target_value', 'score') else 'bigint' if c.endswith(('count', 'claims', 'chargebacks', 'feedback')) else 'varchar'}"
        for c in _HEALTH_COLUMNS
    )
    con.execute(f"create or replace temp table raw_account_health ({columns})")
    rows = flatten_account_health(doc)
    if rows:
        con.executemany(
            f"insert into raw_account_health values ({', '.join('?' * len(_HEALTH_COLUMNS))})", rows
        )


def _split_rows(head: str, limit: int = 50) -> list[list[str]]:
    return [line.rstrip("\r").split("\t") for line in head.split("\n")[1:limit] if line.strip()]


@dataclass
class _Recognised:
    kind: Kind
    cells: list[str]  # the header as written
    names: list[str]  # the column names DuckDB reads it with
    language: str | None = None  # of a Feedback header, when known


def _recognise(source: _Source) -> _Recognised:
    """The kind of export a file holds, from its first bytes."""
    first = source.head.split("\n", 1)[0].rstrip("\r")
    if source.head.lstrip()[:1] in ("{", "["):
        return _Recognised(ACCOUNT_HEALTH, [], [])
    if is_rating_header(first):
        cells = first.split(",")
        return _Recognised(FEEDBACK_RATINGS, cells, _header_names(cells))
    cells = first.split("\t")
    while len(cells) > 1 and not cells[-1].strip():
        cells.pop()  # a header ending in a tab
    found = detect(cells, _split_rows(source.head))
    if found is None:
        raise NotAnExport(
            f"{source.path}: not an export velocity reads; its header starts {looks_like(cells)}",
            "velocity reads All Orders, Order Report, Unshipped Orders, Amazon Fulfilled Shipments, Feedback,"
            " settlement (V1, V2), Returns, FBA returns and account-health reports",
        )
    kind, layout = found
    if layout is not None:
        return _Recognised(kind, cells, list(layout.positions), layout.language)
    return _Recognised(kind, cells, _header_names(cells))


def _stage(
    con: duckdb.DuckDBPyConnection,
    source: _Source,
    found: _Recognised,
    marketplace: str | None,
    notes: list[str],
) -> dict:
    """Put the file behind its raw relation and resolve the parameters its staging needs."""
    kind = found.kind
    params: dict = {"marketplace": marketplace}
    if kind is ACCOUNT_HEALTH:
        _stage_account_health(con, source)
        return params
    _read_delimited(con, source, kind, found.names, found.cells)
    if kind is FEEDBACK:
        market = _file_marketplace(con, kind, marketplace, "order_id", notes)
        params["marketplace"] = market
        params["date_format"], note = resolve_date_format(
            con,
            _distinct(con, kind.raw, "date"),
            market,
            allow_year_first=(found.language == "ja"),
            what="Date",
            path=source.path,
            language=found.language,
        )
        notes += [note] if note else []
    elif kind.raw == "raw_settlement":
        markets = [
            r[0]
            for r in con.execute(
                "select distinct m.code from raw_settlement r join marketplaces m"
                ' on lower(trim(r."marketplace-name")) = lower(m.sales_channel)'
            ).fetchall()
        ]
        market = marketplace or (markets[0] if len(markets) == 1 else None)
        params["posted_date_format"], note = resolve_date_format(
            con,
            _distinct(con, kind.raw, "posted-date"),
            market,
            allow_year_first=False,
            what="posted-date",
            path=source.path,
        )
        notes += [note] if note else []
    elif kind.needs_marketplace:
        order_column = "order id" if "order id" in kind.columns else "order-id"
        params["marketplace"] = _file_marketplace(con, kind, marketplace, order_column, notes)
    return params


def _import_one(
    con: duckdb.DuckDBPyConnection, path: Path, marketplace: str | None, progress: Progress | None
) -> FileResult:
    large = path.stat().st_size > LARGE_FILE
    quick_key = _quick_key(path)
    with ThreadPoolExecutor(max_workers=1) as pool, tempfile.TemporaryDirectory(prefix="velocity-") as tmp:
        if one(con, "select 1 from imported_files where quick_key = $q", {"q": quick_key}):
            # maybe this very file again: confirm with the full hash before reading anything
            full_hash = pool.submit(_hash, path, progress if large else None)
            if seen := _already(con, full_hash.result()):
                return FileResult(
                    str(path), "unchanged", kind=seen[0], notes=[f"already imported on {seen[1]}"]
                )
        else:
            # certainly new: its full hash (for the ledger) is computed while DuckDB reads it
            full_hash = pool.submit(_hash, path, None)
        source = _source(path, Path(tmp))
        for attempt in (1, 2):
            notes: list[str] = []
            con.begin()
            names: list[str] = []
            kind: Kind | None = None
            try:
                found = _recognise(source)
                kind, names = found.kind, found.names
                with _watched(con, progress if large else None):
                    params = _stage(con, source, found, marketplace, notes)
                    counts = [_merge(con, target, params) for target in kind.targets]
                rows = counts[0][0]
                if kind.raw == "raw_settlement":  # summary and lines come from the same file rows
                    rows = one(con, "select count(*) from raw_settlement")[0]
                new, updated, unchanged = (sum(c[i] for c in counts) for i in (1, 2, 3))
                markets = sorted({m for c in counts for m in c[4]})
                if rows == 0:
                    notes.append("header only: no rows")
                if source.encoding != "utf-8":
                    notes.append(f"read as {_ENCODING_NAMES[source.encoding]}")
                result = FileResult(
                    str(path),
                    "imported",
                    kind=kind.name,
                    rows=rows,
                    new=new,
                    updated=updated,
                    unchanged=unchanged,
                    marketplace=",".join(markets) or params.get("marketplace"),
                    notes=notes,
                )
                con.execute(
                    """insert into imported_files values ($sha256, $quick_key, $path, $kind, $rows, $new, $updated,
                    $unchanged, $marketplace, $at, $note)""",
                    {
                        "sha256": full_hash.result(),
                        "quick_key": quick_key,
                        "path": str(path.resolve()),
                        "kind": kind.name,
                        "rows": rows,
                        "new": new,
                        "updated": updated,
                        "unchanged": unchanged,
                        "marketplace": result.marketplace,
                        "at": datetime.now(UTC),
                        "note": "; ".join(notes) or None,
                    },
                )
                con.commit()
                return result
            except VelocityError as exc:
                con.rollback()
                raise _placed(exc, path, kind) from None
            except duckdb.Error as exc:
                con.rollback()
                explained = _explain(exc, source, names, kind or FEEDBACK)
                if explained is not None:
                    raise _placed(explained, path, kind) from None
                if "Invalid unicode" in str(exc) and attempt == 1:
                    readable, encoding = _transcode(path, source.gzipped, "cp1252", Path(tmp))
                    source = _Source(path, False, encoding, source.head, readable)
                    continue
                raise
    raise AssertionError("unreachable")


def import_paths(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[Path],
    *,
    marketplace: str | None = None,
    progress: Callable[[Path, str, float | None], None] | None = None,
) -> list[FileResult]:
    """Import every file under paths; one result per file, errors included (they never stop the others)."""
    marketplace = _known_marketplace(marketplace)
    if marketplace:
        _marketplace_format(con, marketplace)  # refuses an unknown code before reading anything
    results = []
    for path, explicit in expand(paths):
        if not path.exists():
            results.append(FileResult(str(path), "error", error=f"{path}: no such file or folder"))
            continue
        if not explicit and path.suffix.lower() not in EXPORT_SUFFIXES:
            results.append(FileResult(str(path), "skipped", notes=["not an export (by its type)"]))
            continue
        tick = (lambda stage, done, p=path: progress(p, stage, done)) if progress else None
        try:
            results.append(_import_one(con, path, marketplace, tick))
        except NotAnExport as exc:
            if explicit:
                results.append(FileResult(str(path), "error", error=exc.message, hint=exc.hint))
            else:
                results.append(
                    FileResult(str(path), "skipped", notes=[exc.message.removeprefix(f"{path}: ")])
                )
        except VelocityError as exc:
            results.append(FileResult(str(path), "error", kind=exc.kind, error=exc.message, hint=exc.hint))
    return results


def check_marketplace(con: duckdb.DuckDBPyConnection, code: str) -> None:
    """Refuse an unknown marketplace code, listing the known ones."""
    _marketplace_format(con, code)


def record_rating(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    as_of: date,
    marketplace: str,
    counts: dict[str, tuple[int, int, int]],
) -> FileResult:
    """Import a rating CSV just written by hand (velocity.ratings.append). A reading recorded again with
    other figures is a correction: the store's differing rows for that day are dropped first, so the
    file's figures win rather than the merge's tie-break."""
    con.begin()
    for period, (positive, neutral, negative) in counts.items():
        con.execute(
            """delete from feedback_ratings
            where marketplace = $m and as_of = $d and period = $p
                and (positive, neutral, negative) <> ($pos, $neu, $neg)""",
            {"m": marketplace, "d": as_of, "p": period, "pos": positive, "neu": neutral, "neg": negative},
        )
    con.commit()
    return import_paths(con, [path], marketplace=marketplace)[0]
