"""Where the money is (``velocity payouts``): each order's money and the day it is released under the
delivery-date reserve (queries/answers/order_release - the rule the forecast's dd7 and dd14 policies read
too), what each settlement paid against what was sold in its period (queries/answers/payout_settlements),
and a calendar of the money still to come with an 80% range where the delivery day is only estimated.
Returns plain data; never prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from velocity.context import Context
from velocity.errors import ExitCode, VelocityError
from velocity.forecast.history import transit_params
from velocity.frames import TableResult
from velocity.store import Store

RULES = ("dd7", "dd14", "none")
STATES = ("deferred", "held", "released", "paid", "refunded")
DRAWS = 500  # simulated worlds for the calendar's 80% range
CHUNK = 100  # ... drawn this many at a time
PERIOD_DAYS = 14  # Amazon settles every 14 days


@dataclass
class Payouts(TableResult):
    """The answer: `head` and `rest` of the JSON contract around the orders, a polars frame (one row per
    order, no Python object per row on the way to CSV or JSON)."""

    head: dict
    orders: pl.DataFrame
    rest: dict
    table = "orders"

    @property
    def frame(self) -> pl.DataFrame:
        return self.orders

    def parts(self) -> dict:
        return self.rest

    def to_csv(self) -> str:
        return self.orders.write_csv(line_terminator="\n", date_format="%Y-%m-%d")


def check_rule(rule: str | None) -> None:
    if rule is not None and rule not in RULES:
        raise VelocityError(
            f"--rule {rule!r} is not a reserve rule velocity knows",
            f"choose {', '.join(RULES)}",
            ExitCode.USAGE,
        )


def analyse(
    store: Store,
    ctx: Context,
    *,
    rule: str | None = None,
    transit: dict[str, tuple[int, int]] | None = None,
    settlement: str | None = None,
    on: date | None = None,
    orders: bool = True,
    seed: int = 0,
) -> Payouts:
    """Every order with its money, state and release day, the settlements' sold against paid, and the
    calendar of money to come (the ``velocity payouts --json`` contract). `settlement` or `on` narrow the
    orders listed to those behind one settlement (paid in it, or sold in its period) or released on one day;
    the calendar and the summary stay whole. With orders=False (text without a list) no order is fetched:
    the summary and the calendar come from SQL aggregates."""
    check_rule(rule)
    through = ctx.data_through
    hold = ctx.hold
    held = hold.held_amount if hold.held_currency == ctx.currency else None
    review = review_start(ctx)
    params = ctx.params(rule=rule, hold_start=review, held=held, **transit_params(transit))
    store.materialize("payout_orders", params)  # computed once: the summary, calendar and list read it
    try:
        states = {r["state"]: r for r in store.records("payout_summary")}
        settlements = [_settlement(r) for r in store.records("payout_settlements", params)]
        notes = list(ctx.notes)
        if not settlements:
            notes.append(
                "no settlement reports: what was paid is unknown (Payments > All Statements: download the flat"
                " files)"
            )
        if not sum(r["from_date_range"] for r in states.values()):
            notes.append(
                "no Date Range report: release days follow the rule and the delivery estimates (Payments >"
                " Reports Repository > Date Range Reports adds Amazon's own word on what is deferred)"
            )
        for t in store.records("date_range_unknown_types", params):
            notes.append(
                f"{t['rows']:,} Date Range rows of type {t['type_text']!r} velocity does not know: counted as other"
            )
        calendar, periods = _calendar(store.columns("payout_waiting"), through, settlements, seed)
        markets = sorted({m for r in states.values() for m in r["marketplaces"]})
        head = {
            "as_of": ctx.as_of.isoformat(),
            "data_through": through.isoformat(),
            "currency": ctx.currency,
            "rule": _rules(store, ctx, rule, markets, review, notes),
        }
        where = {"settlement": settlement, "start": None, "end": None, "on": on}
        if settlement is not None:
            period = next((s for s in settlements if s["settlement_id"] == settlement), None)
            if period is None:
                known = ", ".join(s["settlement_id"] for s in settlements)
                raise VelocityError(
                    f"no settlement {settlement} in {ctx.currency} by {through}",
                    f"the settlements are: {known}"
                    if known
                    else "no settlement report is imported: Payments > All Statements, download the flat files",
                    ExitCode.USAGE,
                )
            where |= {"start": period["start"], "end": period["end"]}
        listing = orders or settlement is not None or on is not None
        frame = pl.DataFrame(store.frame_source("payout_rows", where)) if listing else _EMPTY
    finally:
        store.forget("payout_orders")
    head["listed"] = {
        "settlement": settlement,
        "on": on.isoformat() if on else None,
        "orders": frame.height if listing else None,
    }
    rest = {
        "calendar": calendar,
        "periods": periods,
        "settlements": settlements,
        "summary": _summary(states, settlements, held, hold, through),
        "notes": notes,
    }
    return Payouts(head, frame, rest)


_EMPTY = pl.DataFrame()


def _money(x) -> float:
    return round(float(x or 0), 2)


def _settlement(r: dict) -> dict:
    return {
        "settlement_id": r["settlement_id"],
        "start": r["start_date"].isoformat(),
        "end": r["end_date"].isoformat(),
        "deposit_date": r["deposit_date"].isoformat() if r["deposit_date"] else None,
        **{k: _money(r[k]) for k in ("sold", "paid", "deferred", "reserve", "fees", "refunds", "other")},
    }


def review_start(ctx: Context) -> date | None:
    """The day an account review moved the money to DD+14: the hold's start, for the currency the settlements
    hold it in (a review is of one account: another marketplace's currency is not under it) or when given."""
    hold = ctx.hold
    if hold.start is None or (hold.source != "given" and hold.held_currency != ctx.currency):
        return None
    return hold.start


def _rules(
    store: Store, ctx: Context, rule: str | None, markets: list[str], review: date | None, notes: list[str]
) -> dict:
    """The rule as applied: given, or per marketplace from reserve_rules (said when assumed), and the move
    to DD+14 under review."""
    if rule is not None:
        return {"given": rule, "marketplaces": [], "review": None}
    table = {r["code"]: r for r in store.records("reserve_rules")}
    us = table["US"]
    found = []
    for code in markets or ctx.marketplaces:
        r = table.get(code)
        if r is None:
            notes.append(
                f"the delivery-date reserve for {code} is not known to velocity: DD+7 assumed from"
                f" {us['starts']} (the US start); pass --rule to set it"
            )
            found.append(
                {"marketplace": code, "rule": "dd7", "starts": us["starts"].isoformat(), "source": "assumed"}
            )
        else:
            found.append(
                {
                    "marketplace": code,
                    "rule": r["rule"],
                    "starts": r["starts"].isoformat(),
                    "source": r["source"],
                }
            )
    moved = (
        None if review is None else {"rule": "dd14", "from": review.isoformat(), "source": ctx.hold.source}
    )
    return {"given": None, "marketplaces": found, "review": moved}


def _calendar(waiting: dict, through: date, settlements: list[dict], seed: int) -> tuple[list, list]:
    """The deferred money by day (and to each day: cumulative) and by settlement period, p10/p50/p90 over
    simulated release days: each order's day uniform between its earliest and its latest (the rule's day)
    where the delivery is only estimated, fixed where an export gives it; a day already past comes now (the
    day after the data). `waiting`: payout_waiting's columns (orders alike in span and amount, counted)."""
    if not len(waiting["orders"]):
        return [], []
    first = through + timedelta(days=1)
    count = np.asarray(waiting["orders"], dtype=np.int64)

    def days_after(column) -> np.ndarray:
        offsets = np.asarray(column, dtype="datetime64[D]") - np.datetime64(first, "D")
        return np.repeat(offsets.astype(np.int64), count).astype(np.int32)

    late, early = days_after(waiting["release_date"]), days_after(waiting["release_earliest"])
    amount = np.repeat(np.asarray(waiting["amount"], dtype=np.float64), count)
    late = np.maximum(late, 0)
    early = np.clip(early, 0, late)
    span = (late - early + 1).astype(np.float64)
    days = int(late.max()) + 1
    rng = np.random.default_rng(seed)
    per_day = np.empty((DRAWS, days))
    for lo in range(0, DRAWS, CHUNK):  # a chunk of draws at a time: memory stays small for any seller
        n = min(CHUNK, DRAWS - lo)
        drawn = early[None, :] + (rng.random((n, late.size)) * span[None, :]).astype(np.int32)
        drawn += (np.arange(n, dtype=np.int32) * days)[:, None]
        sums = np.bincount(
            drawn.ravel(), weights=np.broadcast_to(amount, drawn.shape).ravel(), minlength=n * days
        )
        per_day[lo : lo + n] = sums.reshape(n, days)
    q = np.percentile(per_day, [10, 50, 90], axis=0)
    qc = np.percentile(per_day.cumsum(axis=1), [10, 50, 90], axis=0)
    calendar = [
        {
            "date": (first + timedelta(days=i)).isoformat(),
            "amount": _band(q[:, i]),
            "cumulative": _band(qc[:, i]),
        }
        for i in range(days)
    ]
    # settlement periods: Amazon's 14-day cadence continued from the latest settlement (else from today)
    start = date.fromisoformat(settlements[-1]["end"]) if settlements else first
    while start > first:
        start -= timedelta(days=PERIOD_DAYS)
    periods = []
    lo = 0
    while lo < days:
        end = start + timedelta(days=PERIOD_DAYS)
        a, b = max((start - first).days, 0), min((end - first).days, days)
        if b > a:
            sums = per_day[:, a:b].sum(axis=1)
            periods.append(
                {
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "amount": _band(np.percentile(sums, [10, 50, 90])),
                }
            )
        lo, start = b, end
    return calendar, periods


def _band(q) -> dict:
    return {"p10": round(float(q[0]), 2), "p50": round(float(q[1]), 2), "p90": round(float(q[2]), 2)}


def _summary(states: dict, settlements: list[dict], held: float | None, hold, through: date) -> dict:
    """The totals: sold (the orders' values), paid (the deposits of the settlements by `through`), the
    orders' money by state (refunded: the values given back), and held_reserve - the settlements' own figure
    (the orders named as held are velocity's attribution of it)."""

    def of(state: str, what: str) -> float:
        return _money(states[state][what]) if state in states else 0.0

    deposited = [s for s in settlements if s["deposit_date"] and s["deposit_date"] <= through.isoformat()]
    return {
        "sold": _money(sum(r["value"] for r in states.values())),
        "paid": _money(sum(s["paid"] for s in deposited)),
        "deferred": of("deferred", "amount"),
        "held_reserve": _money(held),
        "refunded": of("refunded", "value"),
        "released": of("released", "amount"),
        "orders": {s: int(states[s]["orders"]) if s in states else 0 for s in STATES},
        "held_until": hold.cap.isoformat() if hold.cap and held else None,
    }
