"""When the held funds come back (``velocity forecast``): the feedback forecast from the day the data runs
through, the target, the release under a policy, and what asking buyers changes.

Orders and feedback come from velocity.forecast.history (SQL over the order table), the context from
velocity.context; the model is velocity.model (numpy). Returns plain data; never prints or draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from velocity import model
from velocity.context import CAP_DAYS, Context
from velocity.errors import ExitCode, VelocityError
from velocity.forecast.history import Feedback, History, feedback, from_day, load, to_day
from velocity.forecast.policies import PACE_DAYS, POLICIES, released, weighted_median
from velocity.store import Store

K_SHARE = 0.10  # default K: positive feedback on 10% of the orders of the 28 days before the hold ...
K_MIN = 10  # ... and at least 10
DRAWS = 2000
ASK_SETTLE = 14  # days after a request in which its response is counted ...
ASK_MIN = 30  # ... and the requests (that old) the log needs before it replaces the prior
HORIZON_MIN = 30  # days forecast at the least, past the data's end
PACE_SPAN = 56  # orders to come: the pace of at most the latest 8 weeks ...
PACE_HALF_LIVES = (3.0, 5.0, 7.0, 10.0, 14.0, 28.0)  # ... the latest days weighing most (half-life) ...
PACE_MOVE = (0.15, 2.0)  # ... give or take its weekly moves: prior sd of a log step, worth 2 weeks ...
PACE_AHEAD = 1.0  # ... about one such step ahead (the steps hold weekly noise too)


def _quantile_dates(days: np.ndarray) -> dict:
    lo, mid, hi = model.quantiles(days)
    return {
        "p10": from_day(lo).isoformat(),
        "p50": from_day(mid).isoformat(),
        "p90": from_day(hi).isoformat(),
    }


def _same_day(day: int) -> dict:
    text = from_day(day).isoformat()
    return {"p10": text, "p50": text, "p90": text}


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


def already_asked_arrivals(
    history: History, chance: np.ndarray, start: int, horizon: int, *, silent_known: bool
) -> tuple[np.ndarray, int]:
    """Extra feedback a day on days start+1..start+horizon (per draw) from orders whose buyers were asked
    (the request log), and how many such orders there are. Each answers with chance r, a geometric delay of
    mean ASK_DELAY_MEAN days after its request; with per-order feedback rows, an order still silent at
    `start` counts only the chance left after the days it has already stayed silent since asking."""
    asked = (history.requested_on >= 0) & (history.feedback < 0)
    n = int(history.count[asked].sum())
    out = np.zeros((chance.size, horizon))
    if not n:
        return out, 0
    g = 1.0 / model.ASK_DELAY_MEAN
    t = np.arange(start + 1, start + horizon + 1)
    days, inverse = np.unique(history.requested_on[asked], return_inverse=True)
    counts = np.bincount(inverse, weights=history.count[asked].astype(float))
    for s, count in zip(days.tolist(), counts.tolist(), strict=True):
        lag = t - s  # days since the request
        pmf = np.where(lag >= 1, g * (1.0 - g) ** np.maximum(lag - 1, 0), 0.0)
        waited = max(0, start - s)
        if silent_known and waited:  # P(answers on day t | silent for `waited` days after asking)
            left = (1.0 - g) ** waited
            share = chance / (1.0 - chance * (1.0 - left))
        else:
            share = chance
        if not silent_known and waited:
            pmf = np.where(t > start, pmf, 0.0)
        out += (count * share)[:, None] * pmf[None, :]
    return out, n


@dataclass(frozen=True)
class Simulation:
    start: int  # arrivals are simulated from start + 1 (the day feedback is known through)
    existing: np.ndarray  # (draws, days) new positives a day from orders placed by the data's end
    future: np.ndarray  # ... from orders still to come (from the data's end)
    asked_before: np.ndarray  # ... extra, from orders already asked (the request log)
    asked: np.ndarray  # ... extra, if every eligible buyer is asked on the as-of day
    orders_per_day: np.ndarray  # per draw
    phi: float  # day-to-day extra variation used
    already_asked: int  # orders in the request log still waiting for feedback


def future_pace(history: History, through: int, rng: np.random.Generator, draws: int) -> np.ndarray:
    """Orders a day from `through` on, per draw. The pace of the days the seller has really been selling (at
    most the latest PACE_SPAN), the latest weighing most: a two-week-old seller's pace is its two weeks', not
    a 28-day average of them. How fast the weight fades, and whether the pace is read off a level or off a
    line through the days (a seller still catching on), is the seller's own (pace_smoother): what best
    foretold each past day from the days before it. The uncertainty holds the noise of that reading (the
    days' own variation, at least Poisson's) and how far the weekly pace has moved week to week (shrunk
    towards PACE_MOVE), so a new or changing seller's band is wide. The pace is not carried further along a
    line: the days to come are read at the pace of the day after the data's end."""
    placed = history.purchase <= through
    if not history.count[placed].sum():
        return np.zeros(draws)
    first = max(int(history.purchase[placed].min()), through - PACE_SPAN + 1)
    span = through - first + 1
    inside = placed & (history.purchase >= first)
    daily = np.bincount(history.purchase[inside] - first, weights=history.count[inside], minlength=span)
    half, degree = pace_smoother(daily)
    kernel = _pace_kernel(span, half, degree)[-1]  # tomorrow's pace from every day so far
    level = float(daily.mean())
    rate = max(float(kernel @ daily), 0.25 * float(_pace_kernel(span, half, 0)[-1] @ daily))
    if rate <= 0 or level <= 0:
        return np.zeros(draws)
    fitted = _pace_kernel(span, half, degree, fitted=True) @ daily
    noise = max(float(kernel**2 @ (daily - fitted) ** 2), rate * float(kernel @ kernel)) / rate**2
    weeks = np.add.reduceat(daily[::-1], np.arange(0, span - span % 7, 7))[: span // 7] if span >= 7 else []
    weeks = np.asarray(weeks, dtype=float)
    steps = np.diff(np.log(weeks + 1.0))  # newest to oldest: week-to-week moves
    counted = (1.0 / (weeks[1:] + 1.0) + 1.0 / (weeks[:-1] + 1.0)).sum() if steps.size else 0.0
    sd, worth = PACE_MOVE
    move = max(float((steps**2).sum()) - counted, 0.0) + worth * sd**2
    move /= steps.size + worth
    spread = np.sqrt(noise + PACE_AHEAD * move)
    return rate * np.exp(spread * rng.standard_normal(draws))


def _pace_kernel(span: int, half: float, degree: int, *, fitted: bool = False) -> np.ndarray:
    """Weights (rows: targets, columns: days 0..span-1) that read each day's pace from the days before it
    (fitted: from all the days, at that day): a weighted mean (degree 0) or the value of a weighted line
    (degree 1) at the target, with weights halving every `half` days back from it. Row `span` (the last,
    when not fitted) reads tomorrow's pace from every day."""
    day = np.arange(span, dtype=float)
    target = day if fitted else np.arange(span + 1, dtype=float)
    back = target[:, None] - day[None, :]
    w = np.where(back >= (0 if fitted else 1), 0.5 ** (np.abs(back) / half), 0.0)
    s0 = w.sum(axis=1, keepdims=True)
    if degree == 0:
        return w / np.maximum(s0, 1e-12)
    x = -back  # the day's place relative to the target
    s1 = (w * x).sum(axis=1, keepdims=True)
    s2 = (w * x * x).sum(axis=1, keepdims=True)
    det = s0 * s2 - s1 * s1
    line = w * (s2 - s1 * x) / np.where(det > 1e-9, det, 1.0)
    return np.where(det > 1e-9, line, w / np.maximum(s0, 1e-12))


def pace_smoother(daily: np.ndarray) -> tuple[float, int]:
    """The half-life (among PACE_HALF_LIVES) and degree (0: a level, 1: a line) of the weights on past days
    that best foretold each day's orders from the days before it (squared error, from the eighth day on);
    a level of the longest half-life while the history is too short to tell."""
    span = daily.size
    if span < 10:
        return PACE_HALF_LIVES[-1], 0
    best, choice = np.inf, (PACE_HALF_LIVES[-1], 0)
    for degree in (0, 1):
        for half in PACE_HALF_LIVES:
            guess = _pace_kernel(span, half, degree)[7:span] @ daily
            error = float(((daily[7:] - guess) ** 2).mean())
            if error < best - 1e-12:
                best, choice = error, (half, degree)
    return choice


def placed_arrivals(
    history: History, fb: Feedback, post: model.Posterior, start: int, horizon: int
) -> tuple[np.ndarray, float]:
    """Expected positive feedback a day (draws, horizon) from the orders placed by `start` that show none,
    and the day-to-day extra variation to simulate it with. With per-order rows listing every rating, each
    silent order's chance is conditional on its silence so far; otherwise (which orders have a positive is
    not known) it is the unconditional one."""
    orders = history.orders
    pool = orders.subset(orders.feedback < 0)
    rows = fb.source == "feedback_rows"
    expected = model.expected_arrivals(post, pool, start, horizon, conditional=rows, positive=True)
    return expected, model.dispersion(post, orders, start) if rows else model.PRIOR_PHI


def simulate(
    history: History,
    fb: Feedback,
    post: model.Posterior,
    through: int,
    as_of: int,
    end: int,
    *,
    orders_through: int,
    future_sales: float | None,
    eligible: int,
    response: dict,
    rng: np.random.Generator,
) -> Simulation:
    """2,000 futures from the day feedback is known through to `end`: arrivals from the orders placed, from
    the orders still to come (placed after the order downloads' last day), from buyers already asked, and
    from asking on `as_of`."""
    start = min(fb.known_through, through)
    expected, phi = placed_arrivals(history, fb, post, start, end - start)
    draws = post.p.size
    if future_sales is None:
        per_day = future_pace(history, orders_through, rng, draws)
    else:
        per_day = np.full(draws, float(future_sales))
    recent = history.purchase > orders_through - PACE_DAYS
    gap = history.earliest - history.purchase
    transit = weighted_median(gap[recent], history.count[recent], 2)
    future = np.zeros_like(expected)
    to_come = model.future_arrivals(post, per_day, transit, end - orders_through, positive=True)
    if orders_through >= start:
        future[:, orders_through - start :] = to_come
    else:  # orders placed between the order downloads' end and the day feedback is known through
        future[:, :] = to_come[:, start - orders_through :]
    chance = rng.beta(response["alpha"], response["beta"], draws)
    asked = np.zeros_like(expected)
    asked[:, as_of - start :] = model.asked_arrivals(chance, eligible, end - as_of)
    before, n_asked = already_asked_arrivals(
        history, chance, start, end - start, silent_known=fb.source == "feedback_rows"
    )
    q = post.q[:, None]
    shock = model.shocks(rng, phi, expected.shape)  # one per day, shared by every stream of arrivals
    return Simulation(
        start=start,
        existing=rng.poisson(expected * shock),
        future=rng.poisson(future * shock),
        asked_before=rng.poisson(q * before * shock),
        asked=rng.poisson(q * asked * shock),
        orders_per_day=per_day,
        phi=phi,
        already_asked=n_asked,
    )


def response_rate(history: History, fb: Feedback, post: model.Posterior, as_of: int) -> dict:
    """The chance that asking brings feedback: the prior Beta(7, 93) (5-10% of asked buyers respond), updated
    by the seller's own request log once it holds ASK_MIN requests made ASK_SETTLE days or more before as_of:
    the feedback that came within ASK_SETTLE days of a request, beyond what the model expected unasked."""
    a, b = model.PRIOR_ASK
    out = {"alpha": a, "beta": b, "mean": round(a / (a + b), 4), "source": "prior", "requests_used": 0}
    if fb.source != "feedback_rows":
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


def default_needed(trigger_orders: int) -> int:
    """velocity's default K: positive feedback on 10% of the orders in the 28 days before the hold (at least
    10). Amazon publishes no number; this asks feedback to cover the sales that drew the review at a rate
    a seller reaches by asking every buyer."""
    return max(K_MIN, math.ceil(K_SHARE * trigger_orders))


def fit(history: History, fb: Feedback, draws: int, rng: np.random.Generator) -> model.Posterior:
    """The model fitted to what the feedback source allows. With no positive known (source none), the 1-3
    star rows and the silence of the other orders still bound p; the positive share keeps its prior."""
    return model.fit(
        history.orders,
        fb.known_through,
        readings=fb.readings or None,
        low_stars_only=fb.source == "none",
        draws=draws,
        rng=rng,
    )


@dataclass(frozen=True)
class Worlds:
    """The simulated worlds behind the bands, from `first` (the day after the data's end) on."""

    first: int
    existing: np.ndarray  # (draws, days) new positives, cumulative, from the orders placed
    total: np.ndarray  # (draws, days) ... from every stream: orders placed, orders to come, buyers asked
    release: np.ndarray  # (draws,) the day the review ends (policy review)


@dataclass(frozen=True)
class Forecast:
    """A forecast (the JSON contract) with the model behind it, for velocity contacts to reuse."""

    result: dict
    posterior: model.Posterior
    response: dict
    worlds: Worlds | None = None


def _milestones(needed: int, known: int) -> list[int]:
    ks = {max(1, round(needed * f)) for f in (0.5, 0.75, 1.0, 1.5, 2.0)}
    return sorted(k for k in ks if k > known or k == needed or k >= needed * 0.5)


def check_options(policy: str, feedback_needed: int | None, future_sales: float | None) -> None:
    if policy not in POLICIES:
        raise VelocityError(
            f"unknown policy {policy!r}", f"choose one of {', '.join(POLICIES)}", ExitCode.USAGE
        )
    if future_sales is not None and not (math.isfinite(future_sales) and future_sales >= 0):
        raise VelocityError(
            f"--future-sales must be a number of orders a day, 0 or more (got {future_sales})",
            "",
            ExitCode.USAGE,
        )
    if feedback_needed is not None and feedback_needed < 1:
        raise VelocityError("--feedback-needed must be at least 1", "", ExitCode.USAGE)


def run(
    store: Store,
    ctx: Context,
    *,
    policy: str = "review",
    feedback_needed: int | None = None,
    future_sales: float | None = None,
    transit: dict[str, tuple[int, int]] | None = None,
    opted_out: list[str] | None = None,
    draws: int = DRAWS,
    seed: int = 0,
) -> Forecast:
    """The release forecast (the ``velocity forecast --json`` contract), with the fitted model and the
    response rate of asked buyers kept. The what-if asks the orders contact_list finds eligible (with
    opted_out left out, as velocity contacts does)."""
    check_options(policy, feedback_needed, future_sales)
    history = load(store, ctx, transit, opted_out, releases=policy in ("dd7", "dd14"))
    return forecast(
        history,
        feedback(store, ctx),
        ctx,
        policy=policy,
        feedback_needed=feedback_needed,
        future_sales=future_sales,
        draws=draws,
        seed=seed,
    )


def forecast(
    history: History,
    fb: Feedback,
    ctx: Context,
    *,
    policy: str = "review",
    feedback_needed: int | None = None,
    future_sales: float | None = None,
    draws: int = DRAWS,
    seed: int = 0,
) -> Forecast:
    """The forecast from loaded orders and feedback (no store): what `run` answers, and what
    benchmarks/calibration.py calls on simulated sellers."""
    rng = np.random.default_rng(seed)
    notes = list(ctx.notes)
    through, today = to_day(ctx.data_through), to_day(ctx.as_of)
    orders_through = to_day(ctx.orders_through)
    if ctx.hold.start is not None:
        hold_start = to_day(ctx.hold.start)
        cap = hold_start + CAP_DAYS
    else:
        hold_start, cap = through + 1, through + 1 + CAP_DAYS
    end = max(cap, today + HORIZON_MIN)
    cap_passed = cap <= today

    post = fit(history, fb, draws, rng)
    if fb.source == "none":
        notes.append(
            "no positive feedback is known (Amazon's feedback report lists only 1-3 stars): the forecast "
            "rests on priors; record the Feedback Manager counts with `velocity rating`"
        )
    eligible = int(history.count[history.eligible].sum())
    response = response_rate(history, fb, post, today)
    sim = simulate(
        history,
        fb,
        post,
        through,
        today,
        end,
        orders_through=orders_through,
        future_sales=future_sales,
        eligible=eligible,
        response=response,
        rng=rng,
    )
    offset = through - sim.start  # days between the day feedback is known through and the data's end
    gap = (sim.existing + sim.asked_before)[:, :offset].sum(axis=1)  # arrived but not seen in any export
    existing = np.cumsum(sim.existing[:, offset:], axis=1)
    total = existing + np.cumsum((sim.future + sim.asked_before)[:, offset:], axis=1)
    with_asking = total + np.cumsum(sim.asked[:, offset:], axis=1)

    known, exact = fb.positives_since(hold_start, fb.known_through)
    if not exact:
        notes.append("no Feedback Manager reading before the hold: positives since the hold are estimated")
    needed = feedback_needed if feedback_needed is not None else default_needed(ctx.trigger.orders)
    base = known + gap[:, None]
    first = through + 1
    reached = fb.reached_on(hold_start, needed) if known >= needed else None
    if reached is not None and reached > cap:
        reached = None  # the cap came first: that is what ended the hold
    if reached is not None:
        release = release_asked = np.full(draws, reached)
    elif cap_passed:
        release = release_asked = np.full(draws, cap)
        notes.append(
            f"the 90-day cap passed on {from_day(cap).isoformat()}: the held funds should have been released"
            " - contact Seller Support"
        )
    else:
        release = _first_reaching(base + total, needed, first, cap)
        release_asked = _first_reaching(base + with_asking, needed, first, cap)

    held = ctx.hold.held_amount if ctx.hold.held_currency == ctx.currency else None
    held_source = "settlements" if held is not None else "sales"
    if held is None:
        held = float(history.value[history.purchase >= hold_start].sum())
    money = released(policy, history, sim.orders_per_day, through, end, release, float(held), orders_through)
    policy_release = release if policy == "review" else money.done

    basis_counts = {
        "estimated": int(history.count[history.estimated].sum()),
        "assumed": int(history.count[~history.estimated].sum()),
    }
    lag_basis = "estimated_delivery" if basis_counts["estimated"] >= basis_counts["assumed"] else "purchase"
    p10, p50, p90 = np.quantile(post.p, [0.1, 0.5, 0.9])
    e_band, t_band = _band(existing, counts=True), _band(total, counts=True)
    m_band = _band(money.cumulative, counts=False)
    daily = [
        {
            "date": from_day(first + i).isoformat(),
            "positive_existing": e_band[i],
            "positive_total": t_band[i],
            "released_amount": m_band[i],
        }
        for i in range(end - through)
    ]

    def milestone(k: int) -> dict:
        if k <= known and (day := fb.reached_on(hold_start, k)) is not None:
            return {"positives": k, **_same_day(day)}
        return {"positives": k, **_quantile_dates(_first_reaching(base + total, k, first, cap))}

    waiting = history.feedback < 0
    result = {
        **ctx.as_dict(),
        "policy": policy,
        "hold": {
            "start": ctx.hold.start.isoformat() if ctx.hold.start else None,
            "source": ctx.hold.source,
            "cap_date": from_day(cap).isoformat(),
            "held_amount": round(float(held), 2),
            "held_amount_source": held_source,
            "settlement_held_amount": ctx.hold.held_amount,
            "settlement_currency": ctx.hold.held_currency,
        },
        "feedback_needed": needed,
        "feedback_needed_source": "given" if feedback_needed is not None else "default",
        "feedback_needed_default": {
            "share": K_SHARE,
            "orders": ctx.trigger.orders,
            "minimum": K_MIN,
            "window": {"first": ctx.trigger.first.isoformat(), "last": ctx.trigger.last.isoformat()},
        },
        "positive_since_hold": known,
        "positive_since_hold_exact": exact,
        "positive_source": fb.source,
        "feedback_known_through": from_day(fb.known_through).isoformat(),
        "target_reached": from_day(reached).isoformat() if reached is not None else None,
        "cap_passed": cap_passed and reached is None,
        "release": _quantile_dates(policy_release),
        "feedback_release": _quantile_dates(release),
        "milestones": [milestone(k) for k in _milestones(needed, known)],
        "money": {
            "held_now": round(money.held_now, 2),
            "released_by_cap": m_band[min(max(cap, first), end) - through - 1],
        },
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
            if fb.source == "feedback_rows"
            else fb.rows_total,
            "readings_used": len(fb.readings),
            "future_orders_per_day": round(float(np.median(sim.orders_per_day)), 2),
            "future_orders_source": "given" if future_sales is not None else "recent_pace",
            "draws": draws,
            "day_variation": round(sim.phi, 4),
        },
        "what_if": {
            "orders_contacted": eligible,
            "orders_already_asked": sim.already_asked,
            "release": _quantile_dates(release_asked),
            "response": {k: response[k] for k in ("mean", "source", "requests_used")},
        },
        "notes": notes,
    }
    return Forecast(result, post, response, Worlds(first, existing, total, release))


def analyse(store: Store, ctx: Context, **options) -> dict:
    """The release forecast as plain data (the ``velocity forecast --json`` contract)."""
    return run(store, ctx, **options).result
