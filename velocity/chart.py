"""Terminal charts (plotext), drawn from the plain data the core returns: never a figure of their own.

Read at a glance, in colour or not (NO_COLOR): each series has its own marker (the 80% band a shaded area,
the median a line of dots, the target a double line, the cap a dotted one); the legend is a line of text
under the frame, so it never covers the data; money reads 12k, not 1.2e4; dates carry the year when the
range crosses one. Kept apart from velocity.render so that the core and the text output never import plotext.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

BAND, MEDIAN, BARS, PACE = "░", "•", "▒", "•"
SALES_DAYS = (
    182  # the sales chart shows the latest 26 weeks: drawing stays linear in what a terminal can show
)


def _figure(width: int, height: int):
    import plotext as plt

    fig = plt.figure
    fig.clear()
    plt.terminal.limit(False, False)
    fig.plot_size(width, height)
    fig.legend(active=False)
    return fig


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """0 and round steps up to at least `top`: 0, 5k, 10k, 15k ..."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [step * i for i in range(math.ceil(top / step) + 1)]


def plain(value: float) -> str:
    """A figure as people write it on an axis: 850, 12k, 1.5k, 2.1m."""
    if abs(value) >= 1e6:
        text = f"{value / 1e6:.1f}".rstrip("0").rstrip(".") + "m"
    elif abs(value) >= 1e3:
        text = f"{value / 1e3:.1f}".rstrip("0").rstrip(".") + "k"
    else:
        text = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    return text


def _y_axis(fig, top: float) -> None:
    ticks = nice_ticks(top)
    fig.ruler(axis=1).lim(0, ticks[-1])
    fig.ruler(axis=1).ticks(ticks, [plain(t) for t in ticks])


def _day_labels(days: list[date]) -> list[str]:
    crosses = days[0].year != days[-1].year
    return [d.isoformat() if crosses else d.strftime("%d %b") for d in days]


def _x_axis(fig, first: date, n: int, step: int) -> None:
    ticks = list(range(0, n, step))
    fig.ruler(axis=0).ticks(ticks, _day_labels([first + timedelta(days=t) for t in ticks]))


def _legend(items: list[tuple[str, str]], width: int) -> str:
    """The legend as text under the chart: marker and words, wrapped to the width."""
    lines, current = [], ""
    for marker, words in items:
        entry = f"{marker} {words}"
        if current and len(current) + 3 + len(entry) > width:
            lines.append(current)
            current = entry
        else:
            current = f"{current}   {entry}" if current else entry
    lines.append(current)
    return "\n".join(" " + line for line in lines)


def _fine(x: list[float], y: list[float], per_unit: int) -> tuple[list[float], list[float]]:
    """The series at `per_unit` points per day (linear between days), so a filled band has a point in
    every column of the terminal."""
    if len(x) < 2 or per_unit <= 1:
        return list(x), list(y)
    fx, fy = [], []
    for (x0, y0), (x1, y1) in zip(zip(x, y, strict=True), zip(x[1:], y[1:], strict=True), strict=False):
        for k in range(per_unit):
            fx.append(x0 + (x1 - x0) * k / per_unit)
            fy.append(y0 + (y1 - y0) * k / per_unit)
    return [*fx, x[-1]], [*fy, y[-1]]


def _band(fig, x: list[int], low: list[float], high: list[float], width: int) -> None:
    """The 80% band as a shaded area between p10 and p90."""
    per = max(1, math.ceil(width / max(len(x) - 1, 1)))
    fx, hi = _fine(x, high, per)
    _, lo = _fine(x, low, per)
    fig.draw(fig.signal(fx, hi, marker=BAND).fill(fig.signal(fx, lo, marker=BAND)).density("full"))
    fig.draw(fig.signal(fx, lo, marker=BAND).lines().density("full"))


def _line(fig, x: list[float], y: list[float], marker: str) -> None:
    fig.draw(fig.signal(x, y, marker=marker).lines().density("full"))


def sales_chart(result: dict, *, width: int = 100, height: int = 24, colour: bool = False) -> str:
    """Daily sales as shaded bars, the 28-day pace (a day) as a line of dots, the rise and the hold marked
    (the latest 26 weeks of a longer history)."""
    days = result["daily"][-SALES_DAYS:]
    shown_from = len(result["daily"]) - len(days)
    fig = _figure(width, height - 2)
    x = list(range(len(days)))
    sales = [d["sales"] for d in days]
    pace = [d["sales_28d"] / min(result["window_days"], shown_from + i + 1) for i, d in enumerate(days)]
    fig.draw(fig.bar(x, sales, marker=BARS))
    _line(fig, x, pace, PACE)
    legend = [(BARS, "sales a day"), (PACE, "28-day pace, a day")]
    first = date.fromisoformat(days[0]["date"])
    for name, when, style, mark in (
        ("rise", result["trigger"]["rise_start"], "dotted", "┊"),
        ("hold", result["hold"]["start"], "double", "║"),
    ):
        at = (date.fromisoformat(when) - first).days if when is not None else -1
        if 0 <= at < len(days):
            fig.line(at, orientation="v", style=style)
            legend.append((mark, f"{name} {when}"))
    _y_axis(fig, max(sales + pace + [1.0]))
    _x_axis(fig, first, len(days), 7 if len(days) <= 70 else 14)
    held = result["hold"]["held_amount"]
    title = f"{result['currency']} sales a day to {days[-1]['date']}"
    if held is not None:
        title += f"; {held:,.2f} {result['hold']['held_currency']} held"
    fig.title(title)
    return fig.build().string(colorless=not colour) + "\n" + _legend(legend, width)


