"""How far to trust the forecast (``velocity backtest``): cut the seller's own history at past dates, forecast
the new positive feedback from the orders placed by then, and compare with what arrived.

Returns plain data; never prints.
"""

from __future__ import annotations

import numpy as np

from velocity import model
from velocity.context import Context
from velocity.errors import ExitCode, VelocityError
from velocity.forecast.history import feedback, from_day, load, to_day
from velocity.forecast.run import fit, placed_arrivals
from velocity.store import Store

HORIZONS = (7, 14, 30, 60)
MAX_CUTOFFS = 80
FIRST_DAYS = 7  # days of orders at the first cut-off: a seller 14 days old has one, at 7 days
FEW_CUTOFFS = 8  # fewer cut-offs than this: say the figures are rough


def coverage(hits: int, n: int, z: float = 1.645) -> tuple[float, float]:
    """A 90% interval of a coverage share (Wilson): how far `hits` out of `n` pins the real one down."""
    if not n:
        return (0.0, 1.0)
    share = hits / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, float(centre - half)), min(1.0, float(centre + half))


def _summary(rows: list[dict]) -> dict:
    n = len(rows)
    hits = sum(r["p10"] <= r["actual"] <= r["p90"] for r in rows)
    lo, hi = coverage(hits, n)
    return {
        "cutoffs": n,
        "coverage_80": round(hits / n, 4),
        "coverage_interval_90": [round(lo, 4), round(hi, 4)],
        "below_band": round(sum(r["actual"] < r["p10"] for r in rows) / n, 4),
        "above_band": round(sum(r["actual"] > r["p90"] for r in rows) / n, 4),
        "crps": round(float(np.mean([r["crps"] for r in rows])), 4),
        "mean_abs_error": round(float(np.mean([abs(r["actual"] - r["p50"]) for r in rows])), 4),
        "mean_actual": round(float(np.mean([r["actual"] for r in rows])), 4),
    }


def backtest(
    store: Store,
    ctx: Context,
    *,
    step: int = 7,
    horizons: tuple[int, ...] = HORIZONS,
    draws: int = 500,
    seed: int = 0,
) -> dict:
    """Rolling-origin backtest of positive_existing: cut the history at past dates, forecast the new positive
    feedback from the orders placed by then as `velocity forecast` would have on that day (the same fit and
    arrivals, from what was known then), compare with what arrived (the ``velocity backtest`` contract)."""
    if step < 1:
        raise VelocityError("--step must be at least 1 day", "", ExitCode.USAGE)
    rng = np.random.default_rng(seed)
    notes = list(ctx.notes)
    history = load(store, ctx)
    fb = feedback(store, ctx)
    if fb.source != "feedback_rows":
        raise VelocityError(
            "a backtest needs per-order feedback rows with every rating (1-5 stars), and the store has "
            + ("Feedback Manager counts only" if fb.source == "rating_table" else "no positive rows"),
            "import a feedback file that lists positive feedback too (older downloads or a copy of the "
            "Feedback Manager list)",
        )
    today = to_day(ctx.data_through)
    orders = history.orders
    first = int(orders.purchase.min()) + FIRST_DAYS
    last = today - min(horizons)
    cuts = list(range(last, first - 1, -step))[::-1]
    if not cuts:
        raise VelocityError(
            f"too little history for a backtest: {today - int(orders.purchase.min()) + 1} days",
            f"a backtest needs at least {FIRST_DAYS + min(horizons)} days of orders",
        )
    if len(cuts) > MAX_CUTOFFS:
        cuts = cuts[-MAX_CUTOFFS:]
        notes.append(f"the latest {MAX_CUTOFFS} cut-offs, {step} days apart")
    positive = orders.rating >= 4
    rows = []
    for cut in cuts:  # one fit per cut-off, on what was known then
        known = history.cut(cut)
        fb_then = known.feedback_rows(cut)
        post = fit(known, fb_then, draws, rng)
        reach = [h for h in horizons if cut + h <= today]
        expected, phi = placed_arrivals(known, fb_then, post, cut, max(reach))
        daily = rng.poisson(expected * model.shocks(rng, phi, expected.shape))
        paths = np.cumsum(daily, axis=1)
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
    if len(cuts) < FEW_CUTOFFS:
        notes.append(
            f"only {len(cuts)} cut-off{'s' if len(cuts) > 1 else ''}: your history is short, so these figures"
            " are rough (see the 90% interval of the coverage)"
        )
    summary = []
    for h in horizons:
        got = [r for r in rows if r["horizon_days"] == h]
        if got:
            summary.append({"horizon_days": h, **_summary(got)})
    return {
        **ctx.as_dict(),
        "target": "positive_existing",
        "step_days": step,
        "first_cutoff": rows[0]["cutoff"],
        "last_cutoff": rows[-1]["cutoff"],
        "horizons": summary,
        "pooled": _summary(rows),
        "cutoffs": rows,
        "notes": notes,
    }
