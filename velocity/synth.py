"""Deterministic synthetic Seller Central exports: the demo UK seller under a velocity review (fixtures/demo/)
and large All Orders files for benchmarks. Both come from one vectorised order builder (numpy + polars);
the same seed always gives byte-identical files. Layouts follow FORMATS.md (TAB, no quoting, UTF-8, \\n).
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import polars as pl

# ----------------------------------------------------------------------------------------------- layouts


def _words(text: str) -> list[str]:
    return text.split()


ALL_ORDERS_COLUMNS = _words(
    "amazon-order-id merchant-order-id purchase-date last-updated-date order-status fulfillment-channel "
    "sales-channel order-channel ship-service-level product-name sku asin item-status quantity currency "
    "item-price item-tax shipping-price shipping-tax gift-wrap-price gift-wrap-tax item-promotion-discount "
    "ship-promotion-discount ship-city ship-state ship-postal-code ship-country promotion-ids cpf "
    "is-business-order purchase-order-number price-designation signature-confirmation-recommended"
)

ORDER_REPORT_COLUMNS = _words(
    "order-id order-item-id purchase-date payments-date buyer-email buyer-name buyer-phone-number sku "
    "product-name quantity-purchased currency item-price item-tax shipping-price shipping-tax ship-service-level "
    "recipient-name ship-address-1 ship-address-2 ship-address-3 ship-city ship-state ship-postal-code "
    "ship-country ship-phone-number delivery-start-date delivery-end-date delivery-time-zone "
    "delivery-Instructions sales-channel"
)

SETTLEMENT_V2_COLUMNS = _words(
    "settlement-id settlement-start-date settlement-end-date deposit-date total-amount currency "
    "transaction-type order-id merchant-order-id adjustment-id shipment-id marketplace-name amount-type "
    "amount-description amount fulfillment-id posted-date posted-date-time order-item-code "
    "merchant-order-item-id merchant-adjustment-item-id sku quantity-purchased promotion-id"
)

RETURNS_COLUMNS = [
    "Order ID", "Order date", "Return request date", "Return request status", "Amazon RMA ID",
    "Merchant RMA ID", "Label type", "Label cost", "Currency code", "Return carrier", "Tracking ID",
    "Label to be paid by", "A-to-Z Claim", "Is prime", "ASIN", "Merchant SKU", "Item Name",
    "Return quantity", "Return Reason", "In policy", "Return type", "Resolution", "Invoice number",
    "Return delivery date", "Order Amount", "Order quantity", "SafeT Action reason", "SafeT claim id",
    "SafeT claim state", "SafeT claim creation time", "SafeT claim reimbursement amount", "Refunded Amount",
]  # fmt: skip

FEEDBACK_COLUMNS = ["Date", "Rating", "Comments", "Your Response", "Order ID", "Rater Email"]
RATING_COLUMNS = ["date", "marketplace", "period", "positive", "neutral", "negative"]

# ----------------------------------------------------------------------------------------------- the shop

# sku, asin, product name, unit price incl. VAT (pence), FBA fee per unit (pence), base popularity
CATALOGUE: tuple[tuple[str, str, str, int, int, float], ...] = (
    ("HG-POT-12-WHT", "B0CJ4X7N2Q", "Ceramic Plant Pot with Drainage Hole, 12 cm, Matte White", 999, 271, 8),
    ("HG-POT-SET3-SGE", "B0CJ4Z1M8K", "Ceramic Plant Pots Set of 3, 10/12/14 cm, Sage Green", 2499, 342, 5),
    ("PST-BOT-A3", "B0CK2R9T5W", "Botanical Leaf Wall Art Print, A3, Unframed", 899, 262, 7),
    (
        "PST-BOT-1218-SET3",
        "B0CK3F6H1D",
        'Botanical Line Art Poster Set of 3, 12" x 18", Unframed',
        1699,
        275,
        6,
    ),
    ("PST-MAP-1824", "B0CL8D2V7P", 'Vintage London Underground Map Poster 18" x 24"', 1299, 275, 5),
    ("PST-FRM-A4-OAK2", "B0CM1Q4S9B", "Oak Effect Picture Frame A4 with Mount, Pack of 2", 1999, 318, 4),
    (
        "HG-SOLAR-10WW",
        "B0CN5T8J3E",
        "Solar Garden Lights Outdoor, 10 Pack, Warm White Stake Lights",
        2249,
        331,
        6,
    ),
    ("HG-BIRDFEED-GRN", "B0CN7W2K6R", "Hanging Metal Bird Feeder for Seeds, Green", 1199, 298, 5),
    ("HG-KNEEL-FOAM", "B0CP2H5L8T", "Garden Kneeling Pad, Thick Memory Foam, 45 x 28 cm", 749, 262, 5),
    ("HG-GLOVE-WM-M", "B0CP4J9N1Y", "Gardening Gloves for Women, Thorn Proof, Medium", 699, 245, 6),
    ("HG-HOSE-15M", "B0CQ6M3P4U", "Expandable Garden Hose 15 m with 8-Function Spray Nozzle", 2799, 389, 3),
    (
        "HG-CANDLE-LAV3",
        "B0CR1N7Q2I",
        "Soy Wax Scented Candle Gift Set, Lavender & Cedar, 3 x 120 g",
        1850,
        306,
        4,
    ),
    ("HG-THROW-OLV", "B0CR8P1R5O", "Knitted Throw Blanket 130 x 170 cm, Olive", 3499, 412, 2),
    (
        "HG-MAT-COIR-6040",
        "B0CS3R4T7A",
        "Coir Door Mat, Non-Slip, 'Home Sweet Home', 60 x 40 cm",
        1349,
        352,
        4,
    ),
    ("HG-TROWEL-SET2", "B0CT5S8V2S", "Stainless Steel Hand Trowel and Rake Set, 2 Piece", 1599, 284, 3),
)
HOT_SKU = 3  # the poster set that took off on 2026-10-19

_SKU = [c[0] for c in CATALOGUE]
_ASIN = [c[1] for c in CATALOGUE]
_NAME = [c[2] for c in CATALOGUE]
_UNIT = np.array([c[3] for c in CATALOGUE], dtype=np.int64)
_FBA_FEE = np.array([c[4] for c in CATALOGUE], dtype=np.int64)
_POP = np.array([c[5] for c in CATALOGUE], dtype=np.float64)
_POP /= _POP.sum()

# city, county (ship-state; empty where buyers usually leave it out), postcode outward code, weight
CITIES: tuple[tuple[str, str, str, float], ...] = (
    ("London", "Greater London", "SW11", 5), ("London", "Greater London", "N16", 4),
    ("London", "Greater London", "E17", 4), ("London", "", "SE22", 3), ("London", "Greater London", "W5", 3),
    ("Manchester", "Greater Manchester", "M20", 4), ("Manchester", "", "M14", 2),
    ("Birmingham", "West Midlands", "B13", 4), ("Leeds", "West Yorkshire", "LS6", 3),
    ("Sheffield", "South Yorkshire", "S10", 2), ("Bristol", "", "BS6", 3), ("Bristol", "Avon", "BS3", 2),
    ("Nottingham", "Nottinghamshire", "NG7", 2), ("Leicester", "Leicestershire", "LE2", 2),
    ("Newcastle upon Tyne", "Tyne and Wear", "NE2", 2), ("Liverpool", "Merseyside", "L17", 2),
    ("Brighton", "East Sussex", "BN1", 2), ("Southampton", "Hampshire", "SO15", 2),
    ("Reading", "Berkshire", "RG1", 2), ("Oxford", "Oxfordshire", "OX4", 2),
    ("Cambridge", "Cambridgeshire", "CB1", 2), ("Norwich", "Norfolk", "NR2", 2), ("York", "North Yorkshire", "YO10", 2),
    ("Harrogate", "North Yorkshire", "HG1", 1), ("Exeter", "Devon", "EX4", 1), ("Bath", "Somerset", "BA2", 1),
    ("Canterbury", "Kent", "CT1", 1), ("Tunbridge Wells", "Kent", "TN1", 1), ("Cheltenham", "Gloucestershire", "GL50", 1),
    ("Edinburgh", "", "EH10", 3), ("Glasgow", "", "G12", 3), ("Aberdeen", "Aberdeenshire", "AB10", 1),
    ("Cardiff", "", "CF24", 2), ("Swansea", "West Glamorgan", "SA1", 1), ("Belfast", "County Antrim", "BT9", 1),
    ("Milton Keynes", "Buckinghamshire", "MK9", 1), ("Colchester", "Essex", "CO1", 1), ("Chester", "Cheshire", "CH2", 1),
)  # fmt: skip
_CITY = [c[0] for c in CITIES]
_COUNTY = [c[1] for c in CITIES]
_OUTWARD = [c[2] for c in CITIES]
_CITY_P = np.array([c[3] for c in CITIES], dtype=np.float64)
_CITY_P /= _CITY_P.sum()
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

FIRST_NAMES = _words(
    "Oliver George Harry Jack Noah Charlie Thomas James William Jacob Alfie Samuel Daniel Joshua Callum Rhys "
    "Olivia Amelia Isla Ava Emily Sophie Grace Lily Chloe Ella Jessica Hannah Lucy Megan Eleanor Niamh "
    "Priya Aisha Fatima Mohammed Arjun Zara Siobhan Hamish Eilidh Gareth Sian Margaret Susan David Paul"
)
SURNAMES = _words(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright "
    "Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill "
    "Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker "
    "Bennett Young Mitchell Kelly Campbell MacDonald Murphy O'Brien Khan Ahmed Singh Shah Begum Price Griffiths"
)
STREETS = (
    "High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Mill Lane", "Queens Road",
    "Green Lane", "Kings Road", "Manor Way", "The Crescent", "Orchard Close", "Windsor Drive", "Elm Grove",
    "Chapel Street", "New Road", "Albert Street", "Springfield Road", "Meadow View", "York Road", "Beech Avenue",
    "Grange Road", "St John's Road", "Highfield Road", "Cromwell Terrace",
)  # fmt: skip

# ----------------------------------------------------------------------------------------------- small helpers

_DAY = 86_400
_ALNUM_LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _ts(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> int:
    return int(datetime(y, m, d, hh, mm, ss, tzinfo=UTC).timestamp())


def _day(ts: int) -> int:
    return ts // _DAY


def _offset_text(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    h, m = divmod(abs(seconds) // 60, 60)
    return f"{sign}{h:02d}:{m:02d}"


def _iso(ts: np.ndarray, offset: np.ndarray | int = 0) -> pl.Series:
    """Instants (epoch seconds) as `2026-10-19T14:03:11+00:00`, rendered at the given UTC offset(s)."""
    ts = np.asarray(ts, dtype=np.int64)
    local = ts + np.broadcast_to(np.asarray(offset, dtype=np.int64), ts.shape)
    # few distinct days, offsets and times of day: format each once, then gather (fast for millions)
    days, day_idx = np.unique(local // _DAY, return_inverse=True)
    offsets, off_idx = np.unique(local - ts, return_inverse=True)
    day_text = _date_text(days).gather(day_idx.ravel())
    secs = local % _DAY
    hh, mm, ss = secs // 3600, secs // 60 % 60, secs % 60
    two = pl.Series([f"{i:02d}" for i in range(60)], dtype=pl.String)
    suffix = pl.Series([_offset_text(int(u)) for u in offsets], dtype=pl.String).gather(off_idx.ravel())
    frame = pl.DataFrame(
        {"d": day_text, "h": two.gather(hh), "m": two.gather(mm), "s": two.gather(ss), "z": suffix}
    )
    return frame.select(
        pl.concat_str("d", pl.lit("T"), "h", pl.lit(":"), "m", pl.lit(":"), "s", "z").alias("t")
    ).to_series()


def _date_text(days: np.ndarray, fmt: str = "%Y-%m-%d") -> pl.Series:
    return pl.from_epoch(pl.Series(np.asarray(days, dtype=np.int64) * _DAY), time_unit="s").dt.strftime(fmt)


def _money(pence: np.ndarray, empty: np.ndarray | None = None) -> pl.Series:
    """Integer pence as `12.34` / `-3.85`; null (written as an empty field) where `empty`."""
    values, idx = np.unique(np.asarray(pence, dtype=np.int64), return_inverse=True)
    a = np.abs(values)
    text = [
        f"{'-' if v < 0 else ''}{x // 100}.{x % 100:02d}"
        for v, x in zip(values.tolist(), a.tolist(), strict=True)
    ]
    idx = idx.ravel()
    if empty is not None:
        idx = np.where(np.asarray(empty, bool), len(text), idx)
    return pl.Series([*text, None], dtype=pl.String).gather(idx)


def _blank(values: pl.Series, empty: np.ndarray) -> pl.Series:
    frame = pl.DataFrame({"v": values, "e": np.asarray(empty, bool)})
    return frame.select(pl.when(pl.col("e")).then(None).otherwise(pl.col("v")).alias("v")).to_series()


def _pick(values: Sequence[str], idx: np.ndarray) -> pl.Series:
    return pl.Series(list(values), dtype=pl.String).gather(np.asarray(idx, dtype=np.int64))


def _digits(values: np.ndarray, width: int) -> pl.Series:
    return pl.Series(np.asarray(values, dtype=np.int64)).cast(pl.String).str.zfill(width)


def _const(value: str | None, n: int) -> pl.Series:
    return pl.repeat(value, n, dtype=pl.String, eager=True)


def _rand_text(rng: np.random.Generator, n: int, length: int, alphabet: str) -> pl.Series:
    chars = np.array(list(alphabet), dtype="<U1")
    picked = np.ascontiguousarray(chars[rng.integers(0, len(alphabet), size=(n, length))])
    return pl.Series(picked.view(f"<U{length}").ravel(), dtype=pl.String)


def _unique_ints(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    """n distinct random integers in [low, high), in random order (deterministic for a given rng state)."""
    values = rng.integers(low, high, size=n, dtype=np.int64)
    while True:
        _, first = np.unique(values, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            return values
        values[dup] = rng.integers(low, high, size=int(dup.sum()), dtype=np.int64)


def _order_ids(id_a: np.ndarray, id_b: np.ndarray) -> pl.Series:
    return "202-" + _digits(id_a, 7) + "-" + _digits(id_b, 7)


def _london_offset(ts: np.ndarray) -> np.ndarray:
    """UTC offset (seconds) of Europe/London at each instant: BST from the last Sunday of March 01:00 UTC
    to the last Sunday of October 01:00 UTC."""
    ts = np.asarray(ts, dtype=np.int64)
    out = np.zeros(ts.shape, dtype=np.int64)
    years = pl.from_epoch(pl.Series(ts.ravel()), time_unit="s").dt.year().to_numpy().reshape(ts.shape)
    for year in np.unique(years):  # one pass per calendar year present (a handful)
        y = int(year)
        starts, ends = (
            _ts(y, m, 31 - (date(y, m, 31).weekday() + 1) % 7, 1) for m in (3, 10)
        )  # last Sundays
        out[(years == y) & (ts >= starts) & (ts < ends)] = 3600
    return out


def _write_tsv(frame: pl.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        with (
            path.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=1) as gz,
        ):
            frame.write_csv(gz, separator="\t", quote_style="never", null_value="", line_terminator="\n")
    else:
        frame.write_csv(path, separator="\t", quote_style="never", null_value="", line_terminator="\n")
    return path


# ----------------------------------------------------------------------------------------------- orders


@dataclass
class _Orders:
    """Order-level arrays (length n_orders) and line-level arrays (length n_lines); times are epoch seconds."""

    ts: np.ndarray  # purchase instant
    auth_ts: np.ndarray  # payment authorised (Order Report payments-date; last update while pending)
    ship_ts: np.ndarray  # dispatch (MFN) or shipment (FBA); ignored for cancelled orders
    cancel_ts: np.ndarray
    upd_ts: np.ndarray  # last-updated-date once shipped or cancelled
    id_a: np.ndarray
    id_b: np.ndarray
    fba: np.ndarray
    non_amazon: np.ndarray  # multi-channel fulfilment (FBA, sales-channel Non-Amazon)
    expedited: np.ndarray
    cancelled: np.ndarray
    cancel_priced: np.ndarray  # a cancelled line that still shows its price and currency
    business: np.ndarray
    city: np.ndarray
    inward: pl.Series  # postcode inward code, e.g. "4JT"
    edd_days: np.ndarray  # earliest / latest estimated delivery, days after the purchase day
    ldd_days: np.ndarray
    line_order: np.ndarray
    line_no: np.ndarray
    sku: np.ndarray
    qty: np.ndarray
    item_id: np.ndarray  # 14-digit order-item-id

    @property
    def n_orders(self) -> int:
        return int(self.ts.size)

    def money(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per line, in pence: item-price (unit x quantity, incl. 20% VAT), item-tax (price/6), shipping, tax."""
        price = _UNIT[self.sku] * self.qty
        tax = (price + 3) // 6
        mfn_first = ~self.fba[self.line_order] & (self.line_no == 0)
        cheap = _UNIT[self.sku] < 800
        ship = np.where(mfn_first & self.expedited[self.line_order], 349, np.where(mfn_first & cheap, 199, 0))
        return price, tax, ship, (ship + 3) // 6

    def order_ids(self, lines: np.ndarray | None = None) -> pl.Series:
        oi = self.line_order if lines is None else self.line_order[lines]
        return _order_ids(self.id_a[oi], self.id_b[oi])


