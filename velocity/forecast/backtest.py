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
from velocity.store import Store

HORIZONS = (7, 14, 30)
MAX_CUTOFFS = 80


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
    feedback from the orders placed by then, compare with what arrived (the ``velocity backtest`` contract)."""
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
        **ctx.as_dict(),
        "target": "positive_existing",
        "step_days": step,
        "first_cutoff": rows[0]["cutoff"],
        "last_cutoff": rows[-1]["cutoff"],
        "horizons": summary,
        "cutoffs": rows,
        "notes": notes,
    }
