"""When the held funds come back (``velocity forecast``) and how far to trust it (``velocity backtest``).

Orders and feedback come from SQL (queries/forecast_orders, feedback_daily, rating_readings); the model is
velocity.model (numpy). Returns plain data; never prints or draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np

from velocity import model, sql
from velocity.errors import ExitCode, VelocityError
from velocity.sales import default_as_of, hold_at, pick_currency, register_sales_lines
from velocity.store import materialize, records

POLICIES = ("review", "dd7", "dd14", "rolling7", "rolling28", "sale14")
CAP_DAYS = 90  # a review hold lasts at most 90 days
PACE_DAYS = 28  # future orders: the average of the last 28 days
K_SHARE = 0.10  # default K: positive feedback on 10% of the orders of the 28 days before the hold ...
K_MIN = 10  # ... and at least 10
DRAWS = 2000
HORIZONS = (7, 14, 30)
ASK_SETTLE = 14  # days after a request in which its response is counted ...
ASK_MIN = 30  # ... and the requests (that old) the log needs before it replaces the prior
ASK_OPENS, ASK_CLOSES = 5, 30  # request window: earliest delivery + 5 days to latest delivery + 30 days
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


@dataclass(frozen=True)
class History:
    """The sold orders of one currency in groups of alike orders (`count` each; `value` their sum), as
    arrays of day numbers (see velocity.model.Orders)."""

    purchase: np.ndarray
    earliest: np.ndarray  # earliest delivery (estimated or assumed)
    latest: np.ndarray  # latest delivery
    estimated: np.ndarray  # bool: the delivery window comes from an export, not the transit assumption
    shipped: np.ndarray
    value: np.ndarray
    feedback: np.ndarray  # first feedback row's day, -1 none
    rating: np.ndarray
    requested_on: np.ndarray  # day feedback was requested (the request log), -1 never
    refunded: np.ndarray  # bool: refunded in full (order_refunds)
    count: np.ndarray

    @property
    def orders(self) -> model.Orders:
        return model.Orders(self.purchase, self.earliest, self.feedback, self.rating, self.count)

    def __len__(self) -> int:
        return int(self.count.sum())

    def recent(self, as_of: int) -> np.ndarray:
        return self.purchase > as_of - PACE_DAYS


def _weighted_median(values: np.ndarray, weights: np.ndarray, default: int) -> int:
    if not weights.sum():
        return default
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    return int(values[order][np.searchsorted(cum, cum[-1] / 2)])


def transit_params(transit: dict[str, tuple[int, int]] | None) -> dict:
    """The $fba_edd ... $mfn_ldd overrides of the assumed transit days (None: the per-marketplace table)."""
    transit = transit or {}
    return {
        f"{channel}_{end}": transit[channel][i] if channel in transit else None
        for channel in ("fba", "mfn")
        for i, end in enumerate(("edd", "ldd"))
    }


def load(
    con: duckdb.DuckDBPyConnection, as_of: date, transit: dict[str, tuple[int, int]] | None = None
) -> tuple[dict[str, History], list[dict]]:
    """The sold orders up to as_of, per currency, and the currencies ranked by orders (largest first) with
    their marketplaces - one pass over the order lines."""
    register_sales_lines(con, as_of, copy=False)
    materialize(con, "order_refunds", {"as_of": as_of})
    text = sql.load("forecast_orders")
    params = {"as_of": as_of, **transit_params(transit)}
    cols = con.execute(text, sql.bind(text, params)).fetchnumpy()
    currency = np.ma.filled(np.ma.asarray(cols["currency"]).astype(object), None)
    market = np.ma.filled(np.ma.asarray(cols["marketplace"]).astype(object), None)
    count = np.asarray(cols["orders"], dtype=np.int64)
    histories, currencies = {}, []
    for cur in sorted({c for c in currency.tolist() if c is not None}):
        pick = currency == cur
        histories[cur] = History(
            purchase=_days(cols["purchase_date"])[pick],
            earliest=_days(cols["earliest_delivery"])[pick],
            latest=_days(cols["latest_delivery"])[pick],
            estimated=np.asarray(cols["estimated"], dtype=bool)[pick],
            shipped=np.ma.filled(np.ma.asarray(cols["shipped"]), False).astype(bool)[pick],
            value=np.ma.filled(np.ma.asarray(cols["value"], dtype=float), 0.0)[pick],
            feedback=_days(cols["feedback_date"])[pick],
            rating=np.ma.filled(np.ma.asarray(cols["rating"]), 0).astype(np.int64)[pick],
            requested_on=_days(cols["requested_on"])[pick],
            refunded=np.asarray(cols["refunded"], dtype=bool)[pick],
            count=count[pick],
        )
        markets = sorted({m for m in market[pick].tolist() if m is not None})
        currencies.append({"currency": cur, "orders": int(count[pick].sum()), "marketplaces": markets})
    currencies.sort(key=lambda c: (-c["orders"], c["currency"]))
    return histories, currencies


@dataclass(frozen=True)
class Feedback:
    """What is known about feedback: the source the model uses, the readings (counts source), the day it is
    known through, the positives seen per day (rows), and the positives since a given day."""

    source: str  # feedback_rows | rating_table | none
    readings: list[tuple[int, int, int]]  # (day, lifetime positive, lifetime total)
    known_through: int
    positive_days: np.ndarray  # days of positive feedback rows
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


def _feedback(con: duckdb.DuckDBPyConnection, as_of: date, marketplaces: list[str]) -> Feedback:
    daily = records(con, "feedback_daily", {"as_of": as_of})
    days = np.array([to_day(r["date"]) for r in daily], dtype=np.int64)
    pos = np.array([int(r["positive"]) for r in daily], dtype=np.int64)
    tot = np.array([int(r["positive"] + r["neutral"] + r["negative"]) for r in daily], dtype=np.int64)
    positive_days = np.repeat(days, pos)
    readings: dict[date, list[int]] = {}
    by_period: dict[tuple[date, str], list[int]] = {}
    for r in records(con, "rating_readings", {"as_of": as_of}):
        if r["marketplace"] in marketplaces:
            got = by_period.setdefault((r["as_of"], r["period"]), [0, 0])
            got[0] += r["positive"]
            got[1] += r["positive"] + r["neutral"] + r["negative"]
    for (day, period), counts in by_period.items():
        if period == "lifetime" or (period == "365" and (day, "lifetime") not in by_period):
            readings[day] = counts
    table = [(to_day(d), c[0], c[1]) for d, c in sorted(readings.items())]
    if table:
        last_day, _, last_total = table[-1]
        rows_then = int(tot[days <= last_day].sum())
        if rows_then < last_total or not pos.any():
            return Feedback("rating_table", table, last_day, positive_days, int(tot.sum()))
    source = "feedback_rows" if pos.any() else "none"
    return Feedback(source, [], to_day(as_of), positive_days, int(tot.sum()))


def _quantile_dates(days: np.ndarray) -> dict:
    lo, mid, hi = model.quantiles(days)
    return {
        "p10": from_day(lo).isoformat(),
        "p50": from_day(mid).isoformat(),
        "p90": from_day(hi).isoformat(),
    }


def _band(values: np.ndarray, *, counts: bool) -> list[dict]:
    """p10/p50/p90 per day: mid-distribution quantiles for counts (one decimal), plain ones for money."""
    if counts:
        q, digits = model.count_quantiles(values), 1
    else:
        q, digits = np.quantile(values, (0.1, 0.5, 0.9), axis=0), 2
    return [
        {"p10": round(lo, digits), "p50": round(mid, digits), "p90": round(hi, digits)}
        for lo, mid, hi in q.T.tolist()
    ]


def _first_reaching(path: np.ndarray, need: float, first_day: int, cap: int) -> np.ndarray:
    """Per draw: the first day on which the running count reaches `need` (capped at the cap day)."""
    reached = path >= need
    hit = reached.any(axis=1)
    day = first_day + np.argmax(reached, axis=1)
    return np.where(hit, np.minimum(day, cap), cap)


@dataclass(frozen=True)
class Simulation:
    start: int  # arrivals are simulated from start + 1 (the day feedback is known through)
    existing: np.ndarray  # (draws, days) new positives a day from orders placed by as-of
    future: np.ndarray  # ... from orders still to come (from as-of + 1)
    asked: np.ndarray  # ... extra, if every eligible buyer is asked on as-of
    orders_per_day: np.ndarray  # per draw
    phi: float  # day-to-day extra variation used


def simulate(
    history: History,
    feedback: Feedback,
    post: model.Posterior,
    as_of: int,
    end: int,
    *,
    future_sales: float | None,
    eligible: int,
    response: dict,
    rng: np.random.Generator,
) -> Simulation:
    start = min(feedback.known_through, as_of)
    orders = history.orders
    if feedback.source == "feedback_rows":  # orders with no feedback yet: conditional on the silence
        pool = orders.subset(orders.feedback < 0)
        expected = model.expected_arrivals(post, pool, start, end - start, conditional=True)
        phi = model.dispersion(post, orders, start)
    else:  # which orders have feedback is not known: each order's unconditional chance
        expected = model.expected_arrivals(post, orders, start, end - start, conditional=False)
        phi = model.PRIOR_PHI
    draws = post.p.size
    recent = history.recent(as_of)
    if future_sales is None:
        per_day = rng.gamma(int(history.count[recent].sum()) + 0.5, 1.0 / PACE_DAYS, draws)
    else:
        per_day = np.full(draws, float(future_sales))
    gap = history.earliest - history.purchase
    transit = _weighted_median(gap[recent], history.count[recent], 2)
    future = model.future_arrivals(post, per_day, transit, end - as_of)
    chance = rng.beta(response["alpha"], response["beta"], draws)
    asked = model.asked_arrivals(chance, eligible, end - as_of)
    q = post.q[:, None]
    shock = model.shocks(rng, phi, expected.shape)  # one per day, shared by every stream of arrivals
    ahead = shock[:, as_of - start :]
    return Simulation(
        start=start,
        existing=rng.poisson(q * expected * shock),
        future=rng.poisson(q * future * ahead),
        asked=rng.poisson(q * asked * ahead),
        orders_per_day=per_day,
        phi=phi,
    )


def response_rate(history: History, feedback: Feedback, post: model.Posterior, as_of: int) -> dict:
    """The chance that asking brings feedback: the prior Beta(7, 93) (5-10% of asked buyers respond), updated
    by the seller's own request log once it holds ASK_MIN requests made ASK_SETTLE days or more before as_of:
    the feedback that came within ASK_SETTLE days of a request, beyond what the model expected unasked."""
    a, b = model.PRIOR_ASK
    out = {"alpha": a, "beta": b, "mean": round(a / (a + b), 4), "source": "prior", "requests_used": 0}
    if feedback.source != "feedback_rows":
        return out  # which orders answered is not known from counts alone
    asked = (
        (history.requested_on >= 0)
        & (history.requested_on <= as_of - ASK_SETTLE)
        & ((history.feedback < 0) | (history.feedback > history.requested_on))
    )
    if history.count[asked].sum() < ASK_MIN:
        return out
    orders = history.orders.subset(asked)
    n, came, expected = model.response_evidence(post, orders, history.requested_on[asked], ASK_SETTLE)
    excess = min(max(came - expected, 0.0), n)
    a, b = a + excess, b + n - excess
    return {
        "alpha": a,
        "beta": b,
        "mean": round(a / (a + b), 4),
        "source": "request_log",
        "requests_used": int(n),
    }


def eligible_now(history: History, as_of: int) -> np.ndarray:
    """Order groups a seller may ask today: shipped, not refunded in full, no feedback seen, not asked
    before, inside the request window (DOMAIN.md; velocity contacts also reads the do-not-contact list). A mask over the groups; history.count[mask].sum() orders."""
    return (
        history.shipped
        & (history.feedback < 0)
        & (history.requested_on < 0)
        & ~history.refunded
        & (as_of >= history.earliest + ASK_OPENS)
        & (as_of <= history.latest + ASK_CLOSES)
    )


def default_needed(history: History, hold_start: int) -> tuple[int, int]:
    """velocity's default K: positive feedback on 10% of the orders in the 28 days before the hold (at least
    10). Amazon publishes no number; this asks feedback to cover the sales that drew the review at a rate
    a seller reaches by asking every buyer."""
    window = (history.purchase < hold_start) & (history.purchase >= hold_start - PACE_DAYS)
    orders = int(history.count[window].sum())
    return max(K_MIN, math.ceil(K_SHARE * orders)), orders


def _released(
    policy: str,
    history: History,
    sim: Simulation,
    as_of: int,
    end: int,
    release: np.ndarray,
    held: float,
) -> tuple[np.ndarray, float, np.ndarray]:
    """Money made available on each day as_of+1..end (cumulative, per draw), the amount held on as_of under
    the policy, and the day (per draw) by which that amount is all released."""
    days = np.arange(as_of + 1, end + 1)
    recent = history.recent(as_of)
    sold = int(history.count[recent].sum())
    per_order = float(history.value[recent].sum()) / sold if sold else 0.0
    pace = sim.orders_per_day[:, None] * per_order  # future sales a day, per draw
    draws = sim.orders_per_day.size
    if policy == "review":
        # everything from the hold start is held; at release the held sum and the sales since as-of come back
        since = np.minimum(release, end) - as_of
        amount = held + pace[:, 0] * since
        return np.where(days[None, :] >= release[:, None], amount[:, None], 0.0), held, release
    if policy in ("dd7", "dd14", "sale14"):
        lag = {"dd7": 7, "dd14": 14, "sale14": 14}[policy]
        base = history.purchase if policy == "sale14" else history.latest
        free = base + lag
        waiting = free > as_of
        held_now = float(history.value[waiting].sum())
        paid = np.cumsum(
            np.bincount(
                np.clip(free[waiting] - as_of - 1, 0, None),
                weights=history.value[waiting],
                minlength=days.size,
            )[: days.size]
        )
        span = history.latest - history.purchase
        transit = 0 if policy == "sale14" else _weighted_median(span[recent], history.count[recent], 3)
        cohorts = np.maximum(0, days - as_of - transit - lag)  # future days whose money is free by then
        total = paid[None, :] + pace * cohorts[None, :]
        owed = waiting & (history.value > 0)
        done = int(free[owed].max()) if owed.any() else as_of
        return total, held_now, np.full(draws, done)
    width = {"rolling7": 7, "rolling28": 28}[policy]
    daily = np.bincount(
        np.clip(history.purchase - (as_of - width + 1), 0, None)[history.purchase > as_of - width],
        weights=history.value[history.purchase > as_of - width],
        minlength=width,
    )[:width]
    held_now = float(daily.sum())
    # reserve on day t: the sales of (t - width, t]; released by t = reserve(as_of) + sales(as_of, t] - reserve(t)
    k = days - as_of  # 1..
    known_left = np.array([daily[min(int(i), width) :].sum() for i in k])  # old sales still inside the window
    new_inside = np.minimum(k, width)
    total = held_now + pace * k[None, :] - (known_left[None, :] + pace * new_inside[None, :])
    return total, held_now, np.full(draws, as_of + width)


def _fit(history: History, feedback: Feedback, draws: int, rng: np.random.Generator) -> model.Posterior:
    """The model fitted to what the feedback source allows (priors alone when no positive is known)."""
    orders = history.orders if feedback.source != "none" else history.orders.cut(-(10**9))
    return model.fit(orders, feedback.known_through, readings=feedback.readings or None, draws=draws, rng=rng)


@dataclass(frozen=True)
class Seller:
    """What a forecast or backtest starts from: the orders of one currency, what is known of feedback."""

    currency: str
    history: History
    feedback: Feedback
    notes: list[str]


def _seller(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    currency: str | None,
    transit: dict[str, tuple[int, int]] | None = None,
) -> Seller:
    histories, currencies = load(con, as_of, transit)
    currencies, currency, notes = pick_currency(currencies, as_of, currency)
    marketplaces = next(c["marketplaces"] for c in currencies if c["currency"] == currency)
    return Seller(currency, histories[currency], _feedback(con, as_of, list(marketplaces)), notes)


@dataclass(frozen=True)
class Forecast:
    """A forecast (the JSON contract) with the model behind it, for velocity contacts to reuse."""

    result: dict
    posterior: model.Posterior
    response: dict


def _milestones(needed: int, known: int) -> list[int]:
    ks = {max(1, round(needed * f)) for f in (0.5, 0.75, 1.0, 1.5, 2.0)}
    return sorted(k for k in ks if k > known or k == needed)


def analyse(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: date | None = None,
    currency: str | None = None,
    policy: str = "review",
    feedback_needed: int | None = None,
    future_sales: float | None = None,
    hold_date: date | None = None,
    transit: dict[str, tuple[int, int]] | None = None,
    asked: int | None = None,
    draws: int = DRAWS,
    seed: int = 0,
) -> dict:
    """The release forecast as plain data (the ``velocity forecast --json`` contract). `asked`: how many
    buyers the what-if asks (default: every order eligible by the request window, not yet asked)."""
    return run(
        con,
        as_of=as_of,
        currency=currency,
        policy=policy,
        feedback_needed=feedback_needed,
        future_sales=future_sales,
        hold_date=hold_date,
        transit=transit,
        asked=asked,
        draws=draws,
        seed=seed,
    ).result


def run(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: date | None = None,
    currency: str | None = None,
    policy: str = "review",
    feedback_needed: int | None = None,
    future_sales: float | None = None,
    hold_date: date | None = None,
    transit: dict[str, tuple[int, int]] | None = None,
    asked: int | None = None,
    draws: int = DRAWS,
    seed: int = 0,
) -> Forecast:
    """analyse, with the fitted model and the response rate of asked buyers kept."""
    if policy not in POLICIES:
        raise VelocityError(
            f"unknown policy {policy!r}", f"choose one of {', '.join(POLICIES)}", ExitCode.USAGE
        )
    if future_sales is not None and future_sales < 0:
        raise VelocityError("--future-sales must be 0 or more orders a day", "", ExitCode.USAGE)
    if feedback_needed is not None and feedback_needed < 1:
        raise VelocityError("--feedback-needed must be at least 1", "", ExitCode.USAGE)
    rng = np.random.default_rng(seed)
    as_of = as_of or default_as_of(con)
    seller = _seller(con, as_of, currency, transit)
    currency, history, feedback, notes = seller.currency, seller.history, seller.feedback, seller.notes
    today = to_day(as_of)
    hold = hold_at(con, as_of, hold_date)
    if hold["start"] is not None:
        hold_start = to_day(hold["start"])
        cap = hold_start + CAP_DAYS
        end = max(cap, today + 30)
    else:
        hold_start, cap, end = today + 1, today + CAP_DAYS, today + CAP_DAYS
        notes.append(
            "no hold found in the settlements (or --hold-date): dates assume funds held from tomorrow"
        )
    if cap <= today:
        notes.append(f"the hold started over {CAP_DAYS} days ago: the 90-day cap has passed")

    post = _fit(history, feedback, draws, rng)
    if feedback.source == "none":
        notes.append(
            "no positive feedback is known (Amazon's feedback report lists only 1-3 stars): the forecast "
            "rests on priors; record the Feedback Manager counts with `velocity rating`"
        )
    eligible = int(history.count[eligible_now(history, today)].sum()) if asked is None else asked
    response = response_rate(history, feedback, post, today)
    sim = simulate(
        history,
        feedback,
        post,
        today,
        end,
        future_sales=future_sales,
        eligible=eligible,
        response=response,
        rng=rng,
    )
    gap = sim.existing[:, : today - sim.start].sum(axis=1)  # arrived but not yet seen in any export
    existing = np.cumsum(sim.existing[:, today - sim.start :], axis=1)
    total = existing + np.cumsum(sim.future, axis=1)
    with_asking = total + np.cumsum(sim.asked, axis=1)

    known, exact = feedback.positives_since(hold_start, feedback.known_through)
    if not exact:
        notes.append("no Feedback Manager reading before the hold: positives since the hold are estimated")
    needed, trigger_orders = default_needed(history, hold_start)
    if feedback_needed is not None:
        needed = feedback_needed
    base = known + gap[:, None]
    release = _first_reaching(base + total, needed, today + 1, cap)
    release_asked = _first_reaching(base + with_asking, needed, today + 1, cap)
    if known >= needed:
        release = release_asked = np.full(draws, today)
        notes.append(
            f"{known} positive feedback since the hold already reach {needed}: the review may want more"
        )

    held = hold["held_amount"] if hold["held_currency"] == currency else None
    held_source = "settlements" if held is not None else "sales"
    if held is None:
        held = float(history.value[history.purchase >= hold_start].sum())
    released, held_now, freed = _released(policy, history, sim, today, end, release, float(held))
    policy_release = release if policy == "review" else freed

    waiting = history.feedback < 0
    basis_counts = {
        "estimated": int(history.count[history.estimated].sum()),
        "assumed": int(history.count[~history.estimated].sum()),
    }
    lag_basis = "estimated_delivery" if basis_counts["estimated"] >= basis_counts["assumed"] else "purchase"
    p10, p50, p90 = np.quantile(post.p, [0.1, 0.5, 0.9])
    daily = []
    e_band, t_band = _band(existing, counts=True), _band(total, counts=True)
    m_band = _band(released, counts=False)
    for i in range(end - today):
        daily.append(
            {
                "date": from_day(today + 1 + i).isoformat(),
                "positive_existing": e_band[i],
                "positive_total": t_band[i],
                "released_amount": m_band[i],
            }
        )
    result = {
        "as_of": as_of.isoformat(),
        "policy": policy,
        "currency": currency,
        "hold": {
            "start": hold["start"].isoformat() if hold["start"] else None,
            "source": hold["source"],
            "cap_date": from_day(cap).isoformat(),
            "held_amount": round(float(held), 2),
            "held_amount_source": held_source,
        },
        "feedback_needed": needed,
        "feedback_needed_source": "given" if feedback_needed is not None else "default",
        "feedback_needed_default": {"share": K_SHARE, "orders": trigger_orders, "minimum": K_MIN},
        "positive_since_hold": known,
        "positive_since_hold_exact": exact,
        "positive_source": feedback.source,
        "feedback_known_through": from_day(feedback.known_through).isoformat(),
        "release": _quantile_dates(policy_release),
        "feedback_release": _quantile_dates(release),
        "milestones": [
            {"positives": k, **_quantile_dates(_first_reaching(base + total, k, today + 1, cap))}
            for k in _milestones(needed, known)
        ],
        "money": {"held_now": round(held_now, 2), "released_by_cap": m_band[min(cap, end) - today - 1]},
        "daily": daily,
        "model": {
            "feedback_rate": round(float(p50), 4),
            "feedback_rate_p10": round(float(p10), 4),
            "feedback_rate_p90": round(float(p90), 4),
            "positive_share": round(float(np.median(post.q)), 4),
            "lag_median_days": post.lag_median(),
            "lag_basis": lag_basis,
            "delivery_basis": basis_counts,
            "orders_used": len(history),
            "feedback_used": int(history.count[~waiting].sum())
            if feedback.source == "feedback_rows"
            else feedback.rows_total,
            "readings_used": len(feedback.readings),
            "future_orders_per_day": round(float(np.median(sim.orders_per_day)), 2),
            "future_orders_source": "given" if future_sales is not None else "recent_28_days",
            "draws": draws,
            "day_variation": round(sim.phi, 4),
        },
        "what_if": {
            "orders_contacted": eligible,
            "release": _quantile_dates(release_asked),
            "response": {k: response[k] for k in ("mean", "source", "requests_used")},
        },
        "notes": notes,
    }
    return Forecast(result, post, response)


MAX_CUTOFFS = 80


def backtest(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: date | None = None,
    currency: str | None = None,
    step: int = 7,
    horizons: tuple[int, ...] = HORIZONS,
    draws: int = 500,
    seed: int = 0,
) -> dict:
    """Rolling-origin backtest of positive_existing: cut the history at past dates, forecast the new positive
    feedback from the orders placed by then, compare with what arrived (the ``velocity backtest`` contract)."""
    if step < 1:
        raise VelocityError("--step must be at least 1 day", "", ExitCode.USAGE)
    rng = np.random.default_rng(seed)
    as_of = as_of or default_as_of(con)
    seller = _seller(con, as_of, currency)
    currency, history, feedback, notes = seller.currency, seller.history, seller.feedback, seller.notes
    if feedback.source != "feedback_rows":
        raise VelocityError(
            "a backtest needs per-order feedback rows with every rating (1-5 stars), and the store has "
            + ("Feedback Manager counts only" if feedback.source == "rating_table" else "no positive rows"),
            "import a feedback file that lists positive feedback too (older downloads or a copy of the "
            "Feedback Manager list)",
        )
    today = to_day(as_of)
    orders = history.orders
    first = int(orders.purchase.min()) + 14  # at least two weeks of history at the first cut-off
    last = today - min(horizons)
    cuts = list(range(last, first - 1, -step))[::-1]
    if not cuts:
        raise VelocityError(
            f"too little history for a backtest: {today - int(orders.purchase.min()) + 1} days",
            f"a backtest needs at least {14 + min(horizons)} days of orders",
        )
    if len(cuts) > MAX_CUTOFFS:
        cuts = cuts[-MAX_CUTOFFS:]
        notes.append(f"the latest {MAX_CUTOFFS} cut-offs, {step} days apart")
    positive = orders.rating >= 4
    rows = []
    for cut in cuts:  # one fit per cut-off
        known = orders.cut(cut)
        post = model.fit(known, cut, draws=draws, rng=rng)
        pool = known.subset(known.feedback < 0)
        reach = [h for h in horizons if cut + h <= today]
        paths = model.positive_paths(post, pool, cut, max(reach), model.dispersion(post, known, cut), rng)
        placed = orders.purchase <= cut
        for h in reach:
            sample = paths[:, h - 1]
            arrived = placed & positive & (orders.feedback > cut) & (orders.feedback <= cut + h)
            actual = int(orders.n[arrived].sum())
            lo, mid, hi = model.count_quantiles(sample)
            rows.append(
                {
                    "cutoff": from_day(cut).isoformat(),
                    "horizon_days": h,
                    "p10": round(float(lo), 1),
                    "p50": round(float(mid), 1),
                    "p90": round(float(hi), 1),
                    "actual": actual,
                    "crps": round(model.crps(sample, actual), 4),
                }
            )
    summary = []
    for h in horizons:
        got = [r for r in rows if r["horizon_days"] == h]
        if not got:
            continue
        actual = np.array([r["actual"] for r in got])
        summary.append(
            {
                "horizon_days": h,
                "cutoffs": len(got),
                "coverage_80": round(float(np.mean([r["p10"] <= r["actual"] <= r["p90"] for r in got])), 4),
                "below_band": round(float(np.mean([r["actual"] < r["p10"] for r in got])), 4),
                "above_band": round(float(np.mean([r["actual"] > r["p90"] for r in got])), 4),
                "crps": round(float(np.mean([r["crps"] for r in got])), 4),
                "mean_abs_error": round(float(np.mean(np.abs(actual - [r["p50"] for r in got]))), 4),
                "mean_actual": round(float(actual.mean()), 4),
            }
        )
    return {
        "as_of": as_of.isoformat(),
        "currency": currency,
        "target": "positive_existing",
        "step_days": step,
        "first_cutoff": rows[0]["cutoff"],
        "last_cutoff": rows[-1]["cutoff"],
        "horizons": summary,
        "cutoffs": rows,
        "notes": notes,
    }