def _build_orders(
    rng: np.random.Generator,
    ts: np.ndarray,
    *,
    hot_share: np.ndarray | float = 0.0,
    non_amazon_share: float = 0.01,
    fba_share: float = 0.30,
) -> _Orders:
    """Orders placed at the sorted instants `ts`, with their lines. Vectorised; shared by demo and benchmark."""
    ts = np.asarray(ts, dtype=np.int64)
    n = ts.size
    fba = rng.random(n) < fba_share
    non_amazon = fba & (rng.random(n) < non_amazon_share)
    expedited = rng.random(n) < np.where(fba, 0.18, 0.08)
    cancelled = (rng.random(n) < 0.02) & ~non_amazon
    cancel_priced = rng.random(n) < 0.5
    business = rng.random(n) < 0.015
    auth_ts = ts + rng.integers(20, 900, n)
    handling = np.where(fba, rng.integers(2 * 3600, 30 * 3600, n), rng.integers(5 * 3600, 44 * 3600, n))
    ship_ts = ts + handling
    cancel_ts = ts + rng.integers(1800, 20 * 3600, n)
    upd_ts = np.where(cancelled, cancel_ts, ship_ts + rng.integers(60, 3 * 3600, n))
    ids = _unique_ints(rng, n, 0, 10**14)
    city = rng.choice(len(CITIES), size=n, p=_CITY_P)
    letters = np.array(list(_INWARD_LETTERS))
    inward = (
        pl.Series(rng.integers(1, 10, n)).cast(pl.String)
        + _pick(letters.tolist(), rng.integers(0, len(letters), n))
        + _pick(letters.tolist(), rng.integers(0, len(letters), n))
    )
    edd_days = np.where(expedited, 2, rng.integers(2, 6, n))
    ldd_days = edd_days + np.where(expedited, 1, rng.integers(1, 4, n))

    n_lines = 1 + (rng.random(n) < 0.12)
    line_order = np.repeat(np.arange(n), n_lines)
    starts = np.cumsum(n_lines) - n_lines
    line_no = np.arange(line_order.size) - starts[line_order]
    k = len(CATALOGUE)
    first = rng.choice(k, size=n, p=_POP)
    first = np.where(rng.random(n) < hot_share, HOT_SKU, first)
    second = (first + 1 + rng.integers(0, k - 1, n)) % k  # always a different SKU
    sku = np.where(line_no == 0, first[line_order], second[line_order])
    qty = rng.choice(np.array([1, 2, 3]), size=line_order.size, p=[0.86, 0.11, 0.03])
    item_id = _unique_ints(rng, line_order.size, 10**13, 10**14)
    return _Orders(
        ts=ts, auth_ts=auth_ts, ship_ts=ship_ts, cancel_ts=cancel_ts, upd_ts=upd_ts,
        id_a=ids // 10**7, id_b=ids % 10**7, fba=fba, non_amazon=non_amazon, expedited=expedited,
        cancelled=cancelled, cancel_priced=cancel_priced, business=business, city=city, inward=inward,
        edd_days=edd_days, ldd_days=ldd_days, line_order=line_order, line_no=line_no, sku=sku, qty=qty,
        item_id=item_id,
    )  # fmt: skip


