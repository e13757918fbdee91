"""Placing a file: the marketplace its rows belong to, and the order its local-style dates are written in
(two-digit-year feedback dates, settlement posted dates, and timestamps a spreadsheet rewrote).

Dates that fit both day-first and month-first with nothing to decide between them are refused, never
guessed: the marketplace decides where it is known.
"""

from __future__ import annotations

import re
from pathlib import Path

from velocity import sql
from velocity.errors import ExitCode, VelocityError
from velocity.store import Store


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def distinct(store: Store, relation: str, column: str, limit: int = 2000) -> list[str]:
    rows = store.execute(
        f"select distinct trim({quote(column)}) as v from {relation}"
        f" where nullif(trim({quote(column)}), '') is not null limit {int(limit)}"
    ).fetchall()
    return [r[0] for r in rows]


def marketplace_of_orders(store: Store, relation: str, column: str) -> list[str]:
    """Marketplaces the store knows for the order ids in relation.column (from order reports)."""
    text = sql.load("order_marketplaces")
    rows = store.execute(
        f"""with known as ({text})
        select distinct known.marketplace
        from known
        join (select distinct trim({quote(column)}) as order_id from {relation}) as file using (order_id)
        order by 1"""
    ).fetchall()
    return [r[0] for r in rows]


def known_marketplace(code: str | None) -> str | None:
    return code.upper() if code else None


def marketplace_format(store: Store, code: str) -> str:
    """The date order of the marketplace's Feedback report; refuses an unknown code, listing the known ones."""
    row = store.one("select feedback_date_format from marketplaces where code = $c", {"c": code})
    if row is None:
        codes = ", ".join(r[0] for r in store.execute("select code from marketplaces order by 1").fetchall())
        raise VelocityError(f"unknown marketplace {code!r}", f"use one of {codes}", ExitCode.USAGE)
    return row[0]


def marketplace_zone(store: Store, code: str | None) -> str:
    row = store.one("select time_zone from marketplaces where code = $c", {"c": code}) if code else None
    return row[0] if row else "UTC"


def sales_channel_markets(store: Store, relation: str, column: str) -> list[str]:
    """The marketplaces a file's sales-channel (or marketplace-name) column names."""
    rows = store.execute(
        f"select distinct m.code from {relation} r join marketplaces m"
        f" on lower(trim(r.{quote(column)})) = lower(m.sales_channel) order by 1"
    ).fetchall()
    return [r[0] for r in rows]


def file_marketplace(
    store: Store, relation: str, given: str | None, order_column: str, notes: list[str]
) -> str | None:
    """The marketplace of a file whose rows do not say: as given, else from its orders in the store;
    otherwise unknown (never assumed from what else the store holds)."""
    if given or not store.one(f"select exists (select 1 from {relation})")[0]:
        return given
    found = marketplace_of_orders(store, relation, order_column)
    if len(found) == 1:
        notes.append(f"marketplace {found[0]}, from its orders in the store")
        return found[0]
    if len(found) > 1:
        raise VelocityError(
            f"its orders belong to several marketplaces ({', '.join(found)})",
            "a report covers one marketplace: pass --marketplace CODE",
        )
    return None


# ------------------------------------------------------------------------------- local-style dates

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")
FORMAT_NAMES = {
    "%m/%d/%y": "M/D/YY (as in the US)",
    "%d/%m/%y": "D/M/YY (as in the UK and most marketplaces)",
    "%y/%m/%d": "YY/M/D (as in Japan)",
    "%d.%m.%y": "D.M.YY (as in Germany)",
}
# A Feedback header in a language other than English names the date order: each of these languages is used
# by marketplaces that share one order (Japanese only on amazon.co.jp; German only on amazon.de ...).
LANGUAGE_DATE_FORMAT = {
    "de": "%d.%m.%y",
    "ja": "%y/%m/%d",
    "fr": "%d/%m/%y",
    "it": "%d/%m/%y",
    "es": "%d/%m/%y",
}


def _with_four_digit_years(fmt: str, values: list[str]) -> str:
    if fmt == "iso":
        return fmt
    sep = "." if "." in fmt else "/"
    parts = [v.split(sep) for v in values]
    year_at = fmt.split(sep).index("%y")
    if parts and all(len(p) == 3 and len(p[year_at].split()[0]) == 4 for p in parts):
        return fmt.replace("%y", "%Y")
    return fmt


