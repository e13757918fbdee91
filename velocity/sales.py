"""Why the funds are held: the sales velocity that triggered the review (``velocity sales``).

Daily sales come from the order table (queries/answers/daily_sales), the 28 days before the hold and the hold
itself from the context; the change point and the figures derived from it are vectorised numpy here.
Returns plain data; never prints or draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from velocity.context import WINDOW, Context
from velocity.store import Store

MIN_SEGMENT = 3  # days on each side of a change point
RISE_FACTOR = 1.5  # a rise: the pace after the change point at least this many times the pace before
NEAR_READING = 7  # days: how far from the trigger a Feedback Manager reading may be taken
MIN_T = 3.0  # ... and the step at least this many standard errors (Welch) above the day-to-day noise


@dataclass(frozen=True)
class ChangePoint:
    index: int  # first day of the new level
    before: float  # mean daily sales before
    after: float  # mean daily sales after
    t: float  # Welch's t of the step, on the square-root scale

    @property
    def is_rise(self) -> bool:
        """A real rise: the pace at least RISE_FACTOR times the earlier one, and the step clear of the
        day-to-day noise (t >= MIN_T)."""
        return self.after >= RISE_FACTOR * max(self.before, 1e-9) and self.t >= MIN_T


def change_point(sales: np.ndarray) -> ChangePoint | None:
    """The single upward step in daily sales that best splits the series into two levels: least squares on
    the square root of daily sales (the variance-stabilising scale for count-like data, on which a shop's
    closed days do not dominate as they do on a log scale). None when the series is too short or only falls."""
    n = len(sales)
    if n < 2 * MIN_SEGMENT:
        return None
    y = np.sqrt(np.maximum(sales, 0.0))
    csum = np.concatenate([[0.0], np.cumsum(y)])
    csq = np.concatenate([[0.0], np.cumsum(y * y)])
    k = np.arange(MIN_SEGMENT, n - MIN_SEGMENT + 1)  # candidate first days of the second segment
    left_n, right_n = k, n - k
    left_sum, right_sum = csum[k], csum[n] - csum[k]
    left_ss = csq[k] - left_sum**2 / left_n
    right_ss = csq[n] - csq[k] - right_sum**2 / right_n
    upward = right_sum / right_n > left_sum / left_n
    if not upward.any():
        return None
    i = int(np.argmin(np.where(upward, left_ss + right_ss, np.inf)))
    best = int(k[i])
    spread = np.sqrt(
        left_ss[i] / max(left_n[i] - 1, 1) / left_n[i] + right_ss[i] / max(right_n[i] - 1, 1) / right_n[i]
    )
    step = right_sum[i] / right_n[i] - left_sum[i] / left_n[i]
    t = float(step / spread) if spread > 0 else float("inf")
    return ChangePoint(best, float(sales[:best].mean()), float(sales[best:].mean()), t)


def _money(x) -> float | None:
    return None if x is None else round(float(x), 2)


def analyse(store: Store, ctx: Context) -> dict:
    """The sales velocity behind a hold, as plain data (the ``velocity sales --json`` contract)."""
    notes = list(ctx.notes)
    cur = ctx.currency
    daily = store.records(
        "daily_sales", {"through": ctx.orders_through, "currency": cur, "marketplace": ctx.marketplace}
    )
    days = [d["date"] for d in daily]
    sales = np.array([float(d["sales"]) for d in daily])
    if len(days) < WINDOW:
        notes.append(f"only {len(days)} days of sales: 28-day figures cover what there is")
    unpriced = sum(d["unpriced_orders"] for d in daily)
    if unpriced:
        notes.append(f"{unpriced} pending orders have no price yet: counted as orders, not valued")

    hold = ctx.hold
    end = len(days)
    if hold.start is not None:  # the rise that drew the hold came before it
        end = max(0, min(len(days), (hold.start - days[0]).days))
    cp = change_point(sales[:end])
    rise = cp if cp is not None and cp.is_rise else None
    w = ctx.trigger
    trigger = {
        "window": w.basis,
        "first": w.first.isoformat(),
        "date": w.last.isoformat(),
        "sales_28d": _money(w.sales),
        "orders_28d": w.orders,
        "rise_start": None,
        "baseline": None,
        "ratio": None,
        "positive_feedback_28d": None,
        "positive_feedback_rate_28d": None,
        "positive_feedback_source": None,
        "positive_feedback_read_on": None,
    }
    if rise is not None:
        before = sales[max(0, rise.index - WINDOW) : rise.index]
        baseline = float(before.mean() * WINDOW) if len(before) >= 7 else None
        if baseline is None:
            notes.append("under a week of sales before the rise: no established pace to compare with")
        markets = [ctx.marketplace] if ctx.marketplace else ctx.marketplaces
        positive, positive_source, read_on = _positive_feedback(store, ctx.data_through, w.last, markets)
        trigger.update(
            rise_start=days[rise.index].isoformat(),
            baseline=_money(baseline),
            ratio=round(w.sales / baseline, 2) if baseline else None,
            positive_feedback_28d=positive,
            positive_feedback_rate_28d=round(min(positive / w.orders, 1.0), 4) if w.orders else None,
            positive_feedback_source=positive_source,
            positive_feedback_read_on=read_on.isoformat() if read_on else None,
        )

    # the highest level the seller held without a hold: before the rise, never the spike's
    sustained = sales[: rise.index] if rise is not None else sales[:end]
    return {
        **ctx.as_dict(),
        "window_days": WINDOW,
        "trigger": trigger,
        "hold": hold.as_dict(),
        "safe_pace_per_day": _money(_safe_pace(sustained)),
        "verdict": _verdict(hold.start, rise),
        "notes": notes,
        "daily": [
            {
                "date": d["date"].isoformat(),
                "orders": int(d["orders"]),
                "units": int(d["units"]),
                "sales": _money(d["sales"]),
                "sales_7d": _money(d["sales_7d"]),
                "sales_28d": _money(d["sales_28d"]),
                "pending_orders": int(d["pending_orders"]),
                "unpriced_orders": int(d["unpriced_orders"]),
            }
            for d in daily
        ],
    }


def _positive_feedback(
    store: Store, through: date, day: date, marketplaces: list[str]
) -> tuple[int, str, date | None]:
    """Positive feedback in the window ending on day, and what the figure rests on. Amazon's feedback report
    usually lists only 1-3 star feedback, so a Feedback Manager reading (30 days) taken within a week of
    day is preferred; otherwise the per-order rows of the report are counted."""
    readings = [
        r
        for r in store.records("rating_readings", {"as_of": through})
        if r["period"] == "30"
        and r["marketplace"] in marketplaces
        and abs((r["as_of"] - day).days) <= NEAR_READING
    ]
    if readings:
        nearest = min({r["as_of"] for r in readings}, key=lambda d: (abs((d - day).days), d))
        positive = sum(r["positive"] for r in readings if r["as_of"] == nearest)
        return positive, "rating_table", nearest
    rows = store.records("feedback_daily", {"as_of": through})
    start = day - timedelta(days=WINDOW - 1)
    return int(sum(r["positive"] for r in rows if start <= r["date"] <= day)), "feedback_report", None


def _safe_pace(sales: np.ndarray) -> float | None:
    """The highest 28-day level (as a daily figure) in a stretch of history that drew no hold; where fewer
    than 28 days exist, the trailing mean over what there is (at least a week)."""
    if len(sales) < 7:
        return None
    csum = np.concatenate([[0.0], np.cumsum(sales)])
    ends = np.arange(7, len(sales) + 1)
    starts = np.maximum(0, ends - WINDOW)
    return float(((csum[ends] - csum[starts]) / (ends - starts)).max())


def _verdict(hold_start: date | None, rise: ChangePoint | None) -> str:
    if hold_start is not None and rise is None:
        return "hold_without_rise"  # probably not a velocity review: see velocity health
    if hold_start is not None:
        return "velocity_hold"
    if rise is not None:
        return "rise_without_hold"
    return "no_rise"
