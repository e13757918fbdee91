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
