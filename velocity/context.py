"""The one context every answer reads: the as-of date (given, or the latest date in the data), the day the
data runs through, the currency and marketplace, the hold, and the 28 days before it with their orders.

Built once per command from SQL (queries/answers/data_span, sales_currencies, reserve_history,
trigger_window), so that velocity sales, health, forecast, backtest and contacts quote the same figures.
Refuses, in one line, what cannot be answered: an as-of before the first order or far past the data, a
hold date after the as-of date, a store without sales.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from velocity.errors import ExitCode, VelocityError
from velocity.store import Store

WINDOW = 28  # Amazon's velocity check: a 28-day rolling cycle
CAP_DAYS = 90  # a review hold lasts at most 90 days
STALE_DAYS = 90  # an as-of further than this past the data's end is refused


@dataclass(frozen=True)
class Hold:
    """The hold on the seller's funds: when it began (settlements' first reserve, or given) and what the
    settlements show held."""

    start: date | None
    source: str | None  # settlements | given | None
    held_amount: float | None  # at the latest settlement with a reserve, in held_currency
    held_currency: str | None
    history: list[dict] = field(default_factory=list)

    @property
    def cap(self) -> date | None:
        return self.start + timedelta(days=CAP_DAYS) if self.start else None

    def as_dict(self) -> dict:
        return {
            "start": _iso(self.start),
            "source": self.source,
            "held_amount": self.held_amount,
            "held_currency": self.held_currency,
            "history": self.history,
        }


@dataclass(frozen=True)
class Window:
    """The 28 days Amazon's check looked at: before the hold, or (no hold known) the latest 28 days."""

    first: date
    last: date
    basis: str  # before_hold | latest
    orders: int  # shipped and pending orders, not cancelled, not multi-channel, in the currency
    sales: float
    unpriced: int


@dataclass(frozen=True)
class Context:
    as_of: date
    as_of_given: bool
    data_through: date  # the latest day the data covers, at most as_of
    orders_through: date  # the latest day the order downloads cover (the latest order or update)
    first_order: date
    currency: str
    currency_given: bool
    currencies: list[dict]  # [{currency, orders, sales, marketplaces}], largest first
    marketplace: str | None  # the one asked for (None: all)
    marketplaces: list[str]  # those selling in the currency
    hold: Hold
    trigger: Window
    notes: list[str]

    @property
    def days_old(self) -> int:
        """How many days the as-of date is past the data's end (0: the data runs through it)."""
        return (self.as_of - self.data_through).days

    def params(self, **more) -> dict:
        """The parameters every answer's SQL binds from the context."""
        return {
            "as_of": self.as_of,
            "through": self.data_through,
            "orders_through": self.orders_through,
            "currency": self.currency,
            "marketplace": self.marketplace,
            **more,
        }

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "data_through": self.data_through.isoformat(),
            "orders_through": self.orders_through.isoformat(),
            "currency": self.currency,
            "marketplace": self.marketplace,
        }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _money(x) -> float | None:
    return None if x is None else round(float(x), 2)


def latest_date(span: dict) -> date | None:
    dates = [
        span[k]
        for k in ("latest_order", "latest_update", "latest_feedback", "latest_settlement", "latest_reading")
    ]
    dates = [d for d in dates if d is not None]
    return max(dates) if dates else None


