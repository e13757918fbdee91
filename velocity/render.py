"""Plain-text rendering of core results for people: fixed layouts, no colour, no terminal queries.

Takes the dicts and dataclasses the core returns; never computes a figure of its own.
"""

from __future__ import annotations

from pathlib import Path

from velocity.ingest import FileResult


def import_line(r: FileResult) -> str:
    """One line per file: what it was, and what the store made of it."""
    name = Path(r.path).name
    if r.status == "error":
        return f"velocity: error: {r.error}" + (f"\n  hint: {r.hint}" if r.hint else "")
    notes = f" ({'; '.join(r.notes)})" if r.notes else ""
    if r.status == "skipped":
        return f"{name}: skipped{notes}"
    if r.status == "unchanged":
        return f"{name}: {r.kind}, unchanged{notes}"
    market = f" {r.marketplace}" if r.marketplace else ""
    return (
        f"{name}: {r.kind}{market}, {r.rows:,} rows read: {r.new:,} new, {r.updated:,} updated,"
        f" {r.unchanged:,} unchanged{notes}"
    )


def _cell(values: list[str]) -> str:
    return ",".join(values) if values else "-"


def status_text(s: dict) -> str:
    """The store at a glance: a table of what it holds, then what each answer still lacks."""
    lines = [f"store {s['db']} (schema {s['schema_version']})", ""]
    head = ("holds", "rows", "orders", "from", "to", "markets", "currency", "files")
    rows = [head]
    for t in s["tables"].values():
        rows.append(
            (
                t["label"],
                f"{t['rows']:,}",
                "-" if t["orders"] is None else f"{t['orders']:,}",
                t["first_date"] or "-",
                t["last_date"] or "-",
                _cell(t["marketplaces"]),
                _cell(t["currencies"]),
                str(t["files"]),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) if i < 3 else c.ljust(w)
            for i, (c, w) in enumerate(zip(r[1:], widths[1:], strict=True), start=1)
        ]
        lines.append("  ".join(cells).rstrip())
    mix = s["feedback_mix"]
    lines += [
        "",
        f"{s['orders']:,} orders in {s['order_lines']:,} All Orders lines; {s['feedback']:,} feedback rows"
        f" ({mix['positive']} positive, {mix['neutral']} neutral, {mix['negative']} negative);"
        f" {s['settlements']:,} settlements; {len(s['files'])} files imported.",
    ]
    for r in s["reserve"]:
        held = f"{r['held_amount']:,.2f} {r['currency']}" if r["held_amount"] is not None else "unknown"
        lines.append(
            f"Funds held since the settlement ending {r['first_reserve_date']}: {held} at the latest settlement."
        )
    if s["missing"]:
        lines += ["", "Missing:"]
        lines += [f"  {m['answer']:<7}{m['message']}" for m in s["missing"]]
    return "\n".join(lines) + "\n"


def _amount(value: float | None, currency: str) -> str:
    return "-" if value is None else f"{value:,.2f} {currency}"