def _fits(store: Store, values: list[str], fmt: str) -> bool:
    if fmt == "iso":
        return all(_ISO.match(v) for v in values)
    bad = store.one(
        "select count(*) from unnest($values::varchar[]) as t(v) where try_strptime(v, $fmt) is null",
        {"values": values, "fmt": fmt},
    )[0]
    return bad == 0


def resolve_date_format(
    store: Store,
    values: list[str],
    marketplace: str | None,
    *,
    allow_year_first: bool,
    what: str,
    path: str | Path,
    language: str | None = None,
) -> tuple[str, str | None]:
    """The strptime format ('iso' for YYYY-MM-DD) of a column of local-style dates, and a note.

    The marketplace decides where known, else the header's language where that names one order; otherwise
    the one format every value fits."""
    if not values or all(_ISO.match(v) for v in values):
        return "iso", None
    if marketplace:
        return _with_four_digit_years(marketplace_format(store, marketplace), values), None
    if language in LANGUAGE_DATE_FORMAT:
        fmt = _with_four_digit_years(LANGUAGE_DATE_FORMAT[language], values)
        name = FORMAT_NAMES.get(fmt.replace("%Y", "%y"), fmt)
        return fmt, f"{what} read as {name}, from the header's language"
    candidates = ["%d.%m.%y"] if any("." in v for v in values) else ["%m/%d/%y", "%d/%m/%y"]
    if allow_year_first and "." not in candidates[0]:
        candidates.append("%y/%m/%d")
    fitting = [f for f in (_with_four_digit_years(c, values) for c in candidates) if _fits(store, values, f)]
    if len(fitting) == 1:
        name = FORMAT_NAMES.get(fitting[0].replace("%Y", "%y"), fitting[0])
        return fitting[0], f"{what} read as {name}: the only order every date fits"
    if not fitting:
        raise VelocityError(
            f"{path}: {what}: cannot read dates such as {values[0]!r}",
            "pass --marketplace CODE so velocity knows the marketplace's date order",
        )
    options = " or ".join(FORMAT_NAMES.get(f.replace("%Y", "%y"), f) for f in fitting)
    raise VelocityError(
        f"{path}: {what}: dates such as {values[0]!r} fit {options}, and the marketplace is unknown",
        "pass the report's marketplace, e.g. --marketplace UK (D/M/YY) or --marketplace US (M/D/YY),"
        " or import the All Orders report holding these orders first",
    )


# Timestamps as spreadsheets rewrite them (no offset): day-first and month-first, with and without seconds,
# a 12-hour clock, two-digit years; and the ISO-like forms LibreOffice writes.
_DAY_FIRST = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y", "%d.%m.%y")
_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y")
_CLOCKS = (" %H:%M:%S", " %H:%M", " %I:%M:%S %p", " %I:%M %p", "")


def _formats(days: tuple[str, ...]) -> list[str]:
    return [d + c for d in days for c in _CLOCKS]


def _unreadable(store: Store, values: list[str]) -> list[str]:
    """The values DuckDB cannot read as an instant as they are."""
    rows = store.execute(
        "select v from unnest($values::varchar[]) as t(v) where try_cast(v as timestamptz) is null",
        {"values": values},
    ).fetchall()
    return [r[0] for r in rows]


