"""Answers whose table stays a polars frame from DuckDB to the output: the contact list and the payouts'
orders can be tens of thousands of rows, written as JSON or CSV without a Python object per row."""

from __future__ import annotations

import json
from collections.abc import Iterator

import polars as pl

CHUNK_ROWS = 50_000


def json_chunks(head: dict, key: str, frame: pl.DataFrame, parts: dict) -> Iterator[str]:
    """The JSON contract {**head, key: [rows...], **parts} in pieces: the rows written by polars a slice at a
    time, one per line (memory stays a slice's worth of text whatever the number of rows)."""
    before, after = json.dumps({**head, key: "\x00rows", **parts}, indent=2, ensure_ascii=False).split(
        '"\\u0000rows"'
    )
    yield before
    if frame.is_empty():
        yield "[]"
    else:
        yield "["
        for offset in range(0, frame.height, CHUNK_ROWS):
            lines = frame.slice(offset, CHUNK_ROWS).write_ndjson().splitlines()
            yield ("," if offset else "") + "\n    " + ",\n    ".join(lines)
        yield "\n  ]"
    yield after + "\n"


class TableResult:
    """A result whose JSON contract is {**head, table: [rows...], **parts()}, its rows the polars `frame`:
    as_dict() as Python objects (dates as ISO text), to_json() and write_json() written by polars a slice at
    a time. Subclasses give `head`, `table`, `frame` and `parts()`."""

    head: dict
    table: str

    @property
    def frame(self) -> pl.DataFrame:
        raise NotImplementedError

    def parts(self) -> dict:
        raise NotImplementedError

    def as_dict(self) -> dict:
        rows = self.frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d")).to_dicts()
        return {**self.head, self.table: rows, **self.parts()}

    def to_json(self) -> str:
        return "".join(json_chunks(self.head, self.table, self.frame, self.parts()))

    def write_json(self, out) -> None:
        for piece in json_chunks(self.head, self.table, self.frame, self.parts()):
            out.write(piece)
