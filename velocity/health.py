"""Account health the way Seller Central defines it, from the exports, and the likely reason for a review.

Counts come from the order table (queries/answers/health_from_orders) and the account-health report
(health_reported), which is authoritative for a metric when it was imported. Returns plain data; never prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from velocity import sales
from velocity.context import Context
from velocity.errors import VelocityError
from velocity.store import Store


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    target: float | None
    condition: str  # LESS_THAN or GREATER_THAN (what a good value is)
    window_days: int
    reported_as: tuple[str, str | None]  # (account-health metric, the count field for a part of ODR)
    missing: str  # what to download when neither the exports nor the report can tell


# The order is Seller Central's: Customer Service Performance, then Shipping Performance, then responsiveness.
METRICS = (
    Metric(
        "order_defect_rate",
        "Order defect rate",
        0.01,
        "LESS_THAN",
        60,
        ("order_defect_rate", "event_count"),
        "import All Orders and Feedback reports (and settlements, returns) or the account-health report",
    ),
    Metric(
        "negative_feedback_rate",
        "  negative feedback",
        None,
        "LESS_THAN",
        60,
        ("order_defect_rate", "negative_feedback"),
        "import the Feedback report",
    ),
    Metric(
        "a_to_z_claim_rate",
        "  A-to-z claims",
        None,
        "LESS_THAN",
        60,
        ("order_defect_rate", "claims"),
        "import the Returns report or settlements",
    ),
    Metric(
        "chargeback_rate",
        "  chargebacks",
        None,
        "LESS_THAN",
        60,
        ("order_defect_rate", "chargebacks"),
        "import settlements",
    ),
    Metric(
        "refund_rate",
        "Refund rate",
        None,
        "LESS_THAN",
        60,
        ("refund_rate", None),
        "import settlements or the Returns report",
    ),
    Metric(
        "late_shipment_rate",
        "Late shipment rate",
        0.04,
        "LESS_THAN",
        30,
        ("late_shipment_rate", None),
        "no flat file shows when orders were confirmed shipped: import the account-health report",
    ),
    Metric(
        "pre_fulfillment_cancel_rate",
        "Pre-fulfilment cancel rate",
        0.025,
        "LESS_THAN",
        7,
        ("pre_fulfillment_cancel_rate", None),
        "import the All Orders report",
    ),
    Metric(
        "valid_tracking_rate",
        "Valid tracking rate",
        0.95,
        "GREATER_THAN",
        30,
        ("valid_tracking_rate", None),
        "tracking is not in the order reports: import the account-health report",
    ),
    Metric(
        "late_response_rate",
        "Late response rate",
        0.10,
        "LESS_THAN",
        90,
        ("late_response_rate", None),
        "velocity cannot see buyer messages: check Performance > Customer Service Performance",
    ),
)
PARTS_OF_ODR = ("negative_feedback_rate", "a_to_z_claim_rate", "chargeback_rate")

NEXT_STEPS = {
    "velocity": [
        "Keep shipping on time and answering every buyer message within 24 hours.",
        "Ask every eligible buyer for feedback, once, with Request a Review (velocity contacts lists them).",
        "Stay near your safe pace until the feedback catches up (velocity forecast says when it may).",
    ],
    "performance": [
        "Fix the metric past its target (see above) before anything else.",
        "Send Amazon a plan of action: the cause, what you changed, how you will keep it from happening again.",
    ],
    "responsiveness": [
        "Answer every buyer message within 24 hours, weekends included, or mark it 'no response needed'.",
        "Check Performance > Customer Service Performance for messages still waiting.",
    ],
    "unclear": [
        "Read the review e-mail from Amazon closely: it names the reason when it is not velocity.",
        "Import the account-health report (and settlements, returns) so velocity can see more.",
    ],
}


def _status(rate: float | None, target: float | None, condition: str) -> str:
    if rate is None:
        return "no_data"
    if target is None:
        return "good"
    breached = rate > target if condition == "LESS_THAN" else rate < target
    return "at_risk" if breached else "good"


def _from_report(metric: Metric, reported: dict[str, dict]) -> dict | None:
    source_metric, count_field = metric.reported_as
    row = reported.get(source_metric)
    if row is None:
        return None
    if count_field is not None and row[count_field] is not None and row["order_count"]:
        numerator, denominator = int(row[count_field]), int(row["order_count"])
        rate = numerator / denominator
    elif count_field is None or count_field == "event_count":
        numerator = int(row["event_count"]) if row["event_count"] is not None else None
        denominator = int(row["order_count"]) if row["order_count"] is not None else None
        rate = numerator / denominator if numerator is not None and denominator else row["worst_rate"]
    else:
        return None
    if rate is None:
        return None
    target = (
        row["target_value"]
        if row["target_value"] is not None and metric.target is not None
        else metric.target
    )
    condition = (
        row["target_condition"]
        if row["target_condition"] in ("LESS_THAN", "GREATER_THAN")
        else metric.condition
    )
    return {
        "numerator": numerator,
        "denominator": denominator,
        "rate": round(float(rate), 4),
        "target": target,
        "condition": condition,
        "window_days": int(row["window_days"]) if row["window_days"] else metric.window_days,
        "exact": True,
        "source": f"account-health report to {row['date_to']}" if row["date_to"] else "account-health report",
    }


def _from_orders(metric: Metric, counted: dict[str, dict]) -> dict | None:
    row = counted.get(metric.name)
    if row is None:
        return None
    denominator = int(row["denominator"])
    exact = bool(row["exact"])
    source = "counted from your exports"
    if not exact:
        source += "; your All Orders report does not say who cancelled, so every cancellation counts"
    return {
        "numerator": int(row["numerator"]),
        "denominator": denominator,
        "rate": round(row["numerator"] / denominator, 4) if denominator else None,
        "target": metric.target,
        "condition": metric.condition,
        "window_days": int(row["window_days"]),
        "exact": exact,
        "source": source
        if denominator
        else f"no orders in the {row['window_days']} days to the data's last day",
    }


def analyse(store: Store, ctx: Context | None, *, as_of: date | None = None) -> dict:
    """The metrics and the likely reason for a review, as plain data (the ``velocity health --json``
    contract). Counted over the windows ending on the day the data runs through; without orders (ctx None),
    from the account-health report alone, as of its latest day unless as_of is given."""
    if ctx is not None:
        as_of, through, orders_through = ctx.as_of, ctx.data_through, ctx.orders_through
    else:
        latest = store.one("select max(date_to)::date from account_health")[0]
        if latest is None:
            raise VelocityError(
                "the store has neither orders nor an account-health report",
                "import your All Orders report (and Feedback, settlements, Returns) first: velocity import FOLDER",
            )
        as_of = as_of or latest
        through = orders_through = min(as_of, latest)
    params = {"through": through, "orders_through": orders_through}
    counted = {r["name"]: r for r in store.records("health_from_orders", params)} if ctx else {}
    reported = {r["metric"]: r for r in store.records("health_reported", {"as_of": as_of})}

    metrics = []
    for m in METRICS:
        found = _from_report(m, reported) or _from_orders(m, counted)
        if found is None or (found["denominator"] == 0 and found["rate"] is None):
            base = found or {}
            found = {
                "numerator": base.get("numerator"),
                "denominator": base.get("denominator"),
                "rate": None,
                "target": m.target,
                "condition": m.condition,
                "window_days": m.window_days,
                "exact": True,
                "source": base.get("source") or m.missing,
            }
        status = _status(found["rate"], found["target"], found["condition"])
        metrics.append({"name": m.name, "label": m.label.strip(), **found, "status": status})

    rise = sales.analyse(store, ctx) if ctx is not None else None
    head = ctx.as_dict() if ctx else {"as_of": as_of.isoformat(), "data_through": through.isoformat()}
    return {**head, "metrics": metrics, "verdict": verdict(metrics, rise)}


def _past(m: dict) -> str:
    rate, target = m["rate"] * 100, m["target"] * 100
    side = "above" if m["condition"] == "LESS_THAN" else "below"
    bound = "at most " if not m["exact"] else ""
    return f"{m['label'].lower()} {bound}{rate:.1f}%, {side} Amazon's target of {target:g}% ({m['source']})"


def verdict(metrics: list[dict], rise: dict | None) -> dict:
    """The likely reason for a review from the metrics and the sales rise, with the evidence in words."""
    breaches = [
        m for m in metrics if m["status"] == "at_risk" and m["exact"] and m["name"] != "late_response_rate"
    ]
    responsive = [m for m in metrics if m["name"] == "late_response_rate" and m["status"] == "at_risk"]
    possible = [m for m in metrics if m["status"] == "at_risk" and not m["exact"]]
    evidence: list[str] = []
    rose = rise is not None and rise["verdict"] in ("velocity_hold", "rise_without_hold")
    if breaches:
        reason = "performance"
        evidence += [_past(m) for m in breaches]
    elif responsive:
        reason = "responsiveness"
        evidence += [_past(m) for m in responsive]
    elif rose:
        reason = "velocity"
        t = rise["trigger"]
        pace = f", {t['ratio']:.1f} times your earlier pace" if t["ratio"] is not None else ""
        evidence.append(
            f"your {rise['window_days']}-day sales rose from {t['rise_start']} to {t['sales_28d']:,.2f}"
            f" {rise['currency']} by {t['date']}{pace} (velocity sales)"
        )
        known = [m for m in metrics if m["status"] == "good" and m["target"] is not None]
        if known:
            evidence.append("within target: " + ", ".join(m["label"].lower() for m in known))
    else:
        reason = "unclear"
        evidence.append("no rise in sales and no metric past its target in what was imported")
    evidence += [f"may be past its target: {_past(m)}" for m in possible]
    unknown = [m["label"].lower() for m in metrics if m["status"] == "no_data" and m["target"] is not None]
    if unknown:
        evidence.append("not known from what was imported: " + ", ".join(unknown))
    return {"likely_reason": reason, "evidence": evidence, "next_steps": NEXT_STEPS[reason]}
