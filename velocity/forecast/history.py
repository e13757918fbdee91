"""What a forecast starts from: the seller's orders of one currency as grouped arrays (from
queries/answers/forecast_groups, or forecast_release_groups for the dd7 and dd14 policies), and what is known of their feedback - per-order rows,
Feedback Manager counts, or nothing. Day numbers (days since 1970-01-01) are the model's unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from velocity import model
from velocity.context import Context
from velocity.store import Store

EPOCH = date(1970, 1, 1)


def to_day(d: date) -> int:
    """A date as a day number (days since 1970-01-01), the unit the model works in."""
    return (d - EPOCH).days


def from_day(day: int | float) -> date:
    return EPOCH + timedelta(days=int(day))


def _days(column) -> np.ndarray:
    """DuckDB dates (numpy datetime64, masked where null) as day numbers; -1 for null."""
    values = np.ma.filled(np.ma.asarray(column).astype("datetime64[D]"), np.datetime64("NaT"))
    out = values.astype("datetime64[D]").astype(np.int64)
    return np.where(np.isnat(values), -1, out)


def _flags(column) -> np.ndarray:
    return np.ma.filled(np.ma.asarray(column), False).astype(bool)


def transit_params(transit: dict[str, tuple[int, int]] | None) -> dict:
    """The $fba_edd ... $mfn_ldd overrides of the assumed transit days (None: the per-marketplace table)."""
    transit = transit or {}
    return {
        f"{channel}_{end}": transit[channel][i] if channel in transit else None
        for channel in ("fba", "mfn")
        for i, end in enumerate(("edd", "ldd"))
    }


@dataclass(frozen=True)
class History:
    """The sold orders of one currency in groups of alike orders (`count` each; `value` their sum), as
    arrays of day numbers (see velocity.model.Orders). `eligible` is the SQL's verdict (contact_list): the
    group's buyers may be asked on the as-of day."""

    purchase: np.ndarray
    earliest: np.ndarray  # earliest delivery (estimated or assumed)
    latest: np.ndarray  # latest delivery
    estimated: np.ndarray  # bool: the delivery window comes from an export, not the transit assumption
    shipped: np.ndarray
    value: np.ndarray
    feedback: np.ndarray  # the feedback's day, -1 none seen
    rating: np.ndarray
    requested_on: np.ndarray  # day feedback was requested (the request log), -1 never
    refunded: np.ndarray  # bool: refunded in full
    eligible: np.ndarray  # bool: may be asked on the as-of day
    count: np.ndarray
    # the day the money is released under DD+7 / DD+14 (queries/answers/order_release, the rule velocity
    # payouts reads); None where no store gave them (simulated sellers: see release_day)
    release_dd7: np.ndarray | None = None
    release_dd14: np.ndarray | None = None

    def release_day(self, days: int) -> np.ndarray:
        """The day each group's money is released `days` (7 or 14) after delivery: order_release's day, or
        for simulated sellers without a store the same rule on the latest delivery."""
        given = {7: self.release_dd7, 14: self.release_dd14}.get(days)
        return given if given is not None else self.latest + days

    @property
    def orders(self) -> model.Orders:
        return model.Orders(self.purchase, self.earliest, self.feedback, self.rating, self.count)

    def cut(self, day: int) -> History:
        """What was known on `day` (a backtest's cut-off): the orders placed by then, the feedback and the
        requests made by then; nobody eligible to be asked."""
        keep = self.purchase <= day
        seen = (self.feedback >= 0) & (self.feedback <= day)
        asked = (self.requested_on >= 0) & (self.requested_on <= day)
        return History(
            purchase=self.purchase[keep],
            earliest=self.earliest[keep],
            latest=self.latest[keep],
            estimated=self.estimated[keep],
            shipped=self.shipped[keep],
            value=self.value[keep],
            feedback=np.where(seen, self.feedback, -1)[keep],
            rating=np.where(seen, self.rating, 0)[keep],
            requested_on=np.where(asked, self.requested_on, -1)[keep],
            refunded=self.refunded[keep],
            eligible=np.zeros(int(keep.sum()), dtype=bool),
            count=self.count[keep],
            release_dd7=None if self.release_dd7 is None else self.release_dd7[keep],
            release_dd14=None if self.release_dd14 is None else self.release_dd14[keep],
        )

    def feedback_rows(self, through: int) -> Feedback:
        """The feedback these orders show by `through`, as per-order rows listing every rating (positive ones
        and all, per day): what a backtest knew at a cut-off."""
        seen = (self.feedback >= 0) & (self.feedback <= through)
        days, inverse = np.unique(self.feedback[seen], return_inverse=True)
        n = self.count[seen].astype(float)
        pos = np.bincount(inverse, weights=n * (self.rating[seen] >= 4), minlength=days.size)
        tot = np.bincount(inverse, weights=n, minlength=days.size)
        return feedback_from(days, pos.astype(np.int64), tot.astype(np.int64), [], through, complete=True)

    def __len__(self) -> int:
        return int(self.count.sum())