def forecast_chart(result: dict, *, width: int = 100, height: int = 24, colour: bool = False) -> str:
    """Two panels: positive feedback since the hold (known at the data's end, then the forecast median and
    its 80% band) against the target, the 90-day cap marked; below, the money released (median, band)."""
    start = date.fromisoformat(result["daily"][0]["date"]) - timedelta(days=1)
    late = (date.fromisoformat(result["feedback_release"]["p90"]) - start).days
    daily = result["daily"][: max(21, late + 10)]
    n = len(daily)
    known = result["positive_since_hold"]
    x = list(range(n + 1))
    top_height = max(12, (height * 3) // 5)
    fig = _figure(width, top_height - 2)
    total = [d["positive_total"] for d in daily]
    _band(
        fig,
        x,
        [known, *(known + t["p10"] for t in total)],
        [known, *(known + t["p90"] for t in total)],
        width,
    )
    _line(fig, x, [known, *(known + t["p50"] for t in total)], MEDIAN)
    need = result["feedback_needed"]
    fig.line(need, orientation="h", style="double")
    legend = [(MEDIAN, "likely (p50)"), (BAND, "80% band (p10-p90)"), ("═", f"target {need}")]
    cap = (date.fromisoformat(result["hold"]["cap_date"]) - start).days
    if 0 < cap <= n:
        fig.line(cap, orientation="v", style="dotted")
        legend.append(("┊", f"90-day cap {result['hold']['cap_date']}"))
    _y_axis(fig, max(need, known + total[-1]["p90"], 1))
    _x_axis(fig, start, n + 1, 7 if n <= 42 else 14)
    since = "since the hold" if result["hold"]["start"] else "from now"
    fig.title(f"positive feedback {since}: {known} on {start.isoformat()}, then the forecast")
    feedback = fig.build().string(colorless=not colour) + "\n" + _legend(legend, width)

    fig = _figure(width, max(8, height - top_height - 2))
    money = [d["released_amount"] for d in daily]
    _band(fig, x, [0.0, *(m["p10"] for m in money)], [0.0, *(m["p90"] for m in money)], width)
    _line(fig, x, [0.0, *(m["p50"] for m in money)], MEDIAN)
    if 0 < cap <= n:
        fig.line(cap, orientation="v", style="dotted")
    _y_axis(fig, max(money[-1]["p90"], 1.0))
    _x_axis(fig, start, n + 1, 7 if n <= 42 else 14)
    fig.title(
        f"{result['currency']} released after {start.isoformat()} (policy {result['policy']}), {MEDIAN} likely, {BAND} 80%"
    )
    return feedback + "\n\n" + fig.build().string(colorless=not colour)


def payouts_chart(result: dict, *, width: int = 100, height: int = 20, colour: bool = False) -> str:
    """The deferred money still to come, added up day by day: the median as dots in its 80% band (the band
    is the delivery days' uncertainty); the held reserve is said in the title, as it comes with the review's
    end, not on a day."""
    days = result["calendar"]
    first = date.fromisoformat(days[0]["date"]) - timedelta(days=1)
    x = list(range(len(days) + 1))
    fig = _figure(width, height - 2)
    cum = [d["cumulative"] for d in days]
    _band(fig, x, [0.0, *(c["p10"] for c in cum)], [0.0, *(c["p90"] for c in cum)], width)
    _line(fig, x, [0.0, *(c["p50"] for c in cum)], MEDIAN)
    _y_axis(fig, max(cum[-1]["p90"], 1.0))
    _x_axis(fig, first, len(x), 7 if len(x) <= 42 else 14)
    held = result["summary"]["held_reserve"]
    title = f"{result['currency']} deferred money coming after {first.isoformat()}"
    if held:
        title += f"; {held:,.2f} more held by the review reserve"
    fig.title(title)
    legend = [(MEDIAN, "likely (p50), added up"), (BAND, "80% band (delivery days estimated)")]
    return fig.build().string(colorless=not colour) + "\n" + _legend(legend, width)
