"""Why the funds are held: the sales velocity that triggered the review (``velocity sales``).

Sets come from SQL (queries/sales_lines, daily_sales, reserve_history, feedback_daily); the change point
and the figures derived from it are vectorised numpy here. Returns plain data; never prints or draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np

from velocity import sql
from velocity.errors import ExitCode, VelocityError
from velocity.store import materialize, one, records

WINDOW = 28
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


def default_as_of(con: duckdb.DuckDBPyConnection) -> date:
    latest = one(con, sql.load("latest_sale_date"))[0]
    if latest is None:
        raise VelocityError(
            "the store has no All Orders rows: there are no sales to measure",
            "import your All Orders report first: velocity import FILE",
        )
    return latest


def register_sales_lines(con: duckdb.DuckDBPyConnection, as_of: date, *, copy: bool = True) -> None:
    """sales_lines, bound to this as-of, for the relations that read it: a table when several read it, a
    view when one query reads it once (no copy of a million lines)."""
    if copy:
        materialize(con, "sales_lines", {"as_of": as_of})
    else:  # a view cannot keep a parameter: the as-of day (a date, so no quoting issue) is written into it
        text = sql.load("sales_lines").replace("$as_of", f"DATE '{as_of}'")
        con.execute("create or replace temp view sales_lines as " + text)


def _money(x) -> float | None:
    return None if x is None else round(float(x), 2)


def choose_currency(
    con: duckdb.DuckDBPyConnection, as_of: date, currency: str | None
) -> tuple[list[dict], str, list[str]]:
    """The currencies sold in (largest first), the one to analyse (given, else the largest) and a note naming
    the others: currencies are never added. Reads sales_lines (register_sales_lines first)."""
    return pick_currency(records(con, "sales_currencies", {"as_of": as_of}), as_of, currency)


def pick_currency(
    currencies: list[dict], as_of: date, currency: str | None
) -> tuple[list[dict], str, list[str]]:
    """choose_currency on currencies already counted: [{currency, orders, marketplaces}], largest first."""
    notes: list[str] = []
    if not currencies:
        raise VelocityError(f"no sales on or before {as_of}", "check --as-of, or import an All Orders report")
    known = [c["currency"] for c in currencies]
    if currency is None:
        currency = known[0]
        if len(known) > 1:
            others = ", ".join(f"{c['currency']} ({', '.join(c['marketplaces'])})" for c in currencies[1:])
            notes.append(
                f"also sells in {others}: currencies are never added; pass --currency to see another"
            )
    elif currency.upper() not in known:
        raise VelocityError(
            f"no sales in {currency.upper()}", f"the store has sales in {', '.join(known)}", ExitCode.USAGE
        )
    return currencies, currency.upper(), notes


def analyse(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: date | None = None,
    currency: str | None = None,
    marketplace: str | None = None,
    hold_date: date | None = None,
) -> dict:
    """The sales velocity behind a hold, as plain data (the ``velocity sales --json`` contract)."""
    as_of = as_of or default_as_of(con)
    register_sales_lines(con, as_of)
    currencies, currency, notes = choose_currency(con, as_of, currency)

    daily = records(
        con,
        "daily_sales",
        {"as_of": as_of, "currency": currency, "marketplace": marketplace and marketplace.upper()},
    )
    if not daily:
        raise VelocityError(
            f"no {currency} sales on or before {as_of}" + (f" in {marketplace}" if marketplace else "")
        )
    days = [d["date"] for d in daily]
    sales = np.array([float(d["sales"]) for d in daily])
    sales_28d = np.array([float(d["sales_28d"]) for d in daily])
    orders_28d = np.array([int(d["orders_28d"]) for d in daily])
    if len(days) < WINDOW:
        notes.append(f"only {len(days)} days of sales: 28-day figures cover what there is")
    unpriced = sum(d["unpriced_orders"] for d in daily)
    if unpriced:
        notes.append(f"{unpriced} pending orders have no price yet: counted as orders, not valued")

    hold = hold_at(con, as_of, hold_date)
    end = len(days)
    if hold["start"] is not None:
        end = max(0, min(len(days), (hold["start"] - days[0]).days + 1))
    cp = change_point(sales[:end])
    rise = cp if cp is not None and cp.is_rise else None

    trigger = {
        "rise_start": None,
        "date": None,
        "sales_28d": None,
        "orders_28d": None,
        "baseline": None,
        "ratio": None,
        "positive_feedback_28d": None,
        "positive_feedback_rate_28d": None,
        "positive_feedback_source": None,
        "positive_feedback_read_on": None,
    }
    if rise is not None:
        if hold["start"] is not None and end > 0:
            at = end - 1  # the 28 days up to the hold
        else:
            at = rise.index + int(np.argmax(sales_28d[rise.index :]))  # the peak of the strongest rise
        before = sales[max(0, rise.index - WINDOW) : rise.index]
        baseline = float(before.mean() * WINDOW) if len(before) >= 7 else None
        if baseline is None:
            notes.append("under a week of sales before the rise: no established pace to compare with")
        markets = sorted({m for c in currencies if c["currency"] == currency for m in c["marketplaces"]})
        if marketplace:
            markets = [marketplace.upper()]
        positive, positive_source, read_on = _positive_feedback(con, as_of, days[at], markets)
        trigger.update(
            rise_start=days[rise.index].isoformat(),
            date=days[at].isoformat(),
            sales_28d=_money(sales_28d[at]),
            orders_28d=int(orders_28d[at]),
            baseline=_money(baseline),
            ratio=round(float(sales_28d[at]) / baseline, 2) if baseline else None,
            positive_feedback_28d=positive,
            positive_feedback_rate_28d=round(min(positive / orders_28d[at], 1.0), 4)
            if orders_28d[at]
            else None,
            positive_feedback_source=positive_source,
            positive_feedback_read_on=read_on.isoformat() if read_on else None,
        )

    sustained = sales[: rise.index] if (rise is not None and hold["start"] is not None) else sales
    safe = _safe_pace(sustained)
    verdict = _verdict(hold, rise)
    return {
        "as_of": as_of.isoformat(),
        "currency": currency,
        "marketplace": marketplace.upper() if marketplace else None,
        "window_days": WINDOW,
        "trigger": trigger,
        "hold": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in hold.items()},
        "safe_pace_per_day": _money(safe),
        "verdict": verdict,
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


def hold_at(con: duckdb.DuckDBPyConnection, as_of: date, given: date | None) -> dict:
    history = records(con, "reserve_history", {"as_of": as_of})
    latest = history[-1] if history else None
    if given is not None:
        start, source = given, "given"
    elif history:
        start, source = history[0]["date"], "settlements"
    else:
        start, source = None, None
    return {
        "start": start,
        "source": source,
        "held_amount": _money(latest["held_amount"]) if latest else None,
        "held_currency": latest["currency"] if latest else None,
        "history": [
            {
                "date": h["date"].isoformat(),
                "held_amount": _money(h["held_amount"]),
                "currency": h["currency"],
            }
            for h in history
        ],
    }


def _positive_feedback(
    con: duckdb.DuckDBPyConnection, as_of: date, day: date, marketplaces: list[str]
) -> tuple[int, str, date | None]:
    """Positive feedback in the window ending on day, and what the figure rests on. Amazon's feedback report
    usually lists only 1-3 star feedback, so a Feedback Manager reading (30 days) taken within a week of
    day is preferred; otherwise the per-order rows of the report are counted."""
    readings = [
        r
        for r in records(con, "rating_readings", {"as_of": as_of})
        if r["period"] == "30"
        and r["marketplace"] in marketplaces
        and abs((r["as_of"] - day).days) <= NEAR_READING
    ]
    if readings:
        nearest = min({r["as_of"] for r in readings}, key=lambda d: (abs((d - day).days), d))
        positive = sum(r["positive"] for r in readings if r["as_of"] == nearest)
        return positive, "rating_table", nearest
    rows = records(con, "feedback_daily", {"as_of": as_of})
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


def _verdict(hold: dict, rise: ChangePoint | None) -> str:
    if hold["start"] is not None and rise is None:
        return "hold_without_rise"  # probably not a velocity review: see velocity health
    if hold["start"] is not None:
        return "velocity_hold"
    if rise is not None:
        return "rise_without_hold"
    return "no_rise"
