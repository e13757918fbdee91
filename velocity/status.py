"""What the store holds, per export kind, and what is missing for each of velocity's answers.

Plain data out (a dict ready for JSON); rendering lives in ``velocity.render``. Never prints.
"""

from __future__ import annotations

from pathlib import Path

from velocity.store import Store, schema_version

# Store tables in the order a seller thinks of them, with the words status uses for them.
TABLE_LABELS = {
    "all_orders": "All Orders lines",
    "order_report": "Order Report lines",
    "unshipped_orders": "Unshipped Orders lines",
    "fba_shipments": "FBA shipment lines",
    "feedback": "feedback (per order)",
    "feedback_ratings": "feedback rating readings",
    "settlements": "settlements",
    "settlement_lines": "settlement lines",
    "date_range": "Date Range transactions",
    "returns": "returns (seller-fulfilled)",
    "fba_returns": "returns (FBA)",
    "account_health": "account-health metrics",
}
# Which import kinds feed which table (settlement files feed two).
KIND_TABLES = {
    "all_orders": ("all_orders",),
    "order_report": ("order_report",),
    "unshipped_orders": ("unshipped_orders",),
    "fba_shipments": ("fba_shipments",),
    "feedback": ("feedback",),
    "feedback_rating": ("feedback_ratings",),
    "settlement_v1": ("settlements", "settlement_lines"),
    "settlement_v2": ("settlements", "settlement_lines"),
    "date_range": ("date_range",),
    "returns": ("returns",),
    "fba_returns": ("fba_returns",),
    "account_health": ("account_health",),
}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _missing(tables: dict[str, dict], reserve: list[dict], ratings: int, mix: dict) -> list[dict]:
    """What each answer lacks, in the seller's words, with the download that fixes it."""
    rows = {name: t["rows"] for name, t in tables.items()}
    out = []

    def need(answer: str, message: str) -> None:
        out.append({"answer": answer, "message": message})

    if not rows["all_orders"]:
        need(
            "why",
            "no All Orders report: sales velocity cannot be measured"
            " (Seller Central: Reports > Fulfillment > All Orders)",
        )
    if not rows["settlements"]:
        need("why", "no settlement files: the hold date and held amount will be estimated from sales")
    elif not reserve:
        need(
            "why",
            "no reserve lines in the settlements: no hold is visible in them (pass --hold-date if you know it)",
        )
    if not rows["feedback"] and not ratings:
        need(
            "when",
            "no feedback at all: the forecast will rest on general priors only"
            " (download Performance > Feedback, and record the rating table with velocity rating)",
        )
    elif not ratings:
        need(
            "when",
            "no Feedback Manager rating table: Amazon's feedback report usually lists only 1-3 star feedback,"
            " so positive counts are unknown (record them with velocity rating)",
        )
    if mix["fba_orders"] and not mix["fba_with_shipment"]:
        need(
            "whom",
            f"{mix['fba_orders']:,} FBA orders but no Amazon Fulfilled Shipments report: their delivery"
            " windows will be estimated from purchase dates (Reports > Fulfillment > Amazon Fulfilled Shipments)",
        )
    if mix["mfn_orders"] and not mix["mfn_with_report"]:
        need(
            "whom",
            f"{mix['mfn_orders']:,} seller-fulfilled orders but no Order Report: their delivery windows will be"
            " estimated from purchase dates (Orders > Order Reports)",
        )
    if not rows["account_health"]:
        need(
            "health",
            "no account-health report: defects will be counted from feedback, returns and settlements only",
        )
    if not rows["returns"] and not rows["fba_returns"]:
        need("health", "no Returns report: A-to-z claims and returns will not be counted")
    return out


def status(store: Store) -> dict:
    """The store's contents as plain data (see the ``status --json`` contract in the README)."""
    tables = {r["table_name"]: r for r in store.records("store_summary")}
    files = store.records("imported_files_list")
    per_table_files: dict[str, int] = dict.fromkeys(tables, 0)
    for f in files:
        for table in KIND_TABLES.get(f["kind"], ()):
            per_table_files[table] += 1
    reserve = store.records("reserve_summary")
    fulfilment = store.records("fulfilment_mix")[0]
    mix = store.records("feedback_mix")[0]
    ratings = tables["feedback_ratings"]["rows"]
    order_lines = tables["all_orders"]["rows"]
    orders = store.one(
        "select count(distinct order_id) from (select order_id from all_orders union all"
        " select order_id from order_report union all select order_id from fba_shipments)",
    )[0]
    return {
        "db": str(store.path),
        "schema_version": schema_version(store.con),
        "orders": int(orders),
        "order_lines": int(order_lines),
        "feedback": int(tables["feedback"]["rows"]),
        "settlements": int(tables["settlements"]["rows"]),
        "tables": {
            name: {
                "label": label,
                "rows": int(tables[name]["rows"]),
                "orders": None if tables[name]["orders"] is None else int(tables[name]["orders"]),
                "first_date": _iso(tables[name]["first_date"]),
                "last_date": _iso(tables[name]["last_date"]),
                "marketplaces": list(tables[name]["marketplaces"]),
                "currencies": list(tables[name]["currencies"]),
                "files": per_table_files[name],
            }
            for name, label in TABLE_LABELS.items()
        },
        "feedback_mix": {k: int(v) for k, v in mix.items()},
        "reserve": [
            {
                "currency": r["currency"],
                "first_reserve_date": _iso(r["first_reserve_date"]),
                "held_amount": float(r["held_amount"]) if r["held_amount"] is not None else None,
                "settlements_with_reserve": int(r["settlements_with_reserve"]),
            }
            for r in reserve
        ],
        "files": [
            {
                "name": Path(f["path"]).name,
                "path": f["path"],
                "kind": f["kind"],
                "rows": int(f["rows"]),
                "new": int(f["new_rows"]),
                "updated": int(f["updated_rows"]),
                "unchanged": int(f["unchanged_rows"]),
                "marketplace": f["marketplace"],
                "imported_at": f["imported_at"].isoformat(timespec="seconds"),
                "sha256": f["sha256"],
                "note": f["note"],
            }
            for f in files
        ],
        "deferred": _deferred(store, [c for r in tables.values() for c in r["currencies"]]),
        "missing": _missing(tables, reserve, ratings, fulfilment),
    }


def _deferred(store: Store, currencies: list[str]) -> list[dict]:
    """What the delivery-date reserve defers, per currency, on the latest date in the data (velocity payouts'
    figures: the same relation, the same context)."""
    from velocity import context, payouts
    from velocity.errors import VelocityError

    out = []
    for currency in sorted(set(currencies)):
        try:
            ctx = context.build(store, currency=currency)
        except VelocityError:
            continue  # no sales in it: nothing to defer
        if ctx.currency != currency:
            continue
        p = payouts.analyse(store, ctx, orders=False)
        s = p.rest["summary"]
        due = [c["date"] for c in p.rest["calendar"]]
        out.append(
            {
                "currency": currency,
                "as_of": ctx.as_of.isoformat(),
                "deferred": s["deferred"],
                "orders": s["orders"]["deferred"],
                "first_release": due[0] if due else None,
                "last_release": due[-1] if due else None,
                "held_reserve": s["held_reserve"],
            }
        )
    return out
