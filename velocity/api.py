"""velocity as a library: open a store, import exports, ask each question; the CLI is one client of this.

    import velocity

    with velocity.open("velocity.duckdb") as v:          # read-only; velocity.open(..., write=True) to import
        why = v.sales()                                   # an Answer: .data (the --json contract), .text()
        why.frame()                                       # its table as a polars DataFrame (daily sales)
        when = v.forecast(policy="dd7", as_of="2026-11-15")
        whom = v.contacts().frame()                       # the contact list

Every answer takes the same as_of, currency, marketplace and hold_date, and reads one context (velocity.context),
so answers on the same store and as-of agree with each other.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from velocity import context as context_
from velocity.errors import ExitCode, VelocityError
from velocity.store import Store, open_store


def _day(value: date | str | None, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise VelocityError(f"{name} {value!r} is not a date", "use YYYY-MM-DD", ExitCode.USAGE) from None


@dataclass(frozen=True)
class Answer:
    """One answer: `data` is exactly what ``--json`` prints; text() what the command prints; frame() its
    table as a polars DataFrame."""

    data: dict
    table: str = field(default="", repr=False)  # the key of the answer's table in data

    def json(self, indent: int | None = 2) -> str:
        return json.dumps(self.data, indent=indent, ensure_ascii=False, default=str) + "\n"

    def text(self) -> str:
        raise NotImplementedError

    def frame(self):
        """The answer's table (daily sales, metrics, the forecast's days, cut-offs, the contact list)."""
        import polars as pl

        rows = self.data[self.table] if self.table else []
        return pl.DataFrame(_flat(rows), infer_schema_length=None)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


def _flat(rows: list[dict]) -> list[dict]:
    """Rows with nested bands ({p10, p50, p90}) spread into columns: positive_total_p50 ..."""
    out = []
    for row in rows:
        flat: dict = {}
        for k, v in row.items():
            if isinstance(v, dict):
                flat.update({f"{k}_{q}": x for q, x in v.items()})
            else:
                flat[k] = v
        out.append(flat)
    return out


class Status(Answer):
    def text(self) -> str:
        from velocity import render

        return render.status_text(self.data)


class Sales(Answer):
    def text(self) -> str:
        from velocity import render

        return render.sales_text(self.data)


class Health(Answer):
    def text(self) -> str:
        from velocity import render

        return render.health_text(self.data)


class Forecast(Answer):
    def text(self) -> str:
        from velocity import render

        return render.forecast_text(self.data)


class Backtest(Answer):
    def text(self) -> str:
        from velocity import render

        return render.backtest_text(self.data)


class FrameAnswer(Answer):
    """An answer whose table stays a polars frame from DuckDB to the output (velocity.frames): the contact
    list, the payouts' orders."""

    render = ""

    def __init__(self, result):
        object.__setattr__(self, "result", result)
        object.__setattr__(self, "table", result.table)

    @property
    def data(self) -> dict:  # the JSON contract as Python objects, built on first use
        if "_data" not in self.__dict__:
            object.__setattr__(self, "_data", self.result.as_dict())
        return self.__dict__["_data"]

    def json(self, indent: int | None = 2) -> str:
        return self.result.to_json()

    def write_json(self, out) -> None:
        """The JSON written to `out` a slice of rows at a time."""
        self.result.write_json(out)

    def csv(self) -> str:
        return self.result.to_csv()

    def text(self) -> str:
        from velocity import render

        return getattr(render, self.render)(self.result)

    def frame(self):
        return self.result.frame

    def __getitem__(self, key: str):
        if key in self.result.head:
            return self.result.head[key]
        parts = self.result.parts()
        return parts[key] if key in parts else self.data[key]


class Contacts(FrameAnswer):
    """The contact list."""

    render = "contacts_text"

    def eligible(self) -> list[str]:
        """The order ids listed as eligible (what --mark-sent records)."""
        return self.result.eligible()


class Payouts(FrameAnswer):
    """Where the money is: every order's money, state and release day."""

    render = "payouts_text"