def _order_times(rng: np.random.Generator, day0: int, per_day: np.ndarray) -> np.ndarray:
    """Sorted purchase instants: a count per day (from day0, a UTC midnight), UK-shaped hour of day."""
    hour_w = np.array(
        [0.6, 0.3, 0.2, 0.15, 0.15, 0.2, 0.5, 1.2, 2.0, 2.6, 2.9, 3.0,
         3.1, 3.1, 3.0, 3.0, 3.1, 3.3, 3.7, 4.2, 4.4, 3.8, 2.6, 1.4]
    )  # fmt: skip
    day = np.repeat(np.arange(per_day.size), per_day)
    hour = rng.choice(24, size=day.size, p=hour_w / hour_w.sum())
    return np.sort(day0 + day * _DAY + hour * 3600 + rng.integers(0, 3600, day.size))


def _all_orders_frame(
    o: _Orders, as_of: int, lo: int, hi: int, local_offset: np.ndarray | None = None
) -> pl.DataFrame:
    """The All Orders report (33 columns) as downloaded at `as_of`, for orders purchased in [lo, hi).
    `local_offset` (seconds per order) renders some orders' dates at a local UTC offset."""
    keep = (o.ts >= lo) & (o.ts < hi) & (o.ts <= as_of)
    lines = np.flatnonzero(keep[o.line_order])
    oi = o.line_order[lines]
    n = lines.size
    cancelled = o.cancelled[oi] & (o.cancel_ts[oi] <= as_of)
    shipped = ~o.cancelled[oi] & (o.ship_ts[oi] <= as_of)
    pending = ~cancelled & ~shipped
    fba = o.fba[oi]
    updated = np.where(cancelled, o.cancel_ts[oi], np.where(shipped, o.upd_ts[oi], o.auth_ts[oi]))
    offset = 0 if local_offset is None else local_offset[oi]
    state = np.where(cancelled, 2, np.where(shipped, 1, 0))
    no_price = (pending & ~fba) | (cancelled & ~o.cancel_priced[oi])
    no_tax = (pending & ~fba) | cancelled
    price, tax, ship, ship_tax = (a[lines] for a in o.money())
    non_amazon = o.non_amazon[oi]
    mcf_rank = np.cumsum(o.non_amazon)[oi]
    merchant_id = _blank("WEB-" + pl.Series(10400 + 7 * mcf_rank).cast(pl.String), ~non_amazon)
    columns = {
        "amazon-order-id": o.order_ids(lines),
        "merchant-order-id": merchant_id,
        "purchase-date": _iso(o.ts[oi], offset),
        "last-updated-date": _iso(updated, offset),
        "order-status": _pick(["Pending", "Shipped", "Cancelled"], state),
        "fulfillment-channel": _pick(["Merchant", "Amazon"], fba.astype(np.int64)),
        "sales-channel": _pick(["Amazon.co.uk", "Non-Amazon"], non_amazon.astype(np.int64)),
        "order-channel": _blank(_const("WebsiteOrderChannel", n), non_amazon),
        "ship-service-level": _pick(["Standard", "Expedited"], o.expedited[oi].astype(np.int64)),
        "product-name": _pick(_NAME, o.sku[lines]),
        "sku": _pick(_SKU, o.sku[lines]),
        "asin": _pick(_ASIN, o.sku[lines]),
        "item-status": _pick(["Unshipped", "Shipped", "Cancelled"], state),
        "quantity": pl.Series(np.where(cancelled, 0, o.qty[lines])).cast(pl.String),
        "currency": _blank(_const("GBP", n), no_price),
        "item-price": _money(price, no_price),
        "item-tax": _money(tax, no_tax),
        "shipping-price": _money(ship, no_tax),
        "shipping-tax": _money(ship_tax, no_tax),
        "gift-wrap-price": _const(None, n),
        "gift-wrap-tax": _const(None, n),
        "item-promotion-discount": _const(None, n),
        "ship-promotion-discount": _const(None, n),
        "ship-city": _pick(_CITY, o.city[oi]),
        "ship-state": _pick(_COUNTY, o.city[oi]),
        "ship-postal-code": _pick(_OUTWARD, o.city[oi]) + " " + o.inward.gather(oi),
        "ship-country": _const("GB", n),
        "promotion-ids": _const(None, n),
        "cpf": _const(None, n),
        "is-business-order": _pick(["false", "true"], o.business[oi].astype(np.int64)),
        "purchase-order-number": _const(None, n),
        "price-designation": _const(None, n),
        "signature-confirmation-recommended": _const("false", n),
    }
    return pl.DataFrame({name: columns[name].alias(name) for name in ALL_ORDERS_COLUMNS})


