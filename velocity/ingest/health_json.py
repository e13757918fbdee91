"""The account-health report (V2 seller performance JSON) flattened into rows: one per marketplace, metric
and fulfilment type, under velocity's metric names, both spellings the schema and its examples use accepted
and unknown metrics kept under their own names.
"""

from __future__ import annotations

import json
import re

from velocity.errors import NotAnExport, VelocityError
from velocity.ingest.read import Source, open_bytes
from velocity.store import Store

_METRIC_ALIASES = {
    "prefulfillmentCancelRate": "pre_fulfillment_cancel_rate",
    "preFulfillmentCancellationRate": "pre_fulfillment_cancel_rate",
    "accountHealthRating": "account_health_rating",
}
_ORDER_COUNT = ("orderCount", "shipmentCount", "shipmentCountWithValidTracking", "totalUnitCount")
_EVENT_COUNT = (
    "defectsCount",
    "orderWithDefects",
    "lateShipmentCount",
    "cancellationCount",
    "validTrackingCount",
    "onTimeDeliveryCount",
    "unitOnTimeDeliveryCount",
    "invoiceDefect",
)
HEALTH_COLUMNS = (
    "marketplace_id",
    "metric",
    "fulfillment",
    "date_from",
    "date_to",
    "status",
    "rate",
    "target_value",
    "target_condition",
    "order_count",
    "event_count",
    "claims",
    "chargebacks",
    "negative_feedback",
    "score",
)


def _snake(name: str) -> str:
    return _METRIC_ALIASES.get(name) or re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _count(value: object) -> int | None:
    if isinstance(value, dict):
        value = value.get("count")
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _first_count(metric: dict, names: tuple[str, ...]) -> int | None:
    for name in names:
        if (n := _count(metric.get(name))) is not None:
            return n
    return None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _health_row(marketplace_id: str | None, metric: str, fulfillment: str, m: dict) -> tuple:
    dates = m.get("reportingDateRange") or {}
    return (
        marketplace_id,
        metric,
        fulfillment,
        dates.get("reportingDateFrom"),
        dates.get("reportingDateTo"),
        m.get("status") or m.get("ahrStatus") or m.get("accountHealthRatingStatus"),
        _number(m.get("rate")),
        _number(m.get("targetValue")),
        m.get("targetCondition"),
        _first_count(m, _ORDER_COUNT),
        _first_count(m, _EVENT_COUNT),
        _count(m.get("claims")),
        _count(m.get("chargebacks")),
        _count(m.get("negativeFeedback")),
        _number(m.get("ahrScore")),
    )


def _is_metric(value: object) -> bool:
    return isinstance(value, dict) and any(
        k in value for k in ("status", "rate", "ahrStatus", "accountHealthRatingStatus")
    )


def flatten_account_health(doc: dict) -> list[tuple]:
    """Rows (see HEALTH_COLUMNS) from a V2 seller performance report: one per marketplace, metric and
    fulfilment type; nested groups (warningStates) and unknown metrics are kept under their own names."""
    statuses = doc.get("accountStatuses") or []
    only = statuses[0].get("marketplaceId") if len(statuses) == 1 else None
    rows = [
        _health_row(s.get("marketplaceId"), "account_status", "", s) for s in statuses if isinstance(s, dict)
    ]
    for entry in doc.get("performanceMetrics") or []:
        if not isinstance(entry, dict):
            continue
        market = entry.get("marketplaceId") or only
        stack = [(k, v) for k, v in entry.items() if isinstance(v, dict)]
        while stack:
            name, value = stack.pop(0)
            if any(f in value and isinstance(value[f], dict) for f in ("mfn", "afn")):
                rows += [
                    _health_row(market, _snake(name), f, value[f])
                    for f in ("mfn", "afn")
                    if isinstance(value.get(f), dict)
                ]
            elif _is_metric(value):
                rows.append(_health_row(market, _snake(name), value.get("fulfillmentType") or "", value))
            else:
                stack += [(k, v) for k, v in value.items() if isinstance(v, dict)]
    return rows


def stage(store: Store, source: Source) -> None:
    """Put the report behind raw_account_health, for queries/staging/stg_account_health.sql."""
    with open_bytes(source.readable, source.gzipped) as fh:
        data = fh.read()
    try:
        doc = json.loads(data.decode("utf-8").lstrip("\ufeff"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f"line {exc.lineno}: " if isinstance(exc, json.JSONDecodeError) else ""
        raise VelocityError(
            f"{source.shown}: {where}not valid JSON ({exc})", "download the report again"
        ) from None
    if not isinstance(doc, dict) or not ({"performanceMetrics", "accountStatuses"} & doc.keys()):
        keys = ", ".join(list(doc)[:5]) if isinstance(doc, dict) else type(doc).__name__
        raise NotAnExport(
            f"{source.shown}: a JSON file, but not an account-health report (top level: {keys})",
            "velocity reads the V2 seller performance report (performanceMetrics, accountStatuses)",
        )
    columns = ", ".join(
        f"{c} {'double' if c in ('rate', 'target_value', 'score') else 'bigint' if c.endswith(('count', 'claims', 'chargebacks', 'feedback')) else 'varchar'}"
        for c in HEALTH_COLUMNS
    )
    store.execute(f"create or replace temp table raw_account_health ({columns})")
    rows = flatten_account_health(doc)
    if rows:
        store.con.executemany(
            f"insert into raw_account_health values ({', '.join('?' * len(HEALTH_COLUMNS))})", rows
        )
