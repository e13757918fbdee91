"""How well velocity's forecast bands hold the truth (issue 13): simulated sellers whose truth is known, and
Olist's real timing, cut at past dates and compared with what arrived.

    python benchmarks/calibration.py [--sellers 160] [--seeds 1 2 3] [--no-olist] [--no-e2e]

Simulated sellers (per seed, `--sellers` of them): 10 days to 6 months old at the cut, 5-200 orders a day (a
steady pace, a ramp from a new listing, or a step up before the hold), UK/US/DE, Amazon- or self-fulfilled,
delivery estimated (an Order Report window around the true day) or assumed (velocity's transit table, while
the true transit differs), feedback from 2% to 30% of buyers a log-normal delay after the *true* delivery
(median 1-15 days), some of it pulled forward by Amazon's reminder (2 days after the latest delivery date or
day 22), never before day 3 nor after day 90, 75-97% positive; a third drift (p, q and the delay move over
time, on past the cut). Each seller is cut once: its orders and every feedback row up to the cut become the
forecast's inputs (velocity.forecast.history.History and Feedback, built here as the SQL would), and
velocity.forecast.run.forecast - what `velocity forecast` runs - forecasts them; its draws are compared with
the seller's true future: new positive feedback from the orders placed by the cut at 7, 14, 30 and 60 days,
and the day the positives since the hold reach velocity's default target (policy review, default future
sales). A naive forecast - the recent rate of positive feedback continues, Poisson - is scored beside it.

Olist: its orders and reviews as All Orders and Feedback files (benchmarks/olist.py) in a temporary store,
`velocity backtest` every 14 days over the whole span at 14, 30 and 60 days.

End to end (--e2e, default on): three sellers are also written as export files, imported and forecast
through velocity.open(); the History built here must equal the store's and the forecast must be the same.

Counts are pooled over sellers and horizons; each coverage has a 90% (Wilson) interval. Nothing here is
tuned to a seed: run several.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import velocity  # noqa: E402
from velocity import model  # noqa: E402
from velocity.context import Context, Hold, Window  # noqa: E402
from velocity.forecast.history import History, feedback_from, from_day, to_day  # noqa: E402
from velocity.forecast.run import forecast as forecast_from  # noqa: E402

HORIZONS = (7, 14, 30, 60)
FUTURE = 200  # days simulated past the cut (the release can come 90 days after a hold)
EPOCH = to_day(date(2026, 1, 5))  # day 0 of every simulated seller
# velocity's assumed transit (queries/reference/transit_assumptions.sql) and the truth, which differs
ASSUMED = {"UK": {"fba": (1, 3), "mfn": (2, 5)}, "US": {"fba": (1, 3), "mfn": (3, 7)}, "DE": {"fba": (1, 3), "mfn": (2, 5)}}  # fmt: skip
TRUE_TRANSIT = {"UK": {"fba": (1, 0.7), "mfn": (2, 1.3)}, "US": {"fba": (1, 1.0), "mfn": (3, 2.0)}, "DE": {"fba": (1, 0.6), "mfn": (2, 1.2)}}  # fmt: skip
CURRENCY = {"UK": "GBP", "US": "USD", "DE": "EUR"}
CHANNEL = {"UK": "Amazon.co.uk", "US": "Amazon.com", "DE": "Amazon.de"}


# ------------------------------------------------------------------------------------------ the sellers


@dataclass
class Seller:
    """A simulated seller: its truth, and every order it ever gets (past and future of the cut)."""

    key: str
    market: str
    age: int  # days selling at the cut (orders on days 0..age-1; the cut is day age-1)
    pace: float  # orders a day at the cut
    shape: str
    p: float  # at the cut (drift moves it)
    q: float
    median: float  # delay after true delivery, at the cut
    sigma: float
    drift: bool
    hold: int  # the hold's first day (seller day)
    purchase: np.ndarray
    earliest: np.ndarray
    latest: np.ndarray
    estimated: np.ndarray
    fba: np.ndarray
    feedback: np.ndarray  # day of the (only) feedback, -1 none
    rating: np.ndarray
    delay_median: float  # the realised median delay after true delivery (all feedback)

    @property
    def cut(self) -> int:
        return self.age - 1


def _log_uniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def make_seller(rng: np.random.Generator, key: str) -> Seller:
    market = str(rng.choice(["UK", "US", "DE"]))
    age = round(_log_uniform(rng, 10, 180))
    pace = _log_uniform(rng, 5, 200)
    p = _log_uniform(rng, 0.02, 0.30)
    q = float(rng.uniform(0.75, 0.97))
    median = _log_uniform(rng, 1.0, 15.0)
    sigma = float(rng.uniform(0.5, 1.3))
    nudge = float(rng.uniform(0.0, 0.4))  # share of late answerers Amazon's reminder pulls forward
    drift = bool(rng.random() < 1 / 3)
    dp, dm, dq = (
        (rng.uniform(-0.6, 0.6), rng.uniform(-0.5, 0.5), rng.uniform(-0.12, 0.12)) if drift else (0, 0, 0)
    )
    fba_share = float(rng.choice([0.0, 0.5, 1.0]))
    est_share = float(rng.choice([0.0, 0.6, 0.95]))
    shape = str(rng.choice(["steady", "ramp", "step"]))
    cut = age - 1
    days = np.arange(age + FUTURE)
    # the pace before the cut has a shape; from the cut on it is the cut's pace, growing or shrinking a little
    if shape == "steady":
        past = np.ones(days.size)
    elif shape == "ramp":  # a new listing catching on over its first weeks (maybe still at the cut)
        past = np.minimum(1.0, 0.25 + 0.75 * days / rng.uniform(10, 60))
    else:  # a step up some time before the cut (what draws a velocity review)
        past = np.where(days < int(age * rng.uniform(0.3, 0.8)), 1 / rng.uniform(2, 5), 1.0)
    growth = rng.uniform(-0.15, 0.15)  # per 30 days after the cut
    lam = pace * np.where(days <= cut, past / past[cut], np.clip(1 + growth * (days - cut) / 30, 0.3, 2.0))
    lam = lam * (1 + 0.15 * np.sin(2 * np.pi * days / 7 + rng.uniform(0, 2 * np.pi)))
    n = rng.poisson(lam * rng.gamma(25.0, 1 / 25.0, days.size))
    n[0] = max(n[0], 1)
    purchase = np.repeat(days, n)
    size = purchase.size
    fba = rng.random(size) < fba_share
    channel = np.where(fba, "fba", "mfn")
    base = np.array([TRUE_TRANSIT[market][c][0] for c in ("fba", "mfn")])[(~fba).astype(int)]
    extra = np.array([TRUE_TRANSIT[market][c][1] for c in ("fba", "mfn")])[(~fba).astype(int)]
    delivered = purchase + base + rng.poisson(extra)
    estimated = rng.random(size) < est_share
    late = rng.random(size) < 0.08  # the true day after the promised window
    e_est = delivered - rng.integers(0, 3, size) - np.where(late, rng.integers(1, 4, size), 0)
    l_est = np.maximum(e_est, delivered - np.where(late, rng.integers(1, 3, size), 0)) + np.where(
        late, 0, rng.integers(0, 4, size)
    )
    e_ass = purchase + np.where(channel == "fba", ASSUMED[market]["fba"][0], ASSUMED[market]["mfn"][0])
    l_ass = purchase + np.where(channel == "fba", ASSUMED[market]["fba"][1], ASSUMED[market]["mfn"][1])
    earliest = np.where(estimated, np.maximum(e_est, purchase), e_ass)
    latest = np.where(estimated, np.maximum(l_est, earliest), l_ass)
    rel = (purchase - cut) / 90.0
    p_i = np.clip(p * np.exp(dp * rel), 0.002, 0.6)
    m_i = median * np.exp(dm * rel)
    q_i = np.clip(q + dq * rel, 0.3, 0.995)
    gives = rng.random(size) < p_i
    natural = delivered + np.floor(np.exp(np.log(m_i) + sigma * rng.standard_normal(size))).astype(int)
    reminder = np.minimum(latest + 2, purchase + 22)
    pulled = (rng.random(size) < nudge) & (natural > reminder)
    day = np.where(pulled, reminder + rng.geometric(0.5, size) - 1, natural)
    day = np.maximum(day, purchase + 3)
    gives &= day <= purchase + model.WINDOW
    good = rng.random(size) < q_i
    stars = np.where(good, rng.choice([4, 5], size, p=[0.2, 0.8]), rng.choice([1, 2, 3], size))
    hold = cut - int(rng.integers(0, max(1, min(21, age // 2))))
    return Seller(
        key=key,
        market=market,
        age=age,
        pace=pace,
        shape=shape,
        p=p,
        q=q,
        median=median,
        sigma=sigma,
        drift=drift,
        hold=hold,
        purchase=purchase,
        earliest=earliest,
        latest=latest,
        estimated=estimated,
        fba=fba,
        feedback=np.where(gives, day, -1),
        rating=np.where(gives, stars, 0),
        delay_median=float(np.median((day - delivered)[gives])) if gives.any() else median,
    )


def history_at(s: Seller) -> History:
    """What the store would hold at the cut, grouped as queries/answers/forecast_groups groups it."""
    cut = s.cut
    placed = s.purchase <= cut
    seen = placed & (s.feedback >= 0) & (s.feedback <= cut)
    cols = np.stack(
        [
            s.purchase[placed],
            s.earliest[placed],
            s.latest[placed],
            s.estimated[placed].astype(int),
            np.where(seen, s.feedback, -1)[placed],
            np.where(seen, s.rating, 0)[placed],
        ]
    )
    keys, counts = np.unique(cols, axis=1, return_counts=True)
    k = keys.shape[1]

    def day(row):  # seller days as day numbers (feedback -1 stays -1)
        return np.where(row >= 0, row + EPOCH, -1).astype(np.int64)

    return History(
        purchase=day(keys[0]),
        earliest=day(keys[1]),
        latest=day(keys[2]),
        estimated=keys[3].astype(bool),
        shipped=np.ones(k, bool),
        value=20.0 * counts,
        feedback=day(keys[4]),
        rating=keys[5].astype(np.int64),
        requested_on=np.full(k, -1, np.int64),
        refunded=np.zeros(k, bool),
        eligible=np.zeros(k, bool),
        count=counts.astype(np.int64),
    )


def feedback_at(s: Seller):
    """The feedback rows (every rating) up to the cut, through the product's source decision."""
    seen = (s.feedback >= 0) & (s.feedback <= s.cut)
    days, inverse = np.unique(s.feedback[seen], return_inverse=True)
    pos = np.bincount(inverse, weights=(s.rating[seen] >= 4).astype(float), minlength=days.size).astype(int)
    tot = np.bincount(inverse, minlength=days.size).astype(int)
    return feedback_from(days + EPOCH, pos, tot, [], s.cut + EPOCH)