def write_all_orders(path: Path, n_lines: int, seed: int = 1) -> Path:
    """An All Orders report (2022 33-column header, Amazon.co.uk, GBP) with exactly `n_lines` data rows:
    a year of orders ending 2026-11-15, as downloaded then. Gzipped when `path` ends in `.gz`."""
    path = Path(path)
    rng = np.random.default_rng([seed, 101])
    end = _ts(2026, 11, 15)
    n_days = 365
    # one order per wanted line is always enough lines (an order has 1 or 2); surplus lines are cut below
    per_day = np.bincount(rng.integers(0, n_days, max(n_lines, 1)), minlength=n_days)
    orders = _build_orders(rng, _order_times(rng, end - (n_days - 1) * _DAY, per_day), non_amazon_share=0.01)
    last = int(orders.line_order[n_lines - 1]) if n_lines else -1
    as_of = int(orders.ts[last]) + 3600 if n_lines else end
    frame = _all_orders_frame(orders, as_of, 0, int(orders.ts[last]) + 1 if n_lines else 0).head(n_lines)
    return _write_tsv(frame, path)


# ----------------------------------------------------------------------------------------------- the demo seller

DEMO_START = _ts(2026, 9, 21)
DEMO_BOOM = _ts(2026, 10, 19)
DEMO_SNAPSHOT_1 = _ts(2026, 10, 20, 20, 0)  # first All Orders download
DEMO_AS_OF = _ts(2026, 11, 15, 21, 0)  # last data: everything else is "as seen" then
SETTLEMENT_OPEN = _ts(2026, 9, 21, 8, 0)

