"""Which kind of export a file holds, from its first lines (never from its name), and the column names
DuckDB reads it with.
"""

from __future__ import annotations

from dataclasses import dataclass

from velocity.errors import NotAnExport
from velocity.ingest.read import Source, header_and_rows
from velocity.kinds import (
    ACCOUNT_HEALTH,
    DATE_RANGE,
    FEEDBACK_RATINGS,
    DateRangeLayout,
    Kind,
    date_range_layout,
    detect,
    looks_like,
)

KNOWN = (
    "velocity reads All Orders, Order Report, Unshipped Orders, Amazon Fulfilled Shipments, Feedback,"
    " settlement (V1, V2), Date Range, Returns, FBA returns and account-health reports"
)


@dataclass
class Recognised:
    kind: Kind
    cells: list[str]  # the header as written
    names: list[str]  # the column names DuckDB reads it with
    language: str | None = None  # of a Feedback or Date Range header, when known
    rows: list[list[str]] | None = None  # the first rows, as text
    decimal: str | None = None  # a Date Range report's decimal separator (its language's)


def header_names(cells: list[str]) -> list[str]:
    """Lower-cased, trimmed, unique column names for DuckDB (duplicates and blanks get a suffix)."""
    names: list[str] = []
    for i, cell in enumerate(cells):
        name = cell.strip().lower() or f"_blank{i}"
        while name in names:
            name += "#"
        names.append(name)
    return names


def recognise(src: Source) -> Recognised:
    """The kind of export a file holds, from its first lines."""
    if src.head.lstrip()[:1] in ("{", "["):
        return Recognised(ACCOUNT_HEALTH, [], [])
    header, rows = header_and_rows(src)
    if tuple(c.strip().lower() for c in header) == FEEDBACK_RATINGS.columns:
        return Recognised(FEEDBACK_RATINGS, header, header_names(header), rows=rows)
    dated = date_range_layout(header)
    if isinstance(dated, DateRangeLayout):
        return Recognised(
            DATE_RANGE, header, list(dated.positions), dated.language, rows=rows, decimal=dated.decimal
        )
    if isinstance(dated, str):
        raise NotAnExport(
            f"{src.shown}: a Date Range report in {dated}: velocity reads it in English, German or French",
            "switch Seller Central to English (the language menu at the top) and download the report again",
        )
    found = detect(header, rows)
    if found is None:
        raise NotAnExport(
            f"{src.shown}: not an export velocity reads; its header starts {looks_like(header)}", KNOWN
        )
    kind, layout = found
    if layout is not None:
        return Recognised(kind, header, list(layout.positions), layout.language, rows)
    return Recognised(kind, header, header_names(header), rows=rows)
