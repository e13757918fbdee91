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
