"""How held money comes back under each reserve policy (DOMAIN.md), per simulated world: the amount held on
the day the forecast starts and the money made available on each day after it.

    review     everything from the hold's start, until positive feedback reaches the target (at most 90 days)
    dd7, dd14  each order's money 7 or 14 days after its (latest estimated) delivery: the day
               queries/answers/order_release gives, the one velocity payouts reads
    rolling7   a reserve of the preceding 7 days' sales (rolling28: 28 days)
    sale14     each order's money 14 days after the sale
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from velocity.forecast.history import History

POLICIES = ("review", "dd7", "dd14", "rolling7", "rolling28", "sale14")
PACE_DAYS = 28  # the value of an order to come: the latest 28 days' (its pace: run.future_pace)
WORDS = {
    "review": "everything held until the feedback target is met, at most 90 days",
    "dd7": "DD+7: each order's money 7 days after its delivery",
    "dd14": "DD+14: each order's money 14 days after its delivery",
    "rolling7": "rolling reserve of the preceding 7 days' sales",
    "rolling28": "rolling reserve of the preceding 28 days' sales",
    "sale14": "14 days after each sale",
}


def weighted_median(values: np.ndarray, weights: np.ndarray, default: int) -> int:
    if not weights.sum():
        return default
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    return int(values[order][np.searchsorted(cum, cum[-1] / 2)])


@dataclass(frozen=True)
class Released:
    """Money made available on each day start+1..end (cumulative, per draw), the amount held on the start
    day under the policy, and the day (per draw) by which that amount is all released."""

    cumulative: np.ndarray  # (draws, days)
    held_now: float
    done: np.ndarray  # (draws,)


def released(
    policy: str,
    history: History,
    orders_per_day: np.ndarray,
    start: int,
    end: int,
    release: np.ndarray,
    held: float,
    orders_through: int | None = None,
) -> Released:
    """The policy's money from `start` (the day the data runs through) to `end`, per draw. `release`: the day
    the review ends in each draw; `held`: what a review holds on the start day (the settlements' figure);
    `orders_through`: the order downloads' last day (the pace of an order's value is measured to it)."""
    days = np.arange(start + 1, end + 1)
    recent = history.purchase > (start if orders_through is None else orders_through) - PACE_DAYS
    sold = int(history.count[recent].sum())
    per_order = float(history.value[recent].sum()) / sold if sold else 0.0
    pace = orders_per_day[:, None] * per_order  # future sales a day, per draw
    draws = orders_per_day.size
    if policy == "review":
        # everything from the hold start is held; at release the held sum and the sales since then come back
        since = np.clip(release, start, end) - start
        amount = held + pace[:, 0] * since
        return Released(np.where(days[None, :] >= release[:, None], amount[:, None], 0.0), held, release)
    if policy in ("dd7", "dd14", "sale14"):
        lag = {"dd7": 7, "dd14": 14, "sale14": 14}[policy]
        free = history.purchase + lag if policy == "sale14" else history.release_day(lag)
        waiting = free > start
        held_now = float(history.value[waiting].sum())
        paid = np.cumsum(
            np.bincount(
                np.clip(free[waiting] - start - 1, 0, None),
                weights=history.value[waiting],
                minlength=days.size,
            )[: days.size]
        )
        span = history.latest - history.purchase
        transit = 0 if policy == "sale14" else weighted_median(span[recent], history.count[recent], 3)
        cohorts = np.maximum(0, days - start - transit - lag)  # future days whose money is free by then
        total = paid[None, :] + pace * cohorts[None, :]
        owed = waiting & (history.value > 0)
        done = int(free[owed].max()) if owed.any() else start
        return Released(total, held_now, np.full(draws, done))
    width = {"rolling7": 7, "rolling28": 28}[policy]
    inside = history.purchase > start - width
    daily = np.bincount(
        np.clip(history.purchase - (start - width + 1), 0, None)[inside],
        weights=history.value[inside],
        minlength=width,
    )[:width]
    held_now = float(daily.sum())
    # reserve on day t: the sales of (t - width, t]; released by t = reserve(start) + sales(start, t] - reserve(t)
    k = days - start  # 1..
    suffix = np.concatenate([np.cumsum(daily[::-1])[::-1], [0.0]])  # old sales still inside the window
    known_left = suffix[np.minimum(k, width)]
    new_inside = np.minimum(k, width)
    total = held_now + pace * k[None, :] - (known_left[None, :] + pace * new_inside[None, :])
    return Released(total, held_now, np.full(draws, start + width))