def load(
    store: Store,
    ctx: Context,
    transit: dict[str, tuple[int, int]] | None = None,
    opted_out: list[str] | None = None,
    *,
    releases: bool = False,
) -> History:
    """The context's orders (its currency and marketplace), grouped, placed by the day the data runs through;
    with releases, each group's release day under DD+7 and DD+14 too (the dd7 and dd14 policies)."""
    params = ctx.params(opted_out=opted_out or [], **transit_params(transit))
    if releases:
        params |= {"rule": None, "hold_start": None}
    cols = store.columns("forecast_release_groups" if releases else "forecast_groups", params)
    return History(
        purchase=_days(cols["purchase_date"]),
        earliest=_days(cols["earliest_delivery"]),
        latest=_days(cols["latest_delivery"]),
        estimated=_flags(cols["estimated"]),
        shipped=_flags(cols["shipped"]),
        value=np.ma.filled(np.ma.asarray(cols["value"], dtype=float), 0.0),
        feedback=_days(cols["feedback_date"]),
        rating=np.ma.filled(np.ma.asarray(cols["rating"]), 0).astype(np.int64),
        requested_on=_days(cols["requested_on"]),
        refunded=_flags(cols["refunded"]),
        eligible=_flags(cols["eligible"]),
        count=np.asarray(cols["orders"], dtype=np.int64),
        release_dd7=_days(cols["release_dd7"]) if releases else None,
        release_dd14=_days(cols["release_dd14"]) if releases else None,
    )


@dataclass(frozen=True)
class Feedback:
    """What is known about feedback: the source the model uses, the readings (counts source), the day it is
    known through, the positives seen per day (rows), and the positives since a given day."""

    source: str  # feedback_rows | rating_table | none
    readings: list[tuple[int, int, int]]  # (day, lifetime positive, lifetime total)
    known_through: int
    positive_days: np.ndarray  # days of positive feedback rows, sorted
    rows_total: int

    def positives_since(self, start: int, through: int) -> tuple[int, bool]:
        """Positive feedback on days start..through, and whether the figure is exact."""
        rows = int(((self.positive_days >= start) & (self.positive_days <= through)).sum())
        if self.source != "rating_table":
            return rows, True
        last = self.readings[-1]
        before = [r for r in self.readings if r[0] < start]
        if before:
            return last[1] - before[-1][1], True
        # no reading before the start: the rows dated before it are a lower bound of what to subtract
        earlier = int((self.positive_days < start).sum())
        return max(last[1] - earlier, rows), False

    def reached_on(self, start: int, k: int) -> int | None:
        """The day the positives since start first reached k (None: not by the day known through). From
        rows, the k-th positive's day; from counts, the first reading that shows k (a reading is a day
        the seller looked, so the count may have got there a little earlier)."""
        if k <= 0:
            return start
        if self.source == "rating_table":
            base = [r for r in self.readings if r[0] < start]
            offset = base[-1][1] if base else int((self.positive_days < start).sum())
            for day, positive, _ in self.readings:
                if day >= start and positive - offset >= k:
                    return day
            return None
        days = self.positive_days[self.positive_days >= start]
        return int(days[k - 1]) if days.size >= k else None


def feedback(store: Store, ctx: Context) -> Feedback:
    """Per-order rows (when they show positives) or the Feedback Manager's lifetime counts, whichever knows
    more of the positives, up to the day the data runs through."""
    through = ctx.data_through
    daily = store.records("feedback_daily", {"as_of": through})
    days = np.array([to_day(r["date"]) for r in daily], dtype=np.int64)
    pos = np.array([int(r["positive"]) for r in daily], dtype=np.int64)
    tot = np.array([int(r["positive"] + r["neutral"] + r["negative"]) for r in daily], dtype=np.int64)
    markets = [ctx.marketplace] if ctx.marketplace else ctx.marketplaces
    readings: dict[date, list[int]] = {}
    by_period: dict[tuple[date, str], list[int]] = {}
    for r in store.records("rating_readings", {"as_of": through}):
        if r["marketplace"] in markets:
            got = by_period.setdefault((r["as_of"], r["period"]), [0, 0])
            got[0] += r["positive"]
            got[1] += r["positive"] + r["neutral"] + r["negative"]
    for (day, period), counts in by_period.items():
        if period == "lifetime" or (period == "365" and (day, "lifetime") not in by_period):
            readings[day] = counts
    table = [(to_day(d), c[0], c[1]) for d, c in sorted(readings.items())]
    complete = int(store.records("feedback_mix")[0]["positive"] or 0) > 0
    return feedback_from(days, pos, tot, table, to_day(through), complete=complete)


def feedback_from(
    days: np.ndarray,
    pos: np.ndarray,
    tot: np.ndarray,
    table: list[tuple[int, int, int]],
    through: int,
    *,
    complete: bool = False,
) -> Feedback:
    """The source decision on what was read: per-day positive and total feedback rows (day numbers, up to
    `through`) and the Feedback Manager lifetime readings [(day, positive, total)]. `complete`: the store's
    feedback rows list positive ones too (on some day, maybe after `through`), so they hold every rating -
    and no positive row by `through` means none came yet: the silence of the orders is data."""
    positive_days = np.repeat(days, pos)
    rows = bool(pos.any()) or complete
    if table:
        last_day, _, last_total = table[-1]
        rows_then = int(tot[days <= last_day].sum())
        if rows_then < last_total or not rows:
            return Feedback("rating_table", table, last_day, positive_days, int(tot.sum()))
    return Feedback("feedback_rows" if rows else "none", [], through, positive_days, int(tot.sum()))
