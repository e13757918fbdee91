"""Plain-text rendering of core results for people: fixed layouts, no colour, no terminal queries.

Takes the dicts and dataclasses the core returns; never computes a figure of its own.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from velocity.ingest import FileResult
from velocity.text import printable


def import_line(r: FileResult) -> str:
    """One line per file: what it was, and what the store made of it."""
    name = printable(Path(r.path).name)
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
        f"{s['orders']:,} orders in {s['order_lines']:,} All Orders lines; {s['settlements']:,} settlements;"
        f" {len(s['files'])} files imported;",
        f"{s['feedback']:,} feedback rows ({mix['positive']} positive, {mix['neutral']} neutral,"
        f" {mix['negative']} negative).",
    ]
    for r in s["reserve"]:
        held = f"{r['held_amount']:,.2f} {r['currency']}" if r["held_amount"] is not None else "unknown"
        lines.append(
            f"Funds held since the settlement ending {r['first_reserve_date']}: {held} at the latest settlement."
        )
    for d in s["deferred"]:
        if d["orders"]:
            lines += textwrap.wrap(
                f"Deferred by the delivery-date reserve on {d['as_of']}: {d['deferred']:,.2f} {d['currency']} in"
                f" {d['orders']:,} orders, due {d['first_release']} to {d['last_release']} (velocity payouts).",
                100,
                subsequent_indent="  ",
            )
    if s["missing"]:
        lines += ["", "Missing:"]
        for m in s["missing"]:
            lines += textwrap.wrap(
                m["message"], 100, initial_indent=f"  {m['answer']:<7}", subsequent_indent=" " * 9
            )
    return "\n".join(lines) + "\n"


def _amount(value: float | None, currency: str) -> str:
    return "-" if value is None else f"{value:,.2f} {currency}"


def data_line(r: dict) -> list[str]:
    """One line saying how old the data is, when the as-of date is past its end."""
    if r.get("data_through") in (None, r["as_of"]):
        return []
    days = (_day(r["as_of"]) - _day(r["data_through"])).days
    return [
        f"Your data runs through {r['data_through']}, {days} day{'s' if days != 1 else ''} before the as-of date:"
        " the days between are unknown, not zero."
    ]


def no_hold_lines() -> list[str]:
    return [
        "No hold is known: no settlement shows a reserve. Give the day it began with --hold-date YYYY-MM-DD,",
        "or import your settlement reports (Reports > Payments > All Statements).",
    ]


def sales_text(r: dict) -> str:
    """The hold's story in words, then a weekly table (weeks ending on the data's last day)."""
    cur, t, hold = r["currency"], r["trigger"], r["hold"]
    lines = [
        f"Sales velocity in {cur}, as of {r['as_of']} ({r['window_days']}-day windows)",
        *data_line(r),
        "",
    ]
    window = f"{t['first']} to {t['date']}"
    pace = (
        f", {t['ratio']:.1f} times your established pace of {_amount(t['baseline'], cur)} per {r['window_days']} days."
        if t["ratio"] is not None
        else "."
    )
    sold = f"you sold {_amount(t['sales_28d'], cur)} in {t['orders_28d']:,} orders"
    if r["verdict"] == "velocity_hold":
        lines.append(
            f"Your sales rose from {t['rise_start']}. In the {r['window_days']} days before the hold ({window})"
        )
        lines.append(sold + pace)
    elif r["verdict"] == "rise_without_hold":
        lines += no_hold_lines()
        lines.append(
            f"Your sales rose from {t['rise_start']}. In the latest {r['window_days']} days ({window})"
        )
        lines.append(sold + pace)
    elif r["verdict"] == "hold_without_rise":
        lines.append(
            f"Funds are held since {hold['start']}, but your sales show no rise before it: the hold is"
        )
        lines.append("probably not a velocity review. Check your account's metrics: velocity health.")
        lines.append(f"In the {r['window_days']} days before the hold ({window}) {sold}.")
    else:
        lines += no_hold_lines()
        lines.append(
            "Your sales show no rise: if funds are held, the cause is probably not velocity. See velocity health."
        )
        lines.append(f"In the latest {r['window_days']} days ({window}) {sold}.")
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
        where = "before the rise" if t["rise_start"] else "so far"
        lines.append(
            f"Safe pace: {where}, your sales peaked at about {_amount(r['safe_pace_per_day'], cur)} a day over"
            f" {r['window_days']} days without a hold."
        )
    lines += [f"Note: {n}" for n in r["notes"]]
    lines += ["", f"{'week to':<12}{'orders':>8}{'sales':>14}{r['window_days']:>7}-day sales"]
    daily = r["daily"]
    for i in range(len(daily) - 1, -1, -7)[::-1]:
        week = daily[max(0, i - 6) : i + 1]
        d = daily[i]
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
    lines = [f"Account health as of {r['as_of']}", *data_line(r), ""]
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
    for e in v["evidence"]:
        lines += textwrap.wrap(e, 100, initial_indent="  - ", subsequent_indent="    ")
    lines += ["", "What to do next:"]
    for step in v["next_steps"]:
        lines += textwrap.wrap(step, 100, initial_indent="  - ", subsequent_indent="    ")
    return "\n".join(lines) + "\n"


def _when(text: str | None, year: int) -> str:
    """A date the way people say it: 25 Nov (with the year when it is not the as-of year)."""
    if text is None:
        return "-"
    d = _day(text)
    return f"{d.day} {d:%b}" + (f" {d.year}" if d.year != year else "")


def _span(band: dict, year: int) -> str:
    lo, hi = _day(band["p10"]), _day(band["p90"])
    if lo == hi:
        return _when(band["p10"], year)
    if (lo.year, lo.month) == (hi.year, hi.month):
        return f"{lo.day}-{_when(band['p90'], year)}"
    return f"{_when(band['p10'], year)} - {_when(band['p90'], year)}"


POLICY_HELD = {
    "dd7": "orders not yet 7 days past their delivery",
    "dd14": "orders not yet 14 days past their delivery",
    "rolling7": "the preceding 7 days' sales",
    "rolling28": "the preceding 28 days' sales",
    "sale14": "sales of the latest 14 days",
}
POLICY_WORDS = {
    "review": "everything held until the feedback target is met, at most 90 days",
    "dd7": "DD+7: each order's money 7 days after its delivery",
    "dd14": "DD+14: each order's money 14 days after its delivery",
    "rolling7": "rolling reserve of the preceding 7 days' sales",
    "rolling28": "rolling reserve of the preceding 28 days' sales",
    "sale14": "14 days after each sale",
}


def forecast_text(r: dict) -> str:
    """The answer in plain words first, then the milestones, the model and the money."""
    year = _day(r["as_of"]).year
    cur, hold, rel, m = r["currency"], r["hold"], r["release"], r["model"]
    cap = _when(hold["cap_date"], year)
    lines = []
    if not hold["start"]:
        lines += no_hold_lines()
        lines.append(
            f"Until then the dates below assume funds held from {_when(r['daily'][0]['date'], year)}."
        )
        lines.append("")
    lines += [
        f"Release forecast as of {r['as_of']}, policy {r['policy']}",
        f"({POLICY_WORDS[r['policy']]})",
        *data_line(r),
        "",
    ]
    settled = hold.get("settlement_held_amount")
    if r["policy"] == "review":
        if hold["start"]:
            lines.append(
                f"Held: {_amount(hold['held_amount'], cur)} since {_when(hold['start'], year)} "
                f"(from {hold['source']}{'' if hold['held_amount_source'] == 'settlements' else '; amount estimated from sales'})."
            )
    else:
        lines.append(
            f"Held under {r['policy']}: {_amount(r['money']['held_now'], cur)} ({POLICY_HELD[r['policy']]})."
        )
        if (
            settled is not None
            and hold.get("settlement_currency") == cur
            and abs(settled - r["money"]["held_now"]) >= 0.01
        ):
            lines.append(
                f"  Your settlements show {_amount(settled, cur)} held: a review reserve, counted under policy review,"
                " not this one."
            )
    source = {
        "rating_table": f"Feedback Manager counts to {r['feedback_known_through']}",
        "feedback_rows": "feedback report rows",
        "none": "nothing imported",
    }[r["positive_source"]]
    since = "since the hold" if hold["start"] else "so far"
    lines.append(
        f"Positive feedback {since}: {r['positive_since_hold']}{'' if r['positive_since_hold_exact'] else ' (estimated)'}"
        f" ({source}); target {r['feedback_needed']}."
    )
    lines.append("")
    reached = r.get("target_reached")
    if reached and r["policy"] == "review":
        lines.append(
            f"Target reached on {_when(reached, year)}: {r['feedback_needed']} positive feedback since the hold"
            f" (you have {r['positive_since_hold']}). Amazon decides when to release; if it has not, contact Seller Support."
        )
    elif r["policy"] == "review" and r.get("cap_passed"):
        lines.append(
            f"The 90-day cap passed on {_when(hold['cap_date'], year)}: the held funds should have been released."
        )
        lines.append("Contact Seller Support, quoting the date the hold began and this date.")
    elif r["policy"] == "review":
        if rel["p50"] == hold["cap_date"]:
            lines.append(f"Most likely at the 90-day cap, {cap} (80%: {_span(rel, year)}).")
        else:
            lines.append(
                f"Most likely {_when(rel['p50'], year)} (80%: {_span(rel, year)}); at the latest {cap}, the 90-day cap."
            )
        w = r["what_if"]
        if w["orders_contacted"] and w["release"]["p50"] < rel["p50"]:
            lines.append(
                f"Asking the {w['orders_contacted']:,} eligible buyers today moves it to {_when(w['release']['p50'], year)}"
                f" (80%: {_span(w['release'], year)})."
            )
    else:
        lines.append(f"All of it is released by {_when(rel['p50'], year)}.")
        if reached:
            lines.append(f"Under a review hold, the feedback target was reached on {_when(reached, year)}.")
        else:
            lines.append(
                f"Under a review hold, feedback would end it {_when(r['feedback_release']['p50'], year)}"
                f" (80%: {_span(r['feedback_release'], year)})."
            )
    if r["what_if"].get("orders_already_asked"):
        lines.append(
            f"Counted: {r['what_if']['orders_already_asked']:,} buyers you already asked (your request log) may still"
            " answer."
        )
    lines += ["", f"{'positive feedback':>18}   {'early (p10)':>12} {'likely (p50)':>13} {'late (p90)':>11}"]
    for row in r["milestones"]:
        mark = "* " if row["positives"] == r["feedback_needed"] else "  "
        lines.append(
            f"{mark + str(row['positives']):>18}   {_when(row['p10'], year):>12} {_when(row['p50'], year):>13}"
            f" {_when(row['p90'], year):>11}"
        )
    if r["feedback_needed_source"] == "default":
        d = r["feedback_needed_default"]
        before = "the 28 days before the hold" if hold["start"] else "the latest 28 days"
        lines.append(
            f"* Amazon publishes no target. velocity's default: positive feedback on {d['share']:.0%} of the "
            f"{d['orders']:,} orders\n  of {before} (at least {d['minimum']}); change it with --feedback-needed K."
        )
    basis = m["delivery_basis"]
    rows = f"{m['feedback_used']:,} feedback rows" + (
        f", {m['readings_used']} Feedback Manager readings" if m["readings_used"] else ""
    )
    lines += [
        "",
        f"Model: {m['feedback_rate']:.1%} of buyers leave feedback (80%: {m['feedback_rate_p10']:.1%}-"
        f"{m['feedback_rate_p90']:.1%}), {m['positive_share']:.0%} of it positive,",
        f"  a median {m['lag_median_days']:g} days after delivery (estimated for {basis['estimated']:,} orders,"
        f" purchase + assumed transit for {basis['assumed']:,});",
        f"  from {m['orders_used']:,} orders, {rows};",
        f"  orders to come: {m['future_orders_per_day']:g} a day"
        + (
            " (your recent pace, the latest days weighing most)."
            if m["future_orders_source"] == "recent_pace"
            else " (given)."
        ),
    ]
    money = r["money"]
    by_cap = money["released_by_cap"]
    held_now = money["held_now"]
    if r["policy"] == "review":
        lines += [
            f"Released by the cap ({cap}): the {_amount(held_now, cur)} held now, and sales still to come of",
            f"  about {_amount(max(by_cap['p50'] - held_now, 0.0), cur)}"
            f" (80%: {max(by_cap['p10'] - held_now, 0.0):,.2f}-{max(by_cap['p90'] - held_now, 0.0):,.2f}).",
        ]
    else:
        lines += [
            f"Released by the cap ({cap}), sales still to come included: {_amount(by_cap['p50'], cur)}",
            f"  (80%: {by_cap['p10']:,.2f}-{by_cap['p90']:,.2f}), of which {_amount(held_now, cur)} is held now.",
        ]
    for note in r["notes"]:
        lines.append(f"Note: {note}")
    return "\n".join(lines) + "\n"


def backtest_text(r: dict) -> str:
    """Coverage and score per horizon and pooled, in a table, with a line on how to read it."""
    lines = [
        f"Backtest of new positive feedback from placed orders, as of {r['as_of']} ({r['currency']})",
        *data_line(r),
        f"cut-offs every {r['step_days']} days from {r['first_cutoff']} to {r['last_cutoff']}",
        "",
        f"{'horizon':>8} {'cut-offs':>9} {'in 80% band':>12} {'(90% interval)':>15} {'below':>6} {'above':>6}"
        f" {'CRPS':>7} {'mean |error|':>13} {'mean actual':>12}",
    ]
    pooled = r.get("pooled")
    rows = [(str(h["horizon_days"]) + " d", h) for h in r["horizons"]]
    for name, h in rows + ([("all", pooled)] if pooled else []):
        lo, hi = h.get("coverage_interval_90", (None, None))
        interval = f"({lo:.0%}-{hi:.0%})" if lo is not None else ""
        lines.append(
            f"{name:>8} {h['cutoffs']:>9} {h['coverage_80']:>12.0%} {interval:>15} {h['below_band']:>6.0%}"
            f" {h['above_band']:>6.0%} {h['crps']:>7.2f} {h['mean_abs_error']:>13.2f} {h['mean_actual']:>12.1f}"
        )
    lines += [
        "",
        "An honest 80% band holds the actual count about 80% of the time, as often below it as above; the 90%",
        "interval is how far this many cut-offs pin that share down. CRPS (lower is better) is in feedbacks.",
    ]
    for note in r["notes"]:
        lines.append(f"Note: {note}")
    return "\n".join(lines) + "\n"


REASON_WORDS = {
    "non_amazon": "not Amazon (multi-channel)",
    "cancelled": "cancelled",
    "refunded": "fully refunded",
    "pending": "not shipped yet",
    "opted_out": "on your do-not-contact list",
    "feedback_received": "feedback already received",
    "already_requested": "already asked",
    "window_closed": "window closed",
    "not_open_yet": "window not open yet",
}


def _visible(frame):
    """The frame with control characters in its text columns escaped (buyer names come from exports)."""
    import polars as pl

    text = [c for c, t in frame.schema.items() if t == pl.String]
    dirty = frame.select(
        pl.any_horizontal(pl.col(text).str.contains(r"[\x00-\x1f\x7f-\x9f]").fill_null(False))
    )
    if not dirty.to_series().any():
        return frame
    return frame.with_columns(
        pl.col(c).map_elements(lambda s: printable(s, keep_lines=False), return_dtype=pl.String) for c in text
    )


def contacts_text(r) -> str:
    """The request list as a table (window closing soonest first), then the summary in words. `r` is a
    velocity.contacts.ContactList: its rows are formatted column by column (tens of thousands of them)."""
    import polars as pl

    year = _day(r.head["as_of"]).year
    s = r.summary
    lines = [
        f"Buyers you may ask for feedback on {r.head['as_of']} (Request a Review, once per order)",
        *data_line(r.head),
        "",
    ]
    head = f"{'order':<20} {'purchased':<10} {'delivery':<20} {'window':<12} {'left':>4} {'gain':>6}  note / buyer"
    lines.append(head)
    if r.rows.height:
        day = pl.col("window_opens").dt.strftime("%m-%d")
        table = _visible(r.rows).select(
            pl.concat_str(
                pl.col("order_id").str.pad_end(20),
                pl.lit(" "),
                pl.col("purchase_date").dt.strftime("%Y-%m-%d").str.pad_end(10),
                pl.lit(" "),
                (
                    pl.col("delivery_date").dt.strftime("%Y-%m-%d") + " " + pl.col("delivery_basis")
                ).str.pad_end(20),
                pl.lit(" "),
                (day + ".." + pl.col("window_closes").dt.strftime("%m-%d")).str.pad_end(12),
                pl.lit(" "),
                pl.col("days_left").cast(pl.String).str.pad_start(4),
                pl.lit(" "),
                pl.when(pl.col("expected_gain").is_null())
                .then(pl.lit("-"))
                .otherwise((pl.col("expected_gain") * 100).round(1).cast(pl.String) + "%")
                .str.pad_start(6),
                pl.lit("  "),
                pl.concat_str(
                    pl.col("reason").replace_strict(REASON_WORDS, default=None, return_dtype=pl.String),
                    pl.col("note"),
                    pl.col("buyer_name"),
                    separator="; ",
                    ignore_nulls=True,
                ),
            ).str.strip_chars_end()
        )
        lines += table.to_series().to_list()
    else:
        lines.append("(none today)")
    band = s["expected_positive_if_all_asked"]
    lines.append("")
    if s["eligible"]:
        lines += [
            f"{s['eligible']:,} orders may be asked today; {s['opening_within_7_days']:,} more open in the next "
            "7 days.",
            f"Asking all {s['eligible']:,}: about {band['p50']:.0f} more positive feedback (80%: {band['p10']:.0f}-"
            f"{band['p90']:.0f})"
            + ("" if s["target_reached"] else f"; the forecast release ({s['policy']})"),
        ]
        if s["target_reached"]:
            lines.append(
                f"Your target of {s['feedback_needed']} positive feedback was reached on "
                f"{_when(s['target_reached'], year)}; more feedback still supports your account."
            )
        else:
            lines.append(
                f"moves from {_when(s['release_without_asking']['p50'], year)} to "
                f"{_when(s['release_if_all_asked']['p50'], year)} (target {s['feedback_needed']} positive feedback)."
            )
    else:
        lines.append(f"Nobody to ask today; {s['opening_within_7_days']:,} orders open in the next 7 days.")
    held = sorted(((n, k) for k, n in s["excluded"].items() if n), key=lambda x: -x[0])
    if held:
        words = (
            "Not listed (--all shows them): " + ", ".join(f"{n:,} {REASON_WORDS[k]}" for n, k in held) + "."
        )
        lines += textwrap.wrap(words, 110)
    lines += [
        "Ask every order listed - never only the happy buyers - once, through Amazon; no incentives, and do not",
        "ask for positive feedback. A return or claim is a note, not a reason to skip an order.",
    ]
    for note in r.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines) + "\n"


STATE_WORDS = {
    "deferred": "deferred by the delivery-date rule",
    "held": "held by the review reserve",
    "released": "released, not yet in a payout",
    "paid": "paid",
    "refunded": "refunded",
}


RULE_NAMES = {"dd7": "DD+7", "dd14": "DD+14", "none": "no delivery-date reserve"}


def _rule_line(r: dict) -> str:
    rule = r["rule"]
    if rule["given"]:
        return f"Rule: {RULE_NAMES[rule['given']]} for every order (given)"
    parts = [
        f"{RULE_NAMES[m['rule']]} in {m['marketplace']} from {m['starts']}"
        + (" (assumed)" if m["source"] == "assumed" else "")
        for m in rule["marketplaces"]
    ]
    if rule["review"]:
        parts.append(f"DD+14 from the review hold on {rule['review']['from']}")
    return "Rule: " + ("; ".join(parts) if parts else "none known")


def _payout_listing(p) -> list[str]:
    """The orders --settlement or --on asked for, as a table (none asked: no lines)."""
    listed = p.head["listed"]
    if listed["orders"] is None or not (listed["settlement"] or listed["on"]):
        return []
    what = []
    if listed["settlement"]:
        what.append(f"paid in settlement {listed['settlement']} or sold in its period")
    if listed["on"]:
        what.append(f"released on {listed['on']}")
    lines = [
        f"Orders {' and '.join(what)}: {listed['orders']:,}",
        f"{'order':<20} {'purchased':<10} {'delivery':<20} {'amount':>10} {'state':<9} {'release':<11} settlement",
    ]
    overdue = 0
    for r in p.orders.iter_rows(named=True):
        delivery = f"{r['delivery_date']} {r['delivery_basis']}"
        mark = "*" if r["release_basis"] == "overdue" else " "
        overdue += mark == "*"
        lines.append(
            f"{r['order_id']:<20} {r['purchase_date']!s:<10} {delivery:<20} {r['amount']:>10,.2f} {r['state']:<9}"
            f" {r['release_date']!s}{mark} {r['settlement_id'] or '-'}"
        )
    if overdue:
        lines.append(
            f"* overdue ({overdue:,}): past its day by the rule, still deferred on the last day of your Date Range"
            " reports"
        )
    return lines


def payouts_text(p) -> str:
    """Where the money is: what is not paid out and why, the calendar of what is coming, each settlement's
    sold against paid, and the orders asked for (--settlement, --on). `p` is a velocity.payouts.Payouts."""

    head, rest = p.head, p.rest
    cur = head["currency"]
    s = rest["summary"]
    n = s["orders"]
    lines = [f"Payouts as of {head['as_of']} ({cur})", _rule_line(head), *data_line(head), ""]
    if listing := _payout_listing(p):  # the orders asked for first: they are the answer
        lines += [*listing, ""]
    waiting = s["deferred"] + s["held_reserve"] + s["released"]
    lines.append(f"Not paid out yet: {waiting:,.2f} {cur}")
    due = [c["date"] for c in rest["calendar"]]
    held_until = f", until the review ends (by {s['held_until']})" if s["held_until"] else ""
    rows = [
        (
            "deferred by the delivery-date rule",
            s["deferred"],
            f"{n['deferred']:,} orders" + (f", due {due[0]} to {due[-1]}" if due else ""),
        ),
        ("held by the review reserve", s["held_reserve"], f"{n['held']:,} orders{held_until}"),
        ("released, awaiting a payout", s["released"], f"{n['released']:,} orders"),
    ]
    for words, amount, detail in rows:
        lines.append(f"  {words:<34} {amount:>10,.2f}  {detail}")
    deposits = sum(
        1 for x in rest["settlements"] if x["deposit_date"] and x["deposit_date"] <= head["data_through"]
    )
    lines.append(
        f"Sold {s['sold']:,.2f}; paid out {s['paid']:,.2f} in {deposits:,} deposits;"
        f" refunded {s['refunded']:,.2f} ({n['refunded']:,} orders)."
    )
    if rest["periods"]:
        lines += ["", "Coming, by settlement period (80% range where delivery is only estimated):"]
        for per in rest["periods"]:
            a = per["amount"]
            span = "" if a["p10"] == a["p90"] else f"  ({a['p10']:,.2f}-{a['p90']:,.2f})"
            lines.append(f"  {per['start']} to {per['end']}  {a['p50']:>12,.2f}{span}")
    if rest["settlements"]:
        lines += [
            "",
            "Each settlement: what it paid against what was sold in its period (they add up to the cent)",
        ]
        cols = ("sold", "paid", "deferred", "reserve", "fees", "refunds", "other")
        lines.append(f"{'settlement':<11} {'period':<12} {'out':<5}" + "".join(f"{c:>10}" for c in cols))
        for x in rest["settlements"]:
            period = f"{x['start'][5:]}..{x['end'][5:]}"
            paid_on = x["deposit_date"][5:] if x["deposit_date"] else "-"
            lines.append(
                f"{x['settlement_id']:<11} {period:<12} {paid_on:<5}"
                + "".join(f"{x[c]:>10,.2f}" for c in cols)
            )
        lines.append("(out: the settlement's deposit day, month-day)")
    if not _payout_listing(p):
        lines += [
            "",
            "velocity payouts --settlement ID   the orders behind one settlement",
            "velocity payouts --on DATE         the orders released on a day",
            "velocity payouts --format csv      every order, with its state and release day",
        ]
    for note in rest["notes"]:
        lines += textwrap.wrap(f"Note: {note}", 100, subsequent_indent="  ")
    return "\n".join(lines) + "\n"
