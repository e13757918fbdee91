"""DuckDB's errors while reading a file, told as one line naming the file, the line and the column, with
what to do. A value the staging SQL cannot read raises a tagged error (queries/reference/macros.sql).
"""

from __future__ import annotations

import csv
import re

import duckdb

from velocity.errors import VelocityError
from velocity.ingest.read import Source, text_lines
from velocity.kinds import FEEDBACK, Kind

_BAD_VALUE = re.compile(r"velocity-bad-value\|([^|]*)\|([^|]*)\|(.*)", re.S)
_MISSING = re.compile(r"velocity-missing-value\|([^|]*)\|")
_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_FIELDS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")
_FEEDBACK_DISPLAY = {"Date": "date", "Rating": "rating", "Order ID": "order_id"}
_SHAPES = {
    "date": "dates look like 2026-10-19T14:03:11+00:00, 2026-10-19, or the marketplace's own order",
    "number": "amounts look like 12.34 or 12,34",
}


def locate(src: Source, names: list[str], column: str, value: str | None, kind: Kind) -> int | None:
    """The file line holding the first row where column has value (None: is empty)."""
    col = _FEEDBACK_DISPLAY.get(column, column).lower()
    if col not in names:
        return None
    at = names.index(col)
    summary_at = names.index("total-amount") if "total-amount" in names else None
    for number, line in enumerate(text_lines(src), start=1):
        if number <= src.skip + 1:
            continue  # the preamble and the header
        fields = _fields(line, src)
        cell = fields[at].strip().strip('"') if at < len(fields) else ""
        if summary_at is not None and summary_at < len(fields) and fields[summary_at].strip():
            continue  # a settlement summary row: its other fields are empty by design
        if (value is None and cell == "") or (value is not None and cell == value.strip()):
            return number
    return None


def locate_prefix(src: Source, names: list[str], column: str, prefix: str) -> int | None:
    """The file line of the first row whose column starts with prefix (a year, say)."""
    at = names.index(column)
    for number, line in enumerate(text_lines(src), start=1):
        if number <= src.skip + 1:
            continue
        fields = _fields(line, src)
        if at < len(fields) and fields[at].strip().strip('"').startswith(prefix):
            return number
    return None


def _fields(line: str, src: Source) -> list[str]:
    """A line's fields as the file separates them (quoted fields may hold the delimiter)."""
    if not src.quoted:
        return line.split(src.delimiter)
    return next(csv.reader([line], delimiter=src.delimiter, quotechar='"'), [])


def placed(exc: VelocityError, shown: str, kind: Kind | None) -> VelocityError:
    """The error's message starting with the file and, once recognised, its kind."""
    message = exc.message.removeprefix(f"{shown}: ")
    where = f"{shown} ({kind.label})" if kind else shown
    return type(exc)(f"{where}: {message}", exc.hint, exc.code, kind=kind.name if kind else None)


def explain(exc: duckdb.Error, src: Source, names: list[str], kind: Kind) -> VelocityError | None:
    """A one-line error for a DuckDB error met while reading src; None when it is not about the file."""
    text = str(exc)
    name = src.shown
    if m := _BAD_VALUE.search(text):
        what, column, value = m.group(1), m.group(2), m.group(3).splitlines()[0] if m.group(3) else ""
        line = locate(src, names, column, value, kind)
        where = f"line {line}: " if line else ""
        hint = _SHAPES.get(what, "correct that value, or download the report again")
        if kind is FEEDBACK and what == "date":
            hint = "check the marketplace: pass --marketplace CODE for the report's date order"
        if src.spreadsheet:
            hint = f"this is {_a(kind)} saved by a spreadsheet: use the original download"
        return VelocityError(f"{name}: {where}column {column}: {value!r} is not a {what}", hint)
    if m := _MISSING.search(text):
        column = m.group(1)
        line = locate(src, names, column, None, kind)
        where = f"line {line}: " if line else ""
        return VelocityError(
            f"{name}: {where}column {column} is empty, but every row needs it",
            "the file may be damaged: download the report again",
        )
    if (m := _CSV_LINE.search(text)) and (f := _FIELDS.search(text)):
        number = int(m.group(1))
        found = next(
            (len(_fields(t, src)) for i, t in enumerate(text_lines(src), 1) if i == number),
            int(f.group(2)),
        )
        return VelocityError(
            f"{name}: line {number} has {found} fields where the header has {f.group(1)}",
            "the file is damaged or was cut short: download the report again",
        )
    if "Invalid unicode" in text:
        return None  # the caller retries as Windows-1252
    if isinstance(exc, duckdb.InvalidInputException | duckdb.ConversionException):
        first = text.splitlines()[0]
        if src.spreadsheet:
            return VelocityError(
                f"{name}: this is {_a(kind)} saved by a spreadsheet, and it cannot be read as it is ({first[:80]})",
                "use the original download from Seller Central",
            )
        return VelocityError(f"{name}: cannot be read ({first})", "download the report again")
    return None


def _a(kind: Kind) -> str:
    label = kind.label.split(" (")[0]
    article = "an" if label[:1].lower() in "aeiou" else "a"
    return f"{article} {label}"
