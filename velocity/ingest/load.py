"""Importing export files into the store, one transaction per file: recognise it, read it exactly, merge its
rows, and bring the order table up to date for the orders it touched - all of it or none.

A file whose content was imported before is not read again. Reading, typing and merging happen in DuckDB
(queries/staging); Python decides and explains.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from velocity import sql
from velocity.errors import NotAnExport, VelocityError
from velocity.files import private_files
from velocity.ingest import health_json, merge, place
from velocity.ingest.explain import explain, locate_prefix, placed
from velocity.ingest.read import (
    ENCODING_NAMES,
    EXPORT_SUFFIXES,
    MAX_LINE,
    Candidate,
    Facts,
    Source,
    expand,
    file_facts,
    not_regular,
    quick_key,
    source,
    transcode,
    workdir,
)
from velocity.ingest.recognise import Recognised, recognise
from velocity.kinds import ACCOUNT_HEALTH, DATE_RANGE, FEEDBACK, Kind
from velocity.store import Store, refresh_orders

LARGE_FILE = 32 << 20  # bytes; larger files get a progress bar
# The store tables the order table is built from: a file writing one of them refreshes the orders it touched.
ORDER_SOURCES = {
    "all_orders",
    "order_report",
    "unshipped_orders",
    "fba_shipments",
    "feedback",
    "settlement_lines",
    "returns",
}

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


@contextmanager
def _watched(store: Store, progress: Progress | None) -> Iterator[None]:
    """While the block runs DuckDB queries, report their progress (DuckDB's own estimate, per query)."""
    if progress is None:
        yield
        return
    con = store.con
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
        with contextlib.suppress(duckdb.Error):  # in a failed transaction: the first error is the one to tell
            con.execute("set enable_progress_bar = false")


# ------------------------------------------------------------------------------------------ reading


def _read_delimited(store: Store, src: Source, kind: Kind, found: Recognised) -> None:
    """Put the file behind the view ``kind.raw``: every known column present (absent ones NULL), all text.

    Lines that repeat the header (downloads joined with ``cat``) carry no data and are left out."""
    names, header = found.names, found.cells
    plain = not src.quoted  # Amazon's flat files are never quoted; a bare " is just a character
    rel = store.con.read_csv(
        str(src.readable),
        delimiter=src.delimiter,
        header=True,
        quotechar="" if plain else '"',
        escapechar="" if plain else '"',
        auto_detect=False,
        columns=dict.fromkeys(names, "VARCHAR"),
        compression="gzip" if src.gzipped else "none",
        max_line_size=MAX_LINE + 1024,
        skiprows=src.skip,
    )
    repeats_header = None
    for name, text in list(zip(names, header, strict=False))[:2]:
        cell = duckdb.FunctionExpression(
            "ltrim", duckdb.ColumnExpression(name), duckdb.ConstantExpression("\ufeff")
        )
        same = duckdb.CoalesceOperator(
            cell == duckdb.ConstantExpression(text), duckdb.ConstantExpression(False)
        )
        repeats_header = same if repeats_header is None else repeats_header & same
    if repeats_header is not None:
        rel = rel.filter(~repeats_header)
    rel.create_view("_file", replace=True)
    present = set(names)
    q = place.quote
    select = ", ".join(q(c) if c in present else f"null::varchar as {q(c)}" for c in kind.columns)
    store.execute(f"create or replace temp view {kind.raw} as select {select} from _file")


_TIMESTAMP = re.compile(r'v_ts\("([^"]+)"')
_AMOUNT = re.compile(r'v_num\("([^"]+)"')
_SCIENTIFIC = r"^[0-9](\.[0-9]+)?[eE][+-]?[0-9]+$"


def _columns_read_as(kind: Kind, pattern: re.Pattern) -> list[str]:
    """The source columns the kind's staging reads with one macro (from its SQL: one source of truth)."""
    found: list[str] = []
    for target in kind.targets:
        for column in pattern.findall(sql.load(target.relation)):
            if column not in found:
                found.append(column)
    return found


def _timestamp_columns(kind: Kind) -> list[str]:
    return _columns_read_as(kind, _TIMESTAMP)


def _decimal(store: Store, src: Source, found: Recognised, params: dict) -> None:
    """Decide how the file writes its amounts (velocity.ingest.place.decimal_separator) from the rows of its
    head and its marketplace; the v_num macro reads velocity_decimal."""
    columns = [c for c in _columns_read_as(found.kind, _AMOUNT) if c in found.names]
    if not columns:
        return
    from velocity.ingest.read import header_and_rows

    _, rows = header_and_rows(src, limit=2000)
    at = [found.names.index(c) for c in columns]
    values = [r[i] for r in rows for i in at if i < len(r) and r[i].strip()]
    markets = [params["marketplace"]] if params.get("marketplace") else []
    for channel in ("sales-channel", "marketplace-name"):
        if not markets and channel in found.names:
            i = found.names.index(channel)
            texts = {r[i].strip().lower() for r in rows if i < len(r) and r[i].strip()}
            markets = [
                r[0]
                for r in store.execute(
                    "select code from marketplaces where lower(sales_channel) in (select unnest($t::varchar[]))",
                    {"t": sorted(texts)},
                ).fetchall()
            ]
    sep = place.decimal_separator(
        store, values, markets, spreadsheet=src.spreadsheet, semicolons=src.delimiter == ";", shown=src.shown
    )
    if sep is None:
        store.execute("reset variable velocity_decimal")
    else:
        store.execute("set variable velocity_decimal = $s", {"s": sep})


def _spreadsheet_checks(
    store: Store, src: Source, found: Recognised, marketplace: str | None, notes: list[str]
):
    """A file a spreadsheet re-saved: refuse identifiers it rewrote as numbers, and find how it rewrote the
    timestamps (set as DuckDB variables that the v_ts macro reads)."""
    kind, label = found.kind, _label(found.kind)
    present = set(found.names)
    for column in (c for c in kind.columns if c in present and (c.endswith("-id") or c.endswith(" id"))):
        bad = store.one(
            f"select {place.quote(column)} from {kind.raw} where regexp_matches(trim({place.quote(column)}),"
            f" '{_SCIENTIFIC}') limit 1"
        )
        if bad:
            raise VelocityError(
                f"{src.shown}: this is {label} saved by a spreadsheet, which rewrote {column} as numbers"
                f" such as {bad[0]!r}: the original values are lost",
                "use the original download from Seller Central",
            )
    columns = [c for c in _timestamp_columns(kind) if c in present]
    if not columns:
        return
    values = {c: place.distinct(store, kind.raw, c, limit=500) for c in columns}
    market = marketplace
    if market is None:
        for channel in ("sales-channel", "marketplace-name"):
            if channel in present:
                markets = place.sales_channel_markets(store, kind.raw, channel)
                market = markets[0] if len(markets) == 1 else None
                break
    fmt, note = place.spreadsheet_timestamps(store, values, market, src.shown, label)
    if fmt is not None:
        store.execute("set variable velocity_ts_format = $f", {"f": fmt})
        store.execute("set variable velocity_ts_zone = $z", {"z": place.marketplace_zone(store, market)})
    if note:
        notes.append(note)


def _label(kind: Kind) -> str:
    label = kind.label.split(" (")[0]
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label


def _stage(store: Store, src: Source, found: Recognised, marketplace: str | None, notes: list[str]) -> dict:
    """Put the file behind its raw relation and resolve the parameters its staging needs."""
    kind = found.kind
    params: dict = {"marketplace": marketplace}
    if kind is ACCOUNT_HEALTH:
        health_json.stage(store, src)
        return params
    _read_delimited(store, src, kind, found)
    if src.spreadsheet and kind.delimiter == "\t":
        _spreadsheet_checks(store, src, found, marketplace, notes)
    if kind is FEEDBACK:
        market = place.file_marketplace(store, kind.raw, marketplace, "order_id", notes)
        params["marketplace"] = market
        params["date_format"], note = place.resolve_date_format(
            store,
            place.distinct(store, kind.raw, "date"),
            market,
            allow_year_first=(found.language == "ja"),
            what="Date",
            path=src.shown,
            language=found.language,
        )
        notes += [note] if note else []
    elif kind.raw == "raw_settlement":
        markets = place.sales_channel_markets(store, kind.raw, "marketplace-name")
        market = marketplace or (markets[0] if len(markets) == 1 else None)
        params["posted_date_format"], note = place.resolve_date_format(
            store,
            place.distinct(store, kind.raw, "posted-date"),
            market,
            allow_year_first=False,
            what="posted-date",
            path=src.shown,
        )
        notes += [note] if note else []
    elif kind is DATE_RANGE:
        # amounts as the report's language writes them (the seller's Seller Central language)
        store.execute("set variable velocity_decimal = $s", {"s": found.decimal})
        params["language"] = found.language
        params["currency"] = place.date_range_currency(store, kind.raw, src)
        return params
    elif kind.needs_marketplace:
        order_column = "order id" if "order id" in kind.columns else "order-id"
        params["marketplace"] = place.file_marketplace(store, kind.raw, marketplace, order_column, notes)
    _decimal(store, src, found, params)
    return params


# ------------------------------------------------------------------------------------------ importing


def _already(store: Store, sha256: str) -> str | None:
    """The kind of a file whose very bytes were imported before (None: never)."""
    row = store.one("select kind from imported_files where sha256 = $h", {"h": sha256})
    return row[0] if row else None


def _ledger_path(candidate: Candidate) -> str:
    if Path(candidate.shown) == candidate.path:
        return str(candidate.path.resolve())
    zip_path, _, member = candidate.shown.partition(".zip/")
    return f"{Path(zip_path + '.zip').resolve()}/{member}" if member else candidate.shown


def _import_one(
    store: Store, candidate: Candidate, marketplace: str | None, progress: Progress | None, tmp: Path
) -> FileResult:
    path, shown = candidate.path, candidate.shown
    opened = path.stat()  # before anything reads it: the hash and the import must both see these bytes
    large = opened.st_size > LARGE_FILE
    key = quick_key(path)
    with ThreadPoolExecutor(max_workers=1) as pool:
        if store.one("select 1 from imported_files where quick_key = $q", {"q": key}):
            # maybe this very file again: confirm with the full hash before reading anything
            facts = pool.submit(file_facts, path, progress if large else None)
            if seen := _already(store, facts.result().sha256):
                return FileResult(shown, "unchanged", kind=seen, notes=["already imported"])
        else:
            # certainly new: its full hash (for the ledger) is computed while DuckDB reads it
            facts = pool.submit(file_facts, path, None)
        src = source(candidate, tmp)
        for _ in range(3):  # at most two re-reads: as Windows-1252, with line ends normalised
            try:
                return _transaction(
                    store, candidate, src, facts, opened, key, marketplace, progress if large else None
                )
            except _Retry as retry:
                src = retry.source(path, shown, src, tmp)
    raise AssertionError("unreachable: each re-read happens once")


class _Retry(Exception):
    """The file must be read again differently: as Windows-1252, or with its line ends normalised."""

    def __init__(self, how: str):
        super().__init__(how)
        self.how = how

    def source(self, path: Path, shown: str, src: Source, tmp: Path) -> Source:
        encoding = "cp1252" if self.how == "cp1252" else src.encoding
        codec = {"utf-16": "utf-8"}.get(encoding, encoding)  # a UTF-16 file's copy is UTF-8 already
        origin, gzipped = (src.readable, False) if src.encoding == "utf-16" else (path, src.gzipped)
        readable = transcode(origin, shown, gzipped, codec, tmp, normalise=True)
        return Source(path, shown, False, encoding, src.head, readable, src.delimiter, src.quoted)


# Errors a file can cause while it is read (its bytes, its compression, its JSON): told in one line. Any other
# exception is a bug in velocity and stays loud.
_FILE_ERRORS = (duckdb.Error, OSError, EOFError, UnicodeError, RecursionError, MemoryError, zlib.error)


def _long_line(facts, shown: str, kind: Kind | None) -> VelocityError | None:
    """A line over MAX_LINE is a damaged file: said as such, whatever else its reading ran into (the hash
    pass finds it while DuckDB reads the file, so the check waits for that pass only here)."""
    if (long_line := facts.result().long_line) and kind is not ACCOUNT_HEALTH:
        return VelocityError(
            f"{shown}: line {long_line[0]} is over {MAX_LINE >> 20} MB long: the file is damaged (its line"
            " breaks lost?)",
            "download the report again",
        )
    return None


def _transaction(
    store: Store,
    candidate: Candidate,
    src: Source,
    facts,
    opened: os.stat_result,
    key: str,
    marketplace: str | None,
    progress: Progress | None,
) -> FileResult:
    """One file, one transaction: staged, merged, the order table refreshed, the ledger written - or none of
    it, and the first real error told in one line (never a line's content)."""
    path, shown = candidate.path, candidate.shown
    notes: list[str] = []
    names: list[str] = []
    kind: Kind | None = None
    store.con.begin()
    try:
        found = recognise(src)
        kind, names = found.kind, found.names
        with _watched(store, progress):
            params = _stage(store, src, found, marketplace, notes)  # while the hash is read beside it
            if damaged := _long_line(facts, shown, kind):
                raise damaged
            merge.start_touched(store)
            counts = [
                merge.merge(store, target, params, touches=target.table in ORDER_SOURCES)
                for target in kind.targets
            ]
            _refresh(store, kind, counts)
        rows = counts[0].rows
        if kind.raw == "raw_settlement":  # summary and lines come from the same file rows
            rows = store.one("select count(*) from raw_settlement")[0]
        new, updated, unchanged = (
            sum(getattr(c, a) for c in counts) for a in ("new", "updated", "unchanged")
        )
        markets = sorted({m for c in counts for m in c.marketplaces})
        if rows == 0:
            notes.append("header only: no rows")
        if src.encoding != "utf-8":
            notes.append(f"read as {ENCODING_NAMES[src.encoding]}")
        result = FileResult(
            shown,
            "imported",
            kind=kind.name,
            rows=rows,
            new=new,
            updated=updated,
            unchanged=unchanged,
            marketplace=",".join(markets) or params.get("marketplace"),
            notes=notes,
        )
        _unchanged_since_read(path, shown, facts.result(), opened)
        store.execute(
            """insert into imported_files values ($sha256, $quick_key, $path, $kind, $rows, $new,
            $updated, $unchanged, $marketplace, $at, $note)""",
            {
                "sha256": facts.result().sha256,
                "quick_key": key,
                "path": _ledger_path(candidate),
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
        store.con.commit()
        _reset(store)
        return result
    except (merge.ImplausibleDate, VelocityError, *_FILE_ERRORS) as exc:
        _rollback(store)
        error = _long_line(facts, shown, kind) or _failure(exc, src, names, kind, path, shown)
        raise placed(error, shown, kind) from None


def _failure(
    exc: Exception, src: Source, names: list[str], kind: Kind | None, path: Path, shown: str
) -> VelocityError:
    """The one line a failed file's transaction tells - or _Retry, when DuckDB's error says the file must be
    read again as Windows-1252 or with its line ends normalised."""
    if isinstance(exc, merge.ImplausibleDate):
        return _dated(exc, src, names, kind)
    if isinstance(exc, VelocityError):
        return exc
    if isinstance(exc, duckdb.Error):
        if "Invalid unicode" in str(exc) and src.encoding == "utf-8":
            raise _Retry("cp1252") from None
        if "state machine reached an invalid state" in str(exc) and src.readable == path:
            raise _Retry("normalise") from None
        explained = explain(exc, src, names, kind or FEEDBACK)
        if explained is not None:
            return explained
    return _one_line(exc, shown)


def _dated(exc: merge.ImplausibleDate, src: Source, names: list[str], kind: Kind | None) -> VelocityError:
    """The implausible date's source column and file line, where they can be found."""
    source_column = _source_column(kind, exc.column) if kind else None
    line = None
    if source_column in names:
        line = locate_prefix(src, names, source_column, str(exc.value)[:4])
    where = f"line {line}: " if line else ""
    column = source_column or exc.column
    message = exc.message.replace(f"column {exc.column}:", f"{where}column {column}:", 1)
    return VelocityError(f"{src.shown}: {message}", exc.hint)


def _source_column(kind: Kind, column: str) -> str | None:
    """The export column a store column is read from (from the staging SQL: `v_...("src", ...) ... as col`)."""
    for target in kind.targets:
        for line in sql.load(target.relation).splitlines():
            m = re.search(r'v_\w+\("([^"]+)".*\bas ' + re.escape(column) + r"\b", line)
            if m:
                return m.group(1)
    return None


def _rollback(store: Store) -> None:
    with contextlib.suppress(duckdb.Error):
        store.con.rollback()
    _reset(store)


def _reset(store: Store) -> None:
    """The session as it was before the file: its reading variables and settings (outside any transaction,
    where a failed one would refuse them)."""
    store.execute(
        "reset variable velocity_ts_format; reset variable velocity_ts_zone; reset variable velocity_decimal;"
        " reset disabled_optimizers"
    )


def _unchanged_since_read(path: Path, shown: str, facts: Facts, opened: os.stat_result) -> None:
    """The bytes imported are the bytes hashed: refuse a file that changed while it was read (a download
    still being written), so that its ledger entry never names content that was not imported. Its size and
    change time before any reading, when hashed and now must agree."""
    now = path.stat()
    seen = {(s.st_size, s.st_mtime_ns) for s in (now, opened)} | {(facts.size, facts.mtime_ns)}
    if len(seen) > 1:
        raise VelocityError(
            f"{shown}: the file changed while it was read (is it still downloading?)",
            "try again once it is complete: nothing of it was imported",
        )


def _one_line(exc: BaseException, shown: str) -> VelocityError:
    """A file problem DuckDB or Python described in its own words: its first line, without any of the
    file's content (DuckDB quotes the line it stopped at; that may hold a buyer's name and address)."""
    if isinstance(exc, RecursionError):
        return VelocityError(f"{shown}: nested too deeply to be a report", "download the report again")
    if isinstance(exc, MemoryError):
        return VelocityError(f"{shown}: too large to read in the memory there is", "import it on its own")
    if isinstance(exc, (EOFError, zlib.error)) or "GZIP" in str(exc) or "gzip" in str(exc):
        return VelocityError(
            f"{shown}: a damaged or cut-short .gz file (its download may have been interrupted)",
            "download the report again",
        )
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    first = re.split(r"(?i)original line|'[^']{20,}'|\"[^\"]{20,}\"", first)[0].strip(" :")
    return VelocityError(f"{shown}: cannot be read ({first[:160]})", "download the report again")


def _refresh(store: Store, kind: Kind, counts: list[merge.Merged]) -> None:
    """The order table, current for what this file changed: every order when it brought the first All
    Orders rows, else the orders it touched."""
    if any(t.table == "all_orders" for t in kind.targets) and counts[0].was_empty:
        refresh_orders(store, None)
    elif store.one(f"select exists (select 1 from {merge.TOUCHED})")[0]:
        refresh_orders(store, merge.TOUCHED)


@private_files()
def import_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    marketplace: str | None = None,
    progress: Callable[[str, str, float | None], None] | None = None,
) -> list[FileResult]:
    """Import every file under paths; one result per file, errors included (they never stop the others).
    Paths that hold nothing to import (an empty folder, only documents) are an error of their own."""
    paths = list(paths)
    marketplace = place.known_marketplace(marketplace)
    if marketplace:
        place.marketplace_format(store, marketplace)  # refuses an unknown code before reading anything
    tmp = workdir(store.path)
    results: list[FileResult] = []
    try:
        for candidate in expand(paths, tmp):
            results.append(_one(store, candidate, marketplace, progress, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if not any(r.status != "skipped" for r in results):
        raise VelocityError(
            _nothing(paths, results), "point velocity at the reports you downloaded from Seller Central"
        )
    return results


def _one(store: Store, candidate: Candidate, marketplace, progress, tmp: Path) -> FileResult:
    path, shown = candidate.path, candidate.shown
    if not path.exists():
        return FileResult(shown, "error", error=f"{shown}: no such file or folder")
    if what := not_regular(path):
        return FileResult(
            shown,
            "error",
            error=f"{shown}: {what}, not a file",
            hint="velocity reads report files as downloaded",
        )
    if not candidate.explicit and path.suffix.lower() not in EXPORT_SUFFIXES:
        return FileResult(shown, "skipped", notes=[f"a {path.suffix.lower()} file, not an export"])
    tick = (lambda stage, done, p=shown: progress(p, stage, done)) if progress else None
    try:
        return _import_one(store, candidate, marketplace, tick, tmp)
    except NotAnExport as exc:
        if candidate.explicit:
            return FileResult(shown, "error", error=exc.message, hint=exc.hint)
        return FileResult(shown, "skipped", notes=[exc.message.removeprefix(f"{shown}: ")])
    except VelocityError as exc:
        return FileResult(shown, "error", kind=exc.kind, error=exc.message, hint=exc.hint)


def _nothing(paths: list[Path], results: list[FileResult]) -> str:
    where = ", ".join(str(p) for p in paths)
    if not results:
        return f"{where}: nothing to import: no files in it"
    why = Counter(r.notes[0].split(",")[0].split(" (")[0] if r.notes else "unknown" for r in results)
    listed = ", ".join(f"{what} ({n})" if n > 1 else what for what, n in why.most_common())
    files = f"{len(results)} file" + ("s" if len(results) > 1 else "")
    return f"{where}: nothing to import: {files}, none a report velocity reads: {listed}"


def check_marketplace(store: Store, code: str) -> None:
    """Refuse an unknown marketplace code, listing the known ones."""
    place.marketplace_format(store, code)


def record_rating(
    store: Store,
    path: Path,
    as_of: date,
    marketplace: str,
    counts: dict[str, tuple[int, int, int]],
) -> FileResult:
    """Import a rating CSV just written by hand (velocity.ratings.append). A reading recorded again with
    other figures is a correction: the store's differing rows for that day are dropped first, so the
    file's figures win rather than the merge's tie-break."""
    store.con.begin()
    for period, (positive, neutral, negative) in counts.items():
        store.execute(
            """delete from feedback_ratings
            where marketplace = $m and as_of = $d and period = $p
                and (positive, neutral, negative) <> ($pos, $neu, $neg)""",
            {"m": marketplace, "d": as_of, "p": period, "pos": positive, "neu": neutral, "neg": negative},
        )
    store.con.commit()
    return import_paths(store, [path], marketplace=marketplace)[0]