def build(
    store: Store,
    *,
    as_of: date | None = None,
    currency: str | None = None,
    marketplace: str | None = None,
    hold_date: date | None = None,
) -> Context:
    """The context of an answer, or a one-line refusal of what cannot be answered."""
    notes: list[str] = []
    marketplace = _marketplace(store, marketplace)
    span = store.record("data_span", {"as_of": None})
    if not span["orders"]:
        raise VelocityError(
            "the store has no All Orders rows: there are no sales to measure",
            "import your All Orders report first: velocity import FILE",
        )
    latest = latest_date(span)
    given = as_of is not None
    if as_of is None:
        as_of = latest
        # a download holds no day after the one it was made on (a day's margin for marketplaces ahead of
        # UTC): a later date is an outlier that must not move the default as-of
        if span["latest_import"] is not None and latest > (
            bound := span["latest_import"] + timedelta(days=1)
        ):
            as_of = bound
            notes.append(
                f"some data is dated after your latest import ({latest}, imported {span['latest_import']}):"
                f" answers are as of {bound}; pass --as-of to look later"
            )
    if hold_date is not None and hold_date > as_of:
        raise VelocityError(
            f"--hold-date {hold_date} is after the as-of date {as_of}: a hold cannot start after the day"
            " you look from",
            "give the day the hold began (on or before the as-of date), or a later --as-of",
            ExitCode.USAGE,
        )
    if as_of < span["first_order"]:
        raise VelocityError(
            f"no orders on or before {as_of}: your orders start on {span['first_order']}",
            f"choose an --as-of from {span['first_order']} on",
            ExitCode.USAGE,
        )
    if (as_of - latest).days > STALE_DAYS:
        raise VelocityError(
            f"--as-of {as_of} is {(as_of - latest).days} days after your data ends ({latest}): too far to"
            " answer from what was imported",
            f"import newer downloads, or choose an --as-of within {STALE_DAYS} days of {latest}",
            ExitCode.USAGE,
        )
    through = min(as_of, latest)
    cut = store.record("data_span", {"as_of": through})
    # the order downloads cover the day of their latest order or update (a later as-of: the days after it
    # are unknown; an earlier one: they cover it whole)
    orders_through = min(
        as_of, max(d for d in (span["latest_order"], span["latest_update"]) if d is not None)
    )
    if not cut["sold"]:
        raise VelocityError(
            _no_sales(cut, through), "import an All Orders report with shipped or pending orders"
        )
    currencies = store.records("sales_currencies", {"as_of": through, "marketplace": marketplace})
    if not currencies:
        raise VelocityError(
            f"no sales in {marketplace} on or before {through}",
            "leave out --marketplace, or choose one you sell in",
            ExitCode.USAGE,
        )
    known = [c["currency"] for c in currencies]
    currency_given = currency is not None
    if currency is None:
        currency = known[0]
        if len(known) > 1:
            others = ", ".join(f"{c['currency']} ({', '.join(c['marketplaces'])})" for c in currencies[1:])
            notes.append(
                f"also sells in {others}: currencies are never added; pass --currency to see another"
            )
    elif currency.upper() not in known:
        raise VelocityError(
            f"no sales in {currency.upper()}", f"the store has sales in {', '.join(known)}", ExitCode.USAGE
        )
    currency = currency.upper()
    markets = next(c["marketplaces"] for c in currencies if c["currency"] == currency)
    hold = _hold(store, through, hold_date)
    if hold.start is not None:
        first, last, basis = (
            hold.start - timedelta(days=WINDOW),
            hold.start - timedelta(days=1),
            "before_hold",
        )
    else:
        first, last, basis = orders_through - timedelta(days=WINDOW - 1), orders_through, "latest"
    window = store.record(
        "trigger_window", {"first": first, "last": last, "currency": currency, "marketplace": marketplace}
    )
    trigger = Window(
        first, last, basis, int(window["orders"]), float(window["sales"]), int(window["unpriced_orders"])
    )
    return Context(
        as_of=as_of,
        as_of_given=given,
        data_through=through,
        orders_through=min(orders_through, through),
        first_order=cut["first_order"],
        currency=currency,
        currency_given=currency_given,
        currencies=[{**c, "sales": _money(c["sales"])} for c in currencies],
        marketplace=marketplace,
        marketplaces=list(markets),
        hold=hold,
        trigger=trigger,
        notes=notes,
    )


def _marketplace(store: Store, code: str | None) -> str | None:
    if code is None:
        return None
    code = code.upper()
    if store.one("select 1 from marketplaces where code = $c", {"c": code}) is None:
        codes = ", ".join(r[0] for r in store.execute("select code from marketplaces order by 1").fetchall())
        raise VelocityError(f"unknown marketplace {code!r}", f"use one of {codes}", ExitCode.USAGE)
    return code


def _no_sales(span: dict, through: date) -> str:
    n = span["orders"]
    orders = f"{n:,} order" + ("s" if n != 1 else "")
    if span["cancelled"] == n:
        return f"all {orders} on or before {through} are cancelled: there are no sales to measure"
    if span["cancelled"] + span["non_amazon"] == n:
        return (
            f"the {orders} on or before {through} are all cancelled or multi-channel (Non-Amazon): there are"
            " no Amazon sales to measure"
        )
    return f"no sales on or before {through}"


def _hold(store: Store, through: date, given: date | None) -> Hold:
    history = store.records("reserve_history", {"as_of": through})
    latest = history[-1] if history else None
    if given is not None:
        start, source = given, "given"
    elif history:
        start, source = history[0]["date"], "settlements"
    else:
        start, source = None, None
    return Hold(
        start=start,
        source=source,
        held_amount=_money(latest["held_amount"]) if latest else None,
        held_currency=latest["currency"] if latest else None,
        history=[
            {
                "date": h["date"].isoformat(),
                "held_amount": _money(h["held_amount"]),
                "currency": h["currency"],
            }
            for h in history
        ],
    )