def sales_text(r: dict) -> str:
    """The hold's story in words, then a weekly table (weeks ending on the as-of weekday)."""
    cur, t, hold = r["currency"], r["trigger"], r["hold"]
    lines = [f"Sales velocity in {cur}, as of {r['as_of']} ({r['window_days']}-day windows)", ""]
    if r["verdict"] == "velocity_hold":
        lines.append(
            f"Your sales rose from {t['rise_start']}. In the {r['window_days']} days to the hold ({t['date']})"
        )
        lines.append(
            f"you sold {_amount(t['sales_28d'], cur)} in {t['orders_28d']:,} orders"
            + (
                f", {t['ratio']:.1f} times your established pace of {_amount(t['baseline'], cur)} per {r['window_days']} days."
                if t["ratio"] is not None
                else "."
            )
        )
    elif r["verdict"] == "rise_without_hold":
        lines.append(
            "No hold found in the settlements (pass --hold-date if you know it). The strongest rise began on"
        )
        lines.append(
            f"{t['rise_start']}; by {t['date']} your {r['window_days']}-day sales were {_amount(t['sales_28d'], cur)}"
            + (
                f", {t['ratio']:.1f} times the pace before it ({_amount(t['baseline'], cur)})."
                if t["ratio"] is not None
                else "."
            )
        )
    elif r["verdict"] == "hold_without_rise":
        lines.append(
            f"Funds are held since {hold['start']}, but your sales show no rise before it: the hold is"
        )
        lines.append("probably not a velocity review. Check your account's metrics: velocity health.")
    else:
        lines.append(
            "Your sales show no rise: if funds are held, the cause is probably not velocity. See velocity health."
        )
    if t["positive_feedback_28d"] is not None:
        per_100 = (
            t["positive_feedback_rate_28d"] * 100 if t["positive_feedback_rate_28d"] is not None else 0.0
        )
        if t["positive_feedback_source"] == "rating_table":
            source = f"your rating table read on {t['positive_feedback_read_on']} (its 30-day count)"
        else:
            source = "the feedback report (it usually lists only 1-3 star feedback: record your rating table)"
        lines.append(
            f"Positive feedback in those days: {t['positive_feedback_28d']} ({per_100:.1f} per 100 orders), the"
            " support Amazon looks for;"
        )
        lines.append(f"from {source}.")
    if hold["start"] is not None:
        held = (
            f"; {_amount(hold['held_amount'], hold['held_currency'])} held at the latest settlement"
            if hold["held_amount"] is not None
            else ""
        )
        lines.append(f"Hold: since {hold['start']} (from {hold['source']}){held}.")
    if r["safe_pace_per_day"] is not None:
        where = "before the rise" if r["verdict"] == "velocity_hold" else "so far"
        lines.append(
            f"Safe pace: {where}, your sales peaked at about {_amount(r['safe_pace_per_day'], cur)} a day over"
            f" {r['window_days']} days without a hold."
        )
    lines += [f"Note: {n}" for n in r["notes"]]
    lines += ["", f"{'week to':<12}{'orders':>8}{'sales':>14}{r['window_days']:>7}-day sales"]
    for d in r["daily"][::-1][::7][::-1]:
        week = [x for x in r["daily"] if 0 <= (_day(d["date"]) - _day(x["date"])).days < 7]
        lines.append(
            f"{d['date']:<12}{sum(x['orders'] for x in week):>8,}{d['sales_7d']:>14,.2f}{d['sales_28d']:>16,.2f}"
        )
    return "\n".join(lines) + "\n"


def _day(text: str):
    from datetime import date

    return date.fromisoformat(text)


def _percent(rate: float | None) -> str:
    return "no data" if rate is None else f"{rate * 100:.2f}%"


def health_text(r: dict) -> str:
    """The metrics as Seller Central shows them, then the likely reason, its evidence and what to do."""
    lines = [f"Account health as of {r['as_of']}", ""]
    lines.append(f"{'metric':<30}{'value':>10}{'target':>10}{'orders':>14}{'days':>6}  status")
    for m in r["metrics"]:
        indent = (
            "  " if m["name"] in ("negative_feedback_rate", "a_to_z_claim_rate", "chargeback_rate") else ""
        )
        sign = "<" if m["condition"] == "LESS_THAN" else ">"
        target = f"{sign} {m['target'] * 100:g}%" if m["target"] is not None else "-"
        counts = f"{m['numerator']}/{m['denominator']}" if m["denominator"] else "-"
        value = _percent(m["rate"]) if m["exact"] or m["rate"] is None else f"<={_percent(m['rate'])}"
        lines.append(
            f"{indent + m['label']:<30}{value:>10}{target:>10}{counts:>14}{m['window_days']:>6}  {m['status']}"
        )
    v = r["verdict"]
    lines += ["", f"Likely reason: {v['likely_reason']}"]
    lines += [f"  - {e}" for e in v["evidence"]]
    lines += ["", "What to do next:"]
    lines += [f"  - {step}" for step in v["next_steps"]]
    return "\n".join(lines) + "\n"