def context_at(s: Seller) -> Context:
    cut = from_day(s.cut + EPOCH)
    hold = from_day(s.hold + EPOCH)
    before = (s.purchase >= s.hold - 28) & (s.purchase < s.hold)
    return Context(
        as_of=cut,
        as_of_given=True,
        data_through=cut,
        orders_through=cut,
        first_order=from_day(EPOCH),
        currency=CURRENCY[s.market],
        currency_given=False,
        currencies=[],
        marketplace=None,
        marketplaces=[s.market],
        hold=Hold(hold, "given", None, None),
        trigger=Window(
            hold - timedelta(days=28),
            hold - timedelta(days=1),
            "before_hold",
            int(before.sum()),
            20.0 * before.sum(),
            0,
        ),
        notes=[],
    )


# ------------------------------------------------------------------------------------------ scoring


def wilson(hits: int, n: int, z: float = 1.645) -> tuple[float, float]:
    """A 90% interval of a proportion (Wilson)."""
    if not n:
        return (math.nan, math.nan)
    phat = hits / n
    centre = (phat + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def naive_draws(s: Seller, h: int, rng, draws: int = 2000) -> np.ndarray:
    """'The recent rate continues': positives of the latest min(28, age) days, per day, times h (Poisson)."""
    w = min(28, s.age)
    recent = (s.feedback > s.cut - w) & (s.feedback <= s.cut) & (s.rating >= 4)
    return rng.poisson(recent.sum() / w * h, draws)


def score_seller(s: Seller, seed: int) -> tuple[list[dict], dict | None, dict]:
    history, fb, ctx = history_at(s), feedback_at(s), context_at(s)
    result = forecast_from(history, fb, ctx, seed=seed)
    worlds = result.worlds
    rng = np.random.default_rng(seed + 7)
    placed = s.purchase <= s.cut
    positive = s.rating >= 4
    known_pos = int((positive & (s.feedback >= 0) & (s.feedback <= s.cut)).sum())
    rows = []
    for target, draws in (("total", worlds.total), ("placed", worlds.existing)):
        for h in HORIZONS:
            came = positive & (s.feedback > s.cut) & (s.feedback <= s.cut + h)
            actual = int((came & (placed if target == "placed" else True)).sum())
            sample = draws[:, h - 1]
            lo, mid, hi = model.count_quantiles(sample)
            naive = naive_draws(s, h, rng)
            rows.append(
                {
                    "target": target,
                    "h": h,
                    "actual": actual,
                    "lo": lo,
                    "mid": mid,
                    "hi": hi,
                    "crps": model.crps(sample, actual),
                    "naive_crps": model.crps(naive, actual),
                    "rel": (mid - actual) / max(actual, 1),
                }
            )
    # the release: the day the positives since the hold reach the default target, capped at 90 days
    need = result.result["feedback_needed"]
    since = np.sort(s.feedback[positive & (s.feedback >= s.hold)])
    cap = s.hold + 90
    release = None
    if not (since[since <= s.cut].size >= need):
        true_day = int(since[need - 1]) if since.size >= need else cap
        true_day = min(true_day, cap)
        days = worlds.release - EPOCH
        lo, mid, hi = model.quantiles(days)
        release = {
            "actual": true_day,
            "lo": int(lo),
            "mid": int(mid),
            "hi": int(hi),
            "capped": true_day == cap,
        }
    m = result.result["model"]
    about = {
        "known_pos": known_pos,
        "p_in": m["feedback_rate_p10"] <= s.p <= m["feedback_rate_p90"],
        "p_ratio": m["feedback_rate"] / s.p,
        "pace_ratio": m["future_orders_per_day"] / s.pace,
        "lag": m["lag_median_days"],
    }
    return rows, release, about


# ------------------------------------------------------------------------------------------ tables


def segments(s: Seller, about: dict) -> list[str]:
    out = ["all"]
    if s.age < 30:
        out.append("age < 30 d")
    if 10 <= s.age < 20:
        out.append("age 10-19 d")
    if s.age >= 90:
        out.append("age 90+ d")
    if s.delay_median >= 8:
        out.append("delay median 8+ d")
    if s.pace >= 50:
        out.append("large (50-200/day)")
    if s.pace < 15:
        out.append("small (5-15/day)")
    if about["known_pos"] == 0:
        out.append("no positive yet")
    if s.drift:
        out.append("drifting p, q, delay")
    out.append(f"market {s.market}")
    return out


def _cov_cells(hits: int, below: int, above: int, n: int) -> str:
    lo, hi = wilson(hits, n)
    return f"{n:>5} {hits / n:>6.0%} [{lo:.0%}-{hi:.0%}] {below / n:>6.0%} {above / n:>6.0%}"


def count_table(records: list[tuple[list[str], dict]], title: str) -> str:
    head = (
        f"{title:<24} {'n':>5} {'cover':>6} {'90% CI':>9} {'below':>6} {'above':>6}"
        f" {'p50 err':>8} {'CRPS':>7} {'naive':>7} {'ratio':>6}"
    )
    lines = [head]
    names = ["all"] + [f"horizon {h} d" for h in HORIZONS]
    extra = []
    for segs, _ in records:
        for x in segs:
            if x != "all" and x not in extra:
                extra.append(x)
    order = ["age < 30 d", "age 10-19 d", "age 90+ d", "delay median 8+ d", "large (50-200/day)", "small (5-15/day)", "no positive yet", "drifting p, q, delay", "market UK", "market US", "market DE"]  # fmt: skip
    names += [x for x in order if x in extra]
    for name in names:
        if name.startswith("horizon"):
            h = int(name.split()[1])
            got = [r for segs, r in records if r["h"] == h]
        else:
            got = [r for segs, r in records if name in segs]
        if not got:
            continue
        n = len(got)
        hits = sum(r["lo"] <= r["actual"] <= r["hi"] for r in got)
        below = sum(r["actual"] < r["lo"] for r in got)
        above = sum(r["actual"] > r["hi"] for r in got)
        rel = float(np.median([r["rel"] for r in got]))
        c, nc = np.mean([r["crps"] for r in got]), np.mean([r["naive_crps"] for r in got])
        lines.append(
            f"{name:<24} {_cov_cells(hits, below, above, n)} {rel:>+8.0%} {c:>7.2f} {nc:>7.2f} {c / nc:>6.2f}"
        )
    # CRPS against the naive forecast, per horizon, at 14 days and beyond
    return "\n".join(lines)


def release_table(records: list[tuple[object, dict]]) -> str:
    lines = [
        f"{'release date, 80% band':<24} {'n':>5} {'cover':>6} {'90% CI':>9} {'late':>6} {'early':>6}"
        f" {'p50-truth':>10} {'|err|':>6}"
    ]
    groups = {
        "all": lambda s, r: True,
        "age < 30 d": lambda s, r: s.age < 30,
        "age 10-19 d": lambda s, r: 10 <= s.age < 20,
        "age 30+ d": lambda s, r: s.age >= 30,
        "truth before the cap": lambda s, r: not r["capped"],
        "drifting p, q, delay": lambda s, r: s.drift,
    }
    for name, keep in groups.items():
        got = [r for s, r in records if keep(s, r)]
        if not got:
            continue
        n = len(got)
        hits = sum(r["lo"] <= r["actual"] <= r["hi"] for r in got)
        # the band too late (truth before p10) / too early (truth after p90)
        early = sum(r["actual"] > r["hi"] for r in got)
        late = sum(r["actual"] < r["lo"] for r in got)
        err = [r["mid"] - r["actual"] for r in got]
        lines.append(
            f"{name:<24} {_cov_cells(hits, late, early, n)} {float(np.median(err)):>+10.1f}"
            f" {float(np.median(np.abs(err))):>6.1f}"
        )
    lines.append("(late: the truth came before the band's p10; early: after its p90. p50-truth in days.)")
    return "\n".join(lines)


def simulated(n_sellers: int, seeds: list[int]) -> str:
    counts, releases, abouts = [], [], []
    start = time.perf_counter()
    for seed in seeds:
        rng = np.random.default_rng(seed)
        for i in range(n_sellers):
            s = make_seller(rng, f"{seed}-{i}")
            rows, release, about = score_seller(s, seed * 1000 + i)
            segs = segments(s, about)
            counts += [(segs, r) for r in rows]
            abouts.append((s, about))
            if release is not None:
                releases.append((s, release))
    took = time.perf_counter() - start
    n = len(abouts)
    young = sum(s.age < 30 for s, _ in abouts)
    p_in = np.mean([a["p_in"] for _, a in abouts])
    pace = np.median([a["pace_ratio"] for s, a in abouts if s.age < 30])
    pace_old = np.median([a["pace_ratio"] for s, a in abouts if s.age >= 30])
    out = [
        f"Simulated sellers: {n} ({n_sellers} a seed, seeds {', '.join(map(str, seeds))}; {young} under 30 days"
        f" old), {took:.0f} s",
        "",
        "New positive feedback in the next 7-60 days, from every order (placed and still to come): the 80% band",
        count_table([(g, r) for g, r in counts if r["target"] == "total"], "segment"),
        "",
        "New positive feedback from the orders placed by the cut (what `velocity backtest` checks)",
        count_table([(g, r) for g, r in counts if r["target"] == "placed"], "segment"),
        "(cover: actual within p10-p90 [90% interval]; below/above: under p10/over p90; p50 err: median"
        " (p50-actual)/actual; CRPS and the naive forecast's, 'the recent rate continues', and their ratio)",
        "",
        release_table(releases),
        "",
        f"feedback rate p: its 80% interval held the truth {p_in:.0%}; future pace / true pace (median):"
        f" {pace:.2f} under 30 days old, {pace_old:.2f} older",
    ]
    return "\n".join(out)


# ------------------------------------------------------------------------------------------ Olist


def olist(step: int = 14) -> str:
    from olist import OLIST, write_exports

    from velocity.forecast.backtest import backtest
    from velocity.forecast.history import load

    if not OLIST.is_dir():
        return f"Olist: not at {OLIST}, skipped"
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "olist.duckdb"
        with velocity.open(db, write=True, create=True) as v:
            results = v.import_paths(write_exports(Path(tmp)))
            assert all(r.status == "imported" for r in results), [r.error for r in results]
        with velocity.open(db) as v:
            ctx = v.context(as_of="2018-08-31")
            r = backtest(v.store, ctx, step=step, horizons=(14, 30, 60))
            history = load(v.store, ctx)
    positive = history.rating >= 4
    rng = np.random.default_rng(0)
    lines = [
        f"Olist real timing: cut-offs every {step} days from {r['first_cutoff']} to {r['last_cutoff']}, as of 2018-08-31",
        f"{'horizon':<24} {'n':>5} {'cover':>6} {'90% CI':>9} {'below':>6} {'above':>6} {'CRPS':>7} {'naive':>7} {'ratio':>6}",
    ]
    for h in (14, 30, 60):
        got = [c for c in r["cutoffs"] if c["horizon_days"] == h]
        n = len(got)
        hits = sum(c["p10"] <= c["actual"] <= c["p90"] for c in got)
        below = sum(c["actual"] < c["p10"] for c in got)
        above = sum(c["actual"] > c["p90"] for c in got)
        naive = []
        for c in got:
            cut = to_day(date.fromisoformat(c["cutoff"]))
            first = int(history.purchase.min())
            w = min(28, cut - first + 1)
            recent = positive & (history.feedback > cut - w) & (history.feedback <= cut)
            naive.append(model.crps(rng.poisson(history.count[recent].sum() / w * h, 2000), c["actual"]))
        crps = float(np.mean([c["crps"] for c in got]))
        lines.append(
            f"{'horizon ' + str(h) + ' d':<24} {_cov_cells(hits, below, above, n)} {crps:>7.2f}"
            f" {np.mean(naive):>7.2f} {crps / np.mean(naive):>6.2f}"
        )
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ end to end

FEEDBACK_DATE = {"UK": "{d.day}/{d.month}/{d:%y}", "US": "{d.month}/{d.day}/{d:%y}", "DE": "{d.day}.{d.month}.{d:%y}"}  # fmt: skip
ORDERS_HEADER = (
    "amazon-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\tsales-channel\t"
    "sku\titem-status\tquantity\tcurrency\titem-price"
)


def end_to_end(seed: int = 99) -> str:
    """Three sellers written as All Orders (delivery assumed) and Feedback files, imported, forecast through
    velocity.open(): the store's History must equal the one built here and the forecasts must agree."""
    from velocity.forecast.history import feedback, load

    rng = np.random.default_rng(seed)
    lines = []
    for market in ("UK", "US", "DE"):
        while True:
            s = make_seller(rng, f"e2e-{market}")
            if s.market == market and s.age <= 60 and s.pace <= 40:
                break
        s.estimated[:] = False  # All Orders alone: every delivery assumed
        for ch, flag in (("fba", True), ("mfn", False)):
            e, lat = ASSUMED[market][ch]
            s.earliest[s.fba == flag] = s.purchase[s.fba == flag] + e
            s.latest[s.fba == flag] = s.purchase[s.fba == flag] + lat
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            keep = s.purchase <= s.cut
            ids = [
                f"{(202, 111, 302)[('UK', 'US', 'DE').index(market)]}-{i:07d}-{(i * 7919) % 10_000_000:07d}"
                for i in range(s.purchase.size)
            ]
            orders = [ORDERS_HEADER]
            fb_lines = ["Date\tRating\tComments\tYour Response\tOrder ID\tRater Email"]
            for i in np.flatnonzero(keep).tolist():
                ts = f"{from_day(s.purchase[i] + EPOCH).isoformat()}T12:00:00+00:00"
                channel = "Amazon" if s.fba[i] else "Merchant"
                orders.append("\t".join([ids[i], ts, ts, "Shipped", channel, CHANNEL[market], "SKU-1", "Shipped", "1", CURRENCY[market], "20.00"]))  # fmt: skip
                if 0 <= s.feedback[i] <= s.cut:
                    d = from_day(s.feedback[i] + EPOCH)
                    fb_lines.append(f"{FEEDBACK_DATE[market].format(d=d)}\t{s.rating[i]}\t\t\t{ids[i]}\tb{i}@marketplace.amazon.com")  # fmt: skip
            (folder / "orders.txt").write_text("\n".join(orders) + "\n", encoding="utf-8")
            paths = [folder / "orders.txt"]
            if len(fb_lines) > 1:
                (folder / "feedback.txt").write_text("\n".join(fb_lines) + "\n", encoding="utf-8")
                paths.append(folder / "feedback.txt")
            db = folder / "v.duckdb"
            with velocity.open(db, write=True, create=True) as v:
                results = v.import_paths(paths)
                assert all(r.status == "imported" for r in results), [r.error for r in results]
            as_of = from_day(s.cut + EPOCH)
            hold = from_day(s.hold + EPOCH)
            with velocity.open(db) as v:
                ctx = v.context(as_of=as_of.isoformat(), hold_date=hold.isoformat())
                stored = load(v.store, ctx)
                fb_store = feedback(v.store, ctx)
                answer = v.forecast(as_of=as_of.isoformat(), hold_date=hold.isoformat()).data
        mine = history_at(s)
        same = all(
            np.array_equal(
                getattr(mine, k)[np.lexsort(_keys(mine))], getattr(stored, k)[np.lexsort(_keys(stored))]
            )
            for k in ("purchase", "earliest", "latest", "feedback", "rating", "count")
        )
        ours = forecast_from(mine, feedback_at(s), context_at(s)).result
        agree = ours["release"] == answer["release"] and ours["model"] == answer["model"]
        lines.append(
            f"end to end {market}: {s.age} days, {int(keep.sum())} orders, source {fb_store.source}: history"
            f" {'equal' if same else 'DIFFERS'}, target {answer['feedback_needed']} vs {ours['feedback_needed']},"
            f" release {answer['release']['p50']} vs {ours['release']['p50']}: {'same' if agree and same else 'DIFFERENT'}"
        )
    return "\n".join(lines)


def _keys(h: History):
    return (h.rating, h.feedback, h.latest, h.earliest, h.purchase)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sellers", type=int, default=160, help="simulated sellers per seed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--no-olist", action="store_true")
    parser.add_argument("--no-e2e", action="store_true")
    args = parser.parse_args()
    if not args.no_e2e:
        print(end_to_end(), flush=True)
        print(flush=True)
    print(simulated(args.sellers, args.seeds), flush=True)
    if not args.no_olist:
        print()
        print(olist())


if __name__ == "__main__":
    main()