_COMMENTS = {
    5: (
        "Great seller, fast delivery, well packaged.",
        "Arrived quickly and exactly as described. Thank you!",
        "Lovely print, really good quality paper.",
        "Excellent - would buy from again.",
        "Item as described, quick dispatch.",
        "Very happy with my order, thanks.",
        "Perfect, great value for money.",
        "Brilliant, looks even better than the photos.",
        "Fast delivery and great communication.",
        "Exactly what I wanted. A+++",
    ),
    4: (
        "Good product, delivery took a couple of days longer than expected.",
        "Nice item, packaging could be better.",
        "Good value, happy overall.",
        "As described, arrived on time.",
    ),
    3: (
        "Item OK but the frame corner was slightly scuffed.",
        "Took over a week to arrive.",
        "Smaller than I expected, colours a bit dull.",
    ),
    2: ("Poster arrived creased, had to ask for a replacement.",),
    1: ("Arrived broken and no reply from the seller for days. Had to open a claim.",),
}


def _demo_times(rng: np.random.Generator) -> np.ndarray:
    days = np.arange(_day(DEMO_AS_OF) - _day(DEMO_START) + 1)
    boom = _day(DEMO_BOOM) - _day(DEMO_START)
    rate = np.where(
        days < boom,
        3.3 + 1.2 * days / boom,  # a new shop: 3-5 orders a day
        np.select(
            [days == boom, days == boom + 1, days == boom + 2], [12.0, 18.0, 24.0], 29.0 + 0.1 * (days - boom)
        ),
    )
    weekday = (days + date(2026, 9, 21).weekday()) % 7  # 0 = Monday
    weekly = np.array([1.0, 0.96, 0.95, 0.98, 0.92, 1.04, 1.15])[weekday]
    per_day = rng.poisson(rate * weekly)
    per_day[0] = max(per_day[0], 2)
    ts = _order_times(rng, DEMO_START, per_day)
    return ts[ts <= DEMO_AS_OF - 600]


@dataclass
class _Buyers:
    email: pl.Series
    name: pl.Series
    recipient: pl.Series
    address_1: pl.Series
    address_2: pl.Series
    instructions: pl.Series


def _demo_buyers(rng: np.random.Generator, n: int) -> _Buyers:
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(SURNAMES), n)
    other_first = rng.integers(0, len(FIRST_NAMES), n)
    gift = rng.random(n) < 0.12
    name = _pick(FIRST_NAMES, first) + " " + _pick(SURNAMES, last)
    recipient = _pick(FIRST_NAMES, np.where(gift, other_first, first)) + " " + _pick(SURNAMES, last)
    house = pl.Series(rng.integers(1, 140, n)).cast(pl.String)
    address_1 = house + " " + _pick(STREETS, rng.integers(0, len(STREETS), n))
    flat = rng.random(n) < 0.15
    address_2 = _blank("Flat " + pl.Series(rng.integers(1, 24, n)).cast(pl.String), ~flat)
    notes = [
        "",
        "Please leave in the porch",
        "Leave with neighbour at no. 12 if out",
        "Ring doorbell, dog barks",
    ]
    instructions = _pick(notes, np.where(rng.random(n) < 0.06, rng.integers(1, len(notes), n), 0))
    instructions = _blank(instructions, instructions.to_numpy() == "")
    email = _rand_text(rng, n, 15, _ALNUM_LOWER) + "@marketplace.amazon.co.uk"
    return _Buyers(email, name, recipient, address_1, address_2, instructions)


def _order_report_frame(o: _Orders, buyers: _Buyers, lines: np.ndarray) -> pl.DataFrame:
    oi = o.line_order[lines]
    n = lines.size
    off = _london_offset(o.ts[oi])
    local_day = (o.ts[oi] + off) // _DAY
    start_day, end_day = local_day + o.edd_days[oi], local_day + o.ldd_days[oi]
    start_utc = start_day * _DAY - _london_offset(start_day * _DAY)
    end_utc = end_day * _DAY + _DAY - 1 - _london_offset(end_day * _DAY)
    price, tax, ship, ship_tax = (a[lines] for a in o.money())
    columns = {
        "order-id": o.order_ids(lines),
        "order-item-id": _digits(o.item_id[lines], 14),
        "purchase-date": _iso(o.ts[oi], off),
        "payments-date": _iso(o.auth_ts[oi], _london_offset(o.auth_ts[oi])),
        "buyer-email": buyers.email.gather(oi),
        "buyer-name": buyers.name.gather(oi),
        "buyer-phone-number": _const(None, n),
        "sku": _pick(_SKU, o.sku[lines]),
        "product-name": _pick(_NAME, o.sku[lines]),
        "quantity-purchased": pl.Series(o.qty[lines]).cast(pl.String),
        "currency": _const("GBP", n),
        "item-price": _money(price),
        "item-tax": _money(tax),
        "shipping-price": _money(ship),
        "shipping-tax": _money(ship_tax),
        "ship-service-level": _pick(["Standard", "Expedited"], o.expedited[oi].astype(np.int64)),
        "recipient-name": buyers.recipient.gather(oi),
        "ship-address-1": buyers.address_1.gather(oi),
        "ship-address-2": buyers.address_2.gather(oi),
        "ship-address-3": _const(None, n),
        "ship-city": _pick(_CITY, o.city[oi]),
        "ship-state": _pick(_COUNTY, o.city[oi]),
        "ship-postal-code": _pick(_OUTWARD, o.city[oi]) + " " + o.inward.gather(oi),
        "ship-country": _const("GB", n),
        "ship-phone-number": _const(None, n),
        "delivery-start-date": _iso(start_utc, _london_offset(start_utc)),
        "delivery-end-date": _iso(end_utc, _london_offset(end_utc)),
        "delivery-time-zone": _const("Europe/London", n),
        "delivery-Instructions": buyers.instructions.gather(oi),
        "sales-channel": _const("Amazon.co.uk", n),
    }
    return pl.DataFrame({name: columns[name].alias(name) for name in ORDER_REPORT_COLUMNS})