class Velocity:
    """An open store and the questions velocity answers from it."""

    def __init__(self, store: Store):
        self.store = store

    @property
    def path(self) -> Path:
        return self.store.path

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Velocity:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------------------

    def import_paths(
        self, paths: Iterable[Path | str], *, marketplace: str | None = None, progress=None
    ) -> list:
        """Import export files and folders (.zip and .gz too): one FileResult per file."""
        from velocity import ingest

        self._writable("import")
        return ingest.import_paths(
            self.store, [Path(p) for p in paths], marketplace=marketplace, progress=progress
        )

    def mark_sent(self, order_ids: Iterable[str], on: date | str, source: str = "mark_sent") -> int:
        """Record buyers asked for feedback on a day (once per order, ever): how many were new to the log."""
        from velocity import contacts

        self._writable("record requests")
        day = _day(on, "on")
        return contacts.mark_sent(self.store, [(o, day) for o in order_ids], source)

    def record_sent(self, path: Path | str, on: date | str) -> dict:
        """Record requests made elsewhere, from a file of order ids (and dates)."""
        from velocity import contacts

        self._writable("record requests")
        return contacts.record_requests(self.store, Path(path), _day(on, "on"))

    def backup(self, target: Path | str) -> int:
        """A consistent single-file copy of the store (checkpointed, written whole or not at all): its size."""
        from velocity.store import backup

        self._writable("back it up")
        return backup(self.store, Path(target))

    def _writable(self, what: str) -> None:
        if not self.store.writable:
            raise VelocityError(
                f"{self.path}: opened for reading: cannot {what}",
                "open it with velocity.open(path, write=True)",
            )

    # -- answers --------------------------------------------------------------------------------------

    def context(
        self,
        *,
        as_of: date | str | None = None,
        currency: str | None = None,
        marketplace: str | None = None,
        hold_date: date | str | None = None,
    ) -> context_.Context:
        """The context every answer reads: as-of, the data's end, currency, hold, the 28 days before it."""
        return context_.build(
            self.store,
            as_of=_day(as_of, "--as-of"),
            currency=currency,
            marketplace=marketplace,
            hold_date=_day(hold_date, "--hold-date"),
        )

    def status(self) -> Status:
        from velocity.status import status

        return Status(status(self.store), "files")

    def sales(self, **where) -> Sales:
        """Why: the rise in sales that triggered the hold."""
        from velocity import sales

        return Sales(sales.analyse(self.store, self.context(**where)), "daily")

    def health(self, **where) -> Health:
        """Is something else wrong: the account's metrics and the likely reason for the review."""
        from velocity import health

        try:
            ctx = self.context(**where)
        except VelocityError as exc:  # a store with only the account-health report still has an answer
            if "no All Orders rows" not in exc.message:
                raise
            ctx = None
        return Health(health.analyse(self.store, ctx, as_of=_day(where.get("as_of"), "--as-of")), "metrics")

    def forecast(
        self,
        *,
        policy: str = "review",
        feedback_needed: int | None = None,
        future_sales: float | None = None,
        transit: dict[str, tuple[int, int]] | None = None,
        draws: int | None = None,
        seed: int = 0,
        **where,
    ) -> Forecast:
        """When: positive feedback against the target, and the release under a reserve policy."""
        from velocity import forecast

        options = {"draws": draws} if draws else {}
        data = forecast.analyse(
            self.store,
            self.context(**where),
            policy=policy,
            feedback_needed=feedback_needed,
            future_sales=future_sales,
            transit=transit,
            seed=seed,
            **options,
        )
        return Forecast(data, "daily")

    def backtest(self, *, step: int = 7, draws: int = 500, seed: int = 0, **where) -> Backtest:
        """How far to trust the forecast: rolling-origin checks on the seller's own history."""
        from velocity import forecast

        if step < 1:
            raise VelocityError("--step must be at least 1 day", "", ExitCode.USAGE)
        return Backtest(
            forecast.backtest(self.store, self.context(**where), step=step, draws=draws, seed=seed), "cutoffs"
        )

    def contacts(
        self,
        *,
        opted_out: list[str] | None = None,
        transit: dict[str, tuple[int, int]] | None = None,
        include_excluded: bool = False,
        policy: str = "review",
        feedback_needed: int | None = None,
        seed: int = 0,
        **where,
    ) -> Contacts:
        """Whom: every order whose buyer may be asked for feedback today, with the forecast's view of asking."""
        from velocity import contacts

        result = contacts.analyse(
            self.store,
            self.context(**where),
            opted_out=opted_out,
            transit=transit,
            include_excluded=include_excluded,
            policy=policy,
            feedback_needed=feedback_needed,
            seed=seed,
        )
        return Contacts(result)

    def payouts(
        self,
        *,
        rule: str | None = None,
        transit: dict[str, tuple[int, int]] | None = None,
        settlement: str | None = None,
        on: date | str | None = None,
        orders: bool = True,
        **where,
    ) -> Payouts:
        """Where the money is: each order's money, state and release day under the delivery-date reserve, each
        settlement's sold against paid, and the calendar of what is still to come."""
        from velocity import payouts

        return Payouts(
            payouts.analyse(
                self.store,
                self.context(**where),
                rule=rule,
                transit=transit,
                settlement=settlement,
                on=_day(on, "--on"),
                orders=orders,
            )
        )


def import_then_forecast(
    path: Path | str | None,
    exports: Iterable[Path | str],
    *,
    progress=None,
    on_result=None,
    **options,
) -> tuple[list, Forecast]:
    """Import the exports (a writer, made if missing), then forecast from the store (a reader): what
    `velocity forecast PATH...` does; a `marketplace` option is also the marketplace of files that name none.
    Refuses to forecast when a file failed: no forecast from incomplete data. on_result(result) is called
    after each path's files are imported."""
    results: list = []
    with open(path, write=True, create=True) as v:
        for export in exports:
            got = v.import_paths([export], marketplace=options.get("marketplace"), progress=progress)
            results += got
            for result in got:
                if on_result is not None:
                    on_result(result)
    if any(r.status == "error" for r in results):
        raise VelocityError(
            "a file failed to import: no forecast from incomplete data",
            "fix or leave out the file named above, then run again",
        )
    with open(path) as v:
        return results, v.forecast(**options)


def open(path: Path | str | None = None, *, write: bool = False, create: bool = False) -> Velocity:
    """Open a velocity store (default: VELOCITY_DB, else ./velocity.duckdb). Read-only unless write; create
    makes a new store where none exists (with write)."""
    return Velocity(open_store(path, write=write, create=create))
