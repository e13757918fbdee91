"""Terminal charts (plotext), drawn from the plain data the core returns: never a figure of their own.

Kept apart from velocity.render so that the core and the text output never import plotext.
"""

from __future__ import annotations

from datetime import date


def sales_chart(result: dict, *, width: int = 100, height: int = 24, colour: bool = False) -> str:
    """Daily sales as bars, the 28-day pace (per day) as a line, the rise and the hold marked."""
    import plotext as plt

    days = result["daily"]
    fig = plt.figure
    fig.clear()
    plt.terminal.limit(False, False)
    fig.plot_size(width, height)
    x = list(range(len(days)))
    pace = [d["sales_28d"] / min(result["window_days"], i + 1) for i, d in enumerate(days)]
    # light bars, so that the 28-day pace line drawn over them stays visible
    fig.draw(fig.bar(x, [d["sales"] for d in days], marker="░").label("sales a day"))
    fig.draw(fig.signal(x, pace).label("28-day pace, a day"))
    first = date.fromisoformat(days[0]["date"])
    top = max([d["sales"] for d in days] + pace + [1.0])
    for label, when in (("rise", result["trigger"]["rise_start"]), ("hold", result["hold"]["start"])):
        at = (date.fromisoformat(when) - first).days if when is not None else -1
        if 0 <= at < len(days):  # a vertical mark in data coordinates, named in the legend
            fig.draw(fig.segment((at, at), (0, top)).label(f"{label} {when}"))
    ticks = list(range(len(days) - 1, -1, -7))[::-1]
    fig.ruler(axis=0).ticks(ticks, [days[i]["date"][5:] for i in ticks])
    held = result["hold"]["held_amount"]
    title = f"{result['currency']} sales a day to {result['as_of']}"
    if held is not None:
        title += f"; {held:,.2f} {result['hold']['held_currency']} held"
    fig.title(title)
    return fig.build().string(colorless=not colour)


def _days_axis(fig, result: dict, n: int) -> None:
    ticks = list(range(0, n + 1, 7 if n <= 42 else 14))
    daily = result["daily"]
    fig.ruler(axis=0).ticks(ticks, [result["as_of"][5:]] + [daily[i - 1]["date"][5:] for i in ticks[1:]])


def _cap_mark(fig, result: dict, n: int, top: float) -> None:
    first = date.fromisoformat(result["daily"][0]["date"])
    cap = (date.fromisoformat(result["hold"]["cap_date"]) - first).days + 1
    if 0 < cap <= n:
        fig.draw(fig.segment((cap, cap), (0, top)).label(f"90-day cap {result['hold']['cap_date']}"))


def _new_figure(width: int, height: int):
    import plotext as plt

    fig = plt.figure
    fig.clear()
    plt.terminal.limit(False, False)
    fig.plot_size(width, height)
    return fig


def forecast_chart(result: dict, *, width: int = 100, height: int = 24, colour: bool = False) -> str:
    """Two panels: positive feedback since the hold (known on the as-of day, then the forecast median and
    80% band), the target as a line and the 90-day cap as a mark; below, the money released (median, band)."""
    # to a week or more past the late release (at least three weeks): the cap may be months away
    late = (date.fromisoformat(result["feedback_release"]["p90"]) - date.fromisoformat(result["as_of"])).days
    daily = result["daily"][: max(21, late + 10)]
    n = len(daily)
    known = result["positive_since_hold"]
    x = list(range(n + 1))
    fig = _new_figure(width, height)
    total = [d["positive_total"] for d in daily]
    for key, label in (("p90", "late (p90)"), ("p50", "likely (p50)"), ("p10", "early (p10)")):
        fig.draw(fig.signal(x, [known, *(known + t[key] for t in total)]).label(label))
    need = result["feedback_needed"]
    fig.draw(fig.segment((0, n), (need, need)).label(f"target {need}"))
    _cap_mark(fig, result, n, max(need, known + total[-1]["p90"], 1))
    fig.legend(x=width - 12, y=height - 5, ha="right", va="bottom")  # rising lines leave that corner free
    _days_axis(fig, result, n)
    since = "since the hold" if result["hold"]["start"] else "from now"
    cap = result["hold"]["cap_date"]
    fig.title(f"positive feedback {since}: {known} on {result['as_of']}, then the forecast (cap {cap})")
    feedback = fig.build().string(colorless=not colour)

    fig = _new_figure(width, max(10, height // 2))
    money = [d["released_amount"] for d in daily]
    for key, label in (("p90", "p90"), ("p50", "median"), ("p10", "p10")):
        fig.draw(fig.signal(x, [0.0, *(m[key] for m in money)]).label(label))
    _cap_mark(fig, result, n, max(money[-1]["p90"], 1.0))
    _days_axis(fig, result, n)
    fig.title(f"{result['currency']} released after {result['as_of']} (policy {result['policy']})")
    return feedback + "\n" + fig.build().string(colorless=not colour)