def spreadsheet_timestamps(
    store: Store, values: dict[str, list[str]], marketplace: str | None, shown: str, label: str
) -> tuple[str | None, str | None]:
    """The strptime format of the timestamps a spreadsheet rewrote (`values`: column -> sample values) and a
    note; None when they kept a form DuckDB reads as it is. Day-first or month-first is decided by the
    values where one of them cannot be the other, else by the marketplace's order; otherwise refused."""
    odd = {c: _unreadable(store, vs) for c, vs in values.items()}
    odd = {c: vs for c, vs in odd.items() if vs}
    if not odd:
        return None, None
    column, sample = next(iter(odd.items()))
    every = [v for vs in odd.values() for v in vs]
    day = [f for f in _formats(_DAY_FIRST) if _fits(store, every, f)]
    month = [f for f in _formats(_MONTH_FIRST) if _fits(store, every, f)]
    if day and month:
        order = marketplace_format(store, marketplace).startswith("%m") if marketplace else None
        if order is None:
            raise VelocityError(
                f"{shown}: column {column}: dates such as {sample[0]!r} could be day-first or month-first, and"
                f" the marketplace is unknown ({label} saved by a spreadsheet)",
                "pass --marketplace (UK reads 05/11 as 5 November, US as 11 May), or use the original download",
            )
        chosen, how = (
            (month[0], "month first, as in its marketplace")
            if order
            else (
                day[0],
                "day first, as in its marketplace",
            )
        )
    elif day or month:
        chosen = (day or month)[0]
        how = (
            "day first: the only order every date fits"
            if day
            else "month first: the only order every date fits"
        )
    else:
        raise VelocityError(
            f"{shown}: this is {label} saved by a spreadsheet, which rewrote its dates"
            f" (column {column}: {sample[0]!r}) in a form velocity cannot read",
            "use the original download from Seller Central",
        )
    return chosen, f"saved by a spreadsheet: dates read {how}"


# ------------------------------------------------------------------------------------------ amounts

_COMMA_EVIDENCE = re.compile(r"-?\d{1,3}(\.\d{3})+,\d+|-?\d+,\d{1,2}")  # 1.234,56  12,34
_DOT_EVIDENCE = re.compile(r"-?\d{1,3}(,\d{3})+\.\d+|-?\d+\.\d{1,2}|-?\d+\.\d{4,}")  # 1,234.56  12.34  7.4900


def decimal_separator(
    store: Store, values: list[str], markets: list[str], *, spreadsheet: bool, semicolons: bool, shown: str
) -> str | None:
    """How a file writes its amounts: '.' (1,234.56), ',' (1.234,56) or None (nothing tells: only forms that
    cannot be misread are accepted). The file's unambiguous values decide; else its marketplace (a
    spreadsheet's semicolons: its locale's decimal comma). A decimal comma in a report from a marketplace
    that writes only decimal points (US, UK ...) is refused: '1.234,56' in a US file is never guessed."""
    comma = next((v for v in values if _COMMA_EVIDENCE.fullmatch(v.strip())), None)
    dot = next((v for v in values if _DOT_EVIDENCE.fullmatch(v.strip())), None)
    if comma and dot:
        raise VelocityError(
            f"{shown}: amounts written both ways ({comma!r} and {dot!r}): which is a thousand is not clear",
            "download the report again (a spreadsheet may have rewritten some amounts)",
        )
    seps = set()
    for code in markets:
        row = store.one("select decimal_separator from marketplaces where code = $c", {"c": code})
        if row:
            seps.add(row[0])
    if comma:
        if "." in seps and not spreadsheet:
            raise VelocityError(
                f"{shown}: an amount written {comma!r}, but {', '.join(markets)} reports write amounts with a"
                " decimal point (1,234.56)",
                "download the report again; if you re-saved it in a spreadsheet, use the original download",
            )
        return ","
    if dot:
        return "."
    if spreadsheet and semicolons:
        return ","
    return seps.pop() if len(seps) == 1 else None


_CURRENCY_NOTE = re.compile(r"\b([A-Z]{3})\b|\b(Euro)\b")


def date_range_currency(store: Store, relation: str, src) -> str | None:
    """The currency of a Date Range report's rows that name no marketplace (transfers, service fees): that of
    the marketplaces its rows name, when they share one; else the one its preamble states ("All amounts in
    GBP, unless specified", "Alle Beträge in Euro ..."); else unknown (NULL)."""
    found = store.execute(
        f"select distinct m.currency from (select distinct lower(trim(marketplace)) as channel from {relation})"
        " r join marketplaces m on r.channel = lower(m.sales_channel)"
    ).fetchall()
    if len(found) == 1:
        return found[0][0]
    for line in re.split(r"\r\n|\n|\r", src.head)[: src.skip]:
        if any(w in line.lower() for w in ("amounts", "beträge", "montants")):
            m = _CURRENCY_NOTE.search(line)
            if m:
                return "EUR" if m.group(2) else m.group(1)
    return None