@dataclass
class _Return:
    line: int
    request_ts: int
    received_ts: int  # the return parcel arrives back (may be after the data)
    refund_ts: int  # refund posted (may be after the data)
    reason: str
    claim: bool


def _settlement_components(
    o: _Orders, lines: np.ndarray, posted: np.ndarray, refund: bool, adjustment: np.ndarray
) -> pl.DataFrame:
    """One row per amount component of each order line (Order) or refunded line (Refund), amounts in pence."""
    oi = o.line_order[lines]
    price, tax, ship, ship_tax = (a[lines] for a in o.money())
    net, ship_net = price - tax, ship - ship_tax
    commission = np.maximum(25, (15 * (net + ship_net) + 50) // 100)
    fba_fee = np.where(o.fba[oi], _FBA_FEE[o.sku[lines]] * o.qty[lines], 0)
    sign = -1 if refund else 1
    parts = [
        ("ItemPrice", "Principal", sign * net),
        ("ItemPrice", "Tax", sign * tax),
        ("ItemPrice", "Shipping", sign * ship_net),
        ("ItemPrice", "ShippingTax", sign * ship_tax),
        ("ItemFees", "Commission", -sign * commission),
    ]
    if refund:
        parts.append(("ItemFees", "RefundCommission", -np.minimum(500, (20 * commission + 50) // 100)))
    else:
        parts.append(("ItemFees", "FBAPerUnitFulfillmentFee", -fba_fee))
    amounts = np.stack([p[2] for p in parts], axis=1)  # lines x components
    part = np.broadcast_to(np.arange(len(parts)), amounts.shape)
    line = np.broadcast_to(np.arange(lines.size)[:, None], amounts.shape)
    keep = (amounts != 0) | (part == 0)
    line, part, amounts = line[keep], part[keep], amounts[keep]
    li, oo = lines[line], oi[line]
    n = li.size
    return pl.DataFrame(
        {
            "posted": posted[line],
            "seq": o.item_id[li] % 10**6 * 10 + part,
            "transaction-type": _const("Refund" if refund else "Order", n),
            "order-id": _order_ids(o.id_a[oo], o.id_b[oo]),
            "adjustment-id": _blank(_digits(adjustment[line], 14), np.full(n, not refund)),
            "shipment-id": _blank("D" + _digits(o.id_b[oo] * 7919 % 10**8, 8), np.full(n, refund)),
            "marketplace-name": _const("Amazon.co.uk", n),
            "amount-type": _pick([p[0] for p in parts], part),
            "amount-description": _pick([p[1] for p in parts], part),
            "amount": amounts,
            "fulfillment-id": _pick(["MFN", "AFN"], o.fba[oo].astype(np.int64)),
            "order-item-code": _digits(o.item_id[li], 14),
            "sku": _pick(_SKU, o.sku[li]),
            "quantity-purchased": _blank(pl.Series(o.qty[li]).cast(pl.String), part != 0),
        }
    )


def _other_line(posted: int, seq: int, description: str, pence: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "posted": [posted],
            "seq": [seq],
            "transaction-type": ["other-transaction"],
            "marketplace-name": ["Amazon.co.uk"],
            "amount-type": ["other-transaction"],
            "amount-description": [description],
            "amount": [pence],
        }
    )


def _settlement_frame(sid: int, start: int, end: int, lines: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    lines = lines.sort("posted", "seq")
    total = int(lines["amount"].sum())
    n = lines.height
    body = pl.DataFrame(
        {
            "settlement-id": _const(str(sid), n),
            "transaction-type": lines["transaction-type"],
            "order-id": lines["order-id"],
            "adjustment-id": lines["adjustment-id"],
            "shipment-id": lines["shipment-id"],
            "marketplace-name": lines["marketplace-name"],
            "amount-type": lines["amount-type"],
            "amount-description": lines["amount-description"],
            "amount": _money(lines["amount"].to_numpy()),
            "fulfillment-id": lines["fulfillment-id"],
            "posted-date": _date_text(lines["posted"].to_numpy() // _DAY),
            "posted-date-time": _iso(lines["posted"].to_numpy()),
            "order-item-code": lines["order-item-code"],
            "sku": lines["sku"],
            "quantity-purchased": lines["quantity-purchased"],
        }
    )
    summary = pl.DataFrame(
        {
            "settlement-id": [str(sid)],
            "settlement-start-date": _iso(np.array([start])),
            "settlement-end-date": _iso(np.array([end])),
            "deposit-date": _iso(np.array([end + 2 * _DAY])),
            "total-amount": _money(np.array([total])),
            "currency": ["GBP"],
        }
    )
    frame = pl.concat([summary, body], how="diagonal")
    return frame.select(
        [
            frame[c] if c in frame.columns else _const(None, frame.height).alias(c)
            for c in SETTLEMENT_V2_COLUMNS
        ]
    ), total


def write_demo(out_dir: Path, seed: int = 7) -> list[Path]:
    """Write the demo seller's downloads (All Orders x2, Order Report, Feedback, Feedback Rating table,
    four V2 settlements, Returns) into `out_dir`; returns the files written. Same seed, same bytes."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    rng = np.random.default_rng([seed, 1])
    ts = _demo_times(rng)
    o = _build_orders(rng, ts, hot_share=np.where(ts >= DEMO_BOOM, 0.55, 0.0), non_amazon_share=0.0)
    buyers = _demo_buyers(np.random.default_rng([seed, 2]), o.n_orders)
    pick = np.random.default_rng([seed, 3])
    as_of_day = _day(DEMO_AS_OF)

    # three multi-channel (Non-Amazon) FBA orders, one per phase
    for lo, hi in ((DEMO_START, _ts(2026, 10, 6)), (_ts(2026, 10, 6), DEMO_BOOM), (DEMO_BOOM, DEMO_AS_OF)):
        pool = np.flatnonzero(o.fba & ~o.cancelled & (o.ts >= lo) & (o.ts < hi))
        o.non_amazon[pick.choice(pool)] = True

    # --- All Orders: two overlapping downloads; a few orders in the second carry the London offset (+01:00)
    second_lo = _ts(2026, 10, 6)
    bst = np.flatnonzero((o.ts >= second_lo) & (o.ts < _ts(2026, 10, 25, 1)))
    local = np.zeros(o.n_orders, dtype=np.int64)
    local[pick.choice(bst, size=6, replace=False)] = 3600
    first = _all_orders_frame(o, DEMO_SNAPSHOT_1, DEMO_START, _ts(2026, 10, 21))
    second = _all_orders_frame(o, DEMO_AS_OF, second_lo, _ts(2026, 11, 16), local)
    written.append(_write_tsv(first, out_dir / "all_orders_2026-10-20.txt"))
    written.append(_write_tsv(second, out_dir / "all_orders_2026-11-15.txt"))

    # --- Order Report: seller-fulfilled, not cancelled, purchased 2026-10-17..2026-11-15
    mfn_line = ~o.fba[o.line_order] & ~o.cancelled[o.line_order]
    recent = (o.ts[o.line_order] >= _ts(2026, 10, 17)) & (o.ts[o.line_order] <= DEMO_AS_OF)
    report = _order_report_frame(o, buyers, np.flatnonzero(mfn_line & recent))
    written.append(_write_tsv(report, out_dir / "order_report_2026-11-15.txt"))

    # --- delivery (a day between the earliest and latest estimate) for shipped marketplace orders
    sold = ~o.cancelled & ~o.non_amazon & (o.ship_ts <= DEMO_AS_OF)
    purchase_day = o.ts // _DAY
    delivered_day = purchase_day + o.edd_days + pick.integers(0, o.ldd_days - o.edd_days + 1)

    # --- Returns: five single-line seller-fulfilled orders; the second one ends in an A-to-z claim
    pool = np.flatnonzero(
        sold
        & ~o.fba
        & (o.ts >= _ts(2026, 10, 2))
        & (o.ts < _ts(2026, 11, 7))
        & (np.bincount(o.line_order) == 1)
    )
    chosen = np.sort(pick.choice(pool, size=5, replace=False))
    reasons = [
        "CR-DAMAGED_BY_CARRIER",
        "CR-DEFECTIVE",
        "CR-UNWANTED_ITEM",
        "AMZ-PG-BAD-DESC",
        "CR-ORDERED_WRONG_ITEM",
    ]
    returns: list[_Return] = []
    for k, order in enumerate(chosen):  # five rows
        line = int(np.flatnonzero(o.line_order == order)[0])
        request = min(
            int(delivered_day[order]) * _DAY + int(pick.integers(1, 4)) * _DAY + 36_000, DEMO_AS_OF - 7200
        )
        request += int(pick.integers(0, 3600))
        received = request + int(pick.integers(3, 7)) * _DAY + 3 * 3600
        refund = (request + 2 * _DAY) if k == 1 else received + 5 * 3600  # the claim refunds without the item
        returns.append(_Return(line, request, received, refund, reasons[k], claim=(k == 1)))
    written.append(_write_tsv(_returns_frame(o, returns, pick), out_dir / "returns_2026-11-15.txt"))

    # --- Feedback: who left some, when, and how many stars (the full truth; the report shows a subset)
    fb_rng = np.random.default_rng([seed, 4])
    claim = returns[1]
    claim_order = int(o.line_order[claim.line])
    leaves = sold & (fb_rng.random(o.n_orders) < 0.075)
    leaves[[int(o.line_order[r.line]) for r in returns]] = False
    leaves[claim_order] = True
    delay = fb_rng.geometric(0.3, o.n_orders) - 1 + np.where(fb_rng.random(o.n_orders) < 0.2, 8, 0)
    fb_day = np.minimum(np.maximum(delivered_day + delay, purchase_day + 3), purchase_day + 30)
    fb_day[claim_order] = min(claim.request_ts // _DAY + 1, as_of_day)
    given = np.flatnonzero(leaves & (fb_day <= as_of_day))
    rating = np.where(fb_rng.random(given.size) < 0.8, 5, 4)
    others = np.flatnonzero(given != claim_order)
    low = fb_rng.choice(others, size=4, replace=False)
    rating[low[:3]] = 3
    rating[low[3]] = 2
    rating[given == claim_order] = 1
    shown_pos = fb_rng.choice(np.flatnonzero(rating >= 4), size=15, replace=False)
    shown = np.sort(np.concatenate([np.flatnonzero(rating <= 3), shown_pos]))
    feedback = _feedback_frame(
        o, buyers, given[shown], fb_day[given[shown]], rating[shown], claim_order, fb_rng
    )
    written.append(_write_tsv(feedback, out_dir / "feedback_2026-11-15.txt"))
    ratings = _ratings_frame(fb_day[given], rating)
    path = out_dir / "feedback_rating_2026-11-15.csv"
    ratings.write_csv(path, separator=",", quote_style="never", line_terminator="\n")
    written.append(path)

    # --- Settlements V2: 14-day periods from 2026-09-21 08:00 UTC; the review hold from the one closing 11-02
    for path in _write_settlements(o, returns, sold, out_dir, np.random.default_rng([seed, 5])):
        written.append(path)
    return written


def _returns_frame(o: _Orders, returns: list[_Return], rng: np.random.Generator) -> pl.DataFrame:
    rows: list[dict[str, str | None]] = []
    price, _tax, ship, _ = o.money()
    for r in returns:  # a handful of rows
        order = int(o.line_order[r.line])
        done = r.refund_ts <= DEMO_AS_OF
        back = r.received_ts <= DEMO_AS_OF
        amount = int(price[r.line] + ship[r.line])
        rows.append(
            {
                "Order ID": f"202-{o.id_a[order]:07d}-{o.id_b[order]:07d}",
                "Order date": _iso(np.array([o.ts[order]]))[0],
                "Return request date": _iso(np.array([r.request_ts]))[0],
                "Return request status": "Closed" if done else "Approved",
                "Amazon RMA ID": "D" + _rand_text(rng, 1, 8, _ALNUM)[0] + "RRMA",
                "Merchant RMA ID": None,
                "Label type": "AmazonUnPaidLabel" if r.reason == "CR-UNWANTED_ITEM" else "AmazonPrePaidLabel",
                "Label cost": None if r.reason == "CR-UNWANTED_ITEM" else "3.29",
                "Currency code": "GBP",
                "Return carrier": "Royal Mail",
                "Tracking ID": f"QF{int(rng.integers(10**8, 10**9))}GB",
                "Label to be paid by": "Customer" if r.reason == "CR-UNWANTED_ITEM" else "Seller",
                "A-to-Z Claim": "Y" if r.claim else "N",
                "Is prime": "N",
                "ASIN": _ASIN[o.sku[r.line]],
                "Merchant SKU": _SKU[o.sku[r.line]],
                "Item Name": _NAME[o.sku[r.line]],
                "Return quantity": str(o.qty[r.line]),
                "Return Reason": r.reason,
                "In policy": "Y",
                "Return type": "C-Returns",
                "Resolution": "StandardRefund",
                "Invoice number": None,
                "Return delivery date": _iso(np.array([r.received_ts]))[0] if back else None,
                "Order Amount": _money(np.array([amount]))[0],
                "Order quantity": str(o.qty[r.line]),
                "Refunded Amount": _money(np.array([amount]))[0] if done else None,
            }
        )
    frame = pl.DataFrame(rows, schema=dict.fromkeys(RETURNS_COLUMNS, pl.String))
    return frame.select(RETURNS_COLUMNS)


def _feedback_frame(
    o: _Orders,
    buyers: _Buyers,
    orders: np.ndarray,
    days: np.ndarray,
    rating: np.ndarray,
    claim_order: int,
    rng: np.random.Generator,
) -> pl.DataFrame:
    comments = []
    responses: list[str | None] = []
    for order, stars in zip(orders.tolist(), rating.tolist(), strict=True):  # ~20 rows
        options = _COMMENTS[stars]
        comments.append(options[int(rng.integers(0, len(options)))])
        if order == claim_order:
            responses.append(
                "We are sorry - a full refund has been issued. Please message us if we can help further."
            )
        elif stars == 3 and not any(responses):
            responses.append("Thank you for the feedback, we have improved our packaging.")
        else:
            responses.append(None)
    frame = pl.DataFrame(
        {
            "Date": _date_text(days, "%-d/%-m/%y"),
            "Rating": pl.Series(rating).cast(pl.String),
            "Comments": comments,
            "Your Response": pl.Series(responses, dtype=pl.String),
            "Order ID": _order_ids(o.id_a[orders], o.id_b[orders]),
            "Rater Email": buyers.email.gather(orders),
            "day": days,
        }
    )
    dates = frame["Date"].to_list()
    assert any(int(d.split("/")[0]) > 12 for d in dates) and any(int(d.split("/")[0]) <= 12 for d in dates)
    return frame.sort("day", "Order ID", descending=True).select(FEEDBACK_COLUMNS)


def _ratings_frame(days: np.ndarray, rating: np.ndarray) -> pl.DataFrame:
    rows = []
    for read_on in (date(2026, 11, 1), date(2026, 11, 15)):
        d = _day(_ts(read_on.year, read_on.month, read_on.day))
        for period in ("30", "90", "365", "lifetime"):
            inside = (days <= d) & ((days > d - int(period)) if period != "lifetime" else True)
            r = rating[inside]
            rows.append(
                (
                    read_on.isoformat(),
                    "UK",
                    period,
                    int((r >= 4).sum()),
                    int((r == 3).sum()),
                    int((r <= 2).sum()),
                )
            )
    return pl.DataFrame(rows, schema=RATING_COLUMNS, orient="row")


def _write_settlements(
    o: _Orders, returns: list[_Return], sold: np.ndarray, out_dir: Path, rng: np.random.Generator
) -> list[Path]:
    # Order lines: every line of a shipped marketplace order, posted when it shipped
    lines = np.flatnonzero(sold[o.line_order])
    orders_part = _settlement_components(
        o, lines, o.ship_ts[o.line_order[lines]], False, np.zeros(lines.size, dtype=np.int64)
    )
    # Refunds: the returns report's refunded lines, plus one FBA customer return
    fba_pool = np.flatnonzero(
        sold[o.line_order] & o.fba[o.line_order] & (o.ts[o.line_order] < _ts(2026, 10, 20))
    )
    fba_line = int(rng.choice(fba_pool))
    refund_lines = np.array([r.line for r in returns] + [fba_line])
    refund_ts = np.array(
        [r.refund_ts for r in returns] + [int(o.ship_ts[o.line_order[fba_line]]) + 12 * _DAY]
    )
    adjustment = _unique_ints(rng, refund_lines.size, 10**13, 10**14)
    refund_part = _settlement_components(o, refund_lines, refund_ts, True, adjustment)
    posted = pl.concat([orders_part, refund_part], how="diagonal").filter(pl.col("posted") <= DEMO_AS_OF)

    written = []
    sid = int(rng.integers(24_100_000_000, 24_300_000_000))
    held = 0  # minus the previous settlement's Current Reserve Amount
    hold_from = _ts(2026, 11, 2, 8, 0)
    for k in range(4):  # four settlement periods
        start = SETTLEMENT_OPEN + k * 14 * _DAY
        end = start + 14 * _DAY
        period = posted.filter((pl.col("posted") >= start) & (pl.col("posted") < end))
        proceeds = int(period["amount"].sum())
        extra = []
        for fee_ts in (_ts(2026, 9, 23, 4, 12, 37), _ts(2026, 10, 23, 4, 9, 51), _ts(2026, 11, 23, 4, 11, 2)):
            if start <= fee_ts < end and fee_ts <= DEMO_AS_OF:
                extra.append(_other_line(fee_ts, 0, "Subscription Fee", -2500))
        if held:
            extra.append(_other_line(start, -1, "Previous Reserve Amount Balance", held))
        if end >= hold_from:
            share = 85 if not held else 90
            current = -(held + proceeds * share // 100)
            extra.append(_other_line(min(end, DEMO_AS_OF), 10**8, "Current Reserve Amount", current))
            held = -current
        frame, _total = _settlement_frame(sid, start, end, pl.concat([period, *extra], how="diagonal"))
        name = f"settlement_{_iso_date(start)}_to_{_iso_date(end)}.txt"
        written.append(_write_tsv(frame, out_dir / name))
        sid += int(rng.integers(60_000_000, 90_000_000))
    return written


def _iso_date(ts: int) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).date().isoformat()
