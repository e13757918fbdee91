"""The export kinds velocity reads: their known columns, how each is recognised from its header, and where
its rows go (store table, staging relation, natural key, version column).

Detection looks at content only, never at file names. Nothing here touches DuckDB or the file system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")


@dataclass(frozen=True)
class Target:
    """One store table a kind writes: rows come from the staging relation, merged by key; the greater
    version wins, a hash of the content breaks ties (so that import order never matters)."""

    table: str
    relation: str
    key: tuple[str, ...]
    version: str | None = None


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    raw: str  # the relation name the staging SQL reads
    columns: tuple[str, ...]  # every known source column (lower-cased); absent ones read as NULL
    signature: frozenset[str]  # columns whose presence identifies the kind
    targets: tuple[Target, ...]
    needs_marketplace: bool = False  # rows carry no marketplace of their own
    delimiter: str = "\t"  # Amazon's flat files; velocity's own rating CSV uses commas


def _cols(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ALL_ORDERS = Kind(
    name="all_orders",
    label="All Orders report",
    raw="raw_all_orders",
    columns=_cols(
        """amazon-order-id merchant-order-id purchase-date last-updated-date order-status fulfillment-channel
        sales-channel order-channel url ship-service-level product-name sku asin item-status quantity currency
        item-price item-tax shipping-price shipping-tax gift-wrap-price gift-wrap-tax item-promotion-discount
        ship-promotion-discount ship-city ship-state ship-postal-code ship-country promotion-ids cpf
        is-business-order purchase-order-number price-designation signature-confirmation-recommended
        ship-promotion-id customized-url customized-page is-heavy-or-bulky is-replacement-order number-of-items
        tax-collection-model tax-collection-responsible-party address-type payment-method-details
        item-extensions-data buyer-company-name is-exchange-order original-order-id
        is-buyer-requested-cancellation buyer-requested-cancel-reason order-item-id is-iba is-prime"""
    ),
    signature=frozenset({"amazon-order-id", "purchase-date", "order-status", "sku"}),
    targets=(Target("all_orders", "stg_all_orders", ("order_id", "sku"), "last_updated_ts"),),
)

ORDER_REPORT = Kind(
    name="order_report",
    label="Order Report (New Orders)",
    raw="raw_order_report",
    columns=_cols(
        """order-id order-item-id purchase-date payments-date buyer-email buyer-name buyer-phone-number sku
        product-name quantity-purchased currency item-price item-tax shipping-price shipping-tax
        ship-service-level recipient-name ship-address-1 ship-address-2 ship-address-3 ship-city ship-state
        ship-postal-code ship-country ship-phone-number delivery-start-date delivery-end-date
        delivery-time-zone delivery-instructions sales-channel"""
    ),
    signature=frozenset({"order-id", "order-item-id", "purchase-date", "buyer-email", "quantity-purchased"}),
    targets=(Target("order_report", "stg_order_report", ("order_id", "order_item_id")),),
)

UNSHIPPED_ORDERS = Kind(
    name="unshipped_orders",
    label="Unshipped Orders report",
    raw="raw_unshipped_orders",
    columns=_cols(
        """order-id order-item-id purchase-date payments-date reporting-date promise-date days-past-promise
        buyer-email buyer-phone-number sku product-name quantity-purchased quantity-shipped quantity-to-ship
        ship-service-level recipient-name ship-address-1 ship-address-2 ship-address-3 ship-city ship-state
        ship-postal-code ship-country is-business-order purchase-order-number price-designation is-prime"""
    ),
    signature=frozenset({"order-id", "order-item-id", "quantity-to-ship", "promise-date"}),
    targets=(
        Target("unshipped_orders", "stg_unshipped_orders", ("order_id", "order_item_id"), "reporting_ts"),
    ),
    needs_marketplace=True,
)

FBA_SHIPMENTS = Kind(
    name="fba_shipments",
    label="Amazon Fulfilled Shipments report",
    raw="raw_fba_shipments",
    columns=_cols(
        """amazon-order-id merchant-order-id shipment-id shipment-item-id amazon-order-item-id
        merchant-order-item-id purchase-date payments-date shipment-date reporting-date buyer-email buyer-name
        buyer-phone-number sku product-name quantity-shipped currency item-price item-tax shipping-price
        shipping-tax gift-wrap-price gift-wrap-tax ship-service-level recipient-name ship-address-1
        ship-address-2 ship-address-3 ship-city ship-state ship-postal-code ship-country ship-phone-number
        bill-address-1 bill-address-2 bill-address-3 bill-city bill-state bill-postal-code bill-country
        item-promotion-discount ship-promotion-discount carrier tracking-number estimated-arrival-date
        fulfillment-center-id fulfillment-channel sales-channel points-granted"""
    ),
    signature=frozenset({"amazon-order-id", "shipment-id", "shipment-date", "estimated-arrival-date"}),
    targets=(
        Target(
            "fba_shipments",
            "stg_fba_shipments",
            ("order_id", "shipment_id", "shipment_item_id"),
            "reporting_ts",
        ),
    ),
)

# Feedback columns are positional; these are velocity's names for them.
FEEDBACK_POSITIONS = ("date", "rating", "comments", "response", "order_id", "rater_email")
FEEDBACK_OLD_POSITIONS = (
    "date",
    "rating",
    "comments",
    "arrived_on_time",
    "item_as_described",
    "customer_service",
    "response",
    "order_id",
    "rater_email",
    "rater_role",
)
FEEDBACK = Kind(
    name="feedback",
    label="Feedback report",
    raw="raw_feedback",
    columns=FEEDBACK_OLD_POSITIONS,
    signature=frozenset(),  # recognised by feedback_layout(), not by names
    targets=(Target("feedback", "stg_feedback", ("order_id",), "feedback_date"),),
)

FEEDBACK_RATINGS = Kind(
    name="feedback_rating",
    label="Feedback rating table",
    raw="raw_feedback_ratings",
    columns=("date", "marketplace", "period", "positive", "neutral", "negative"),
    signature=frozenset({"date", "marketplace", "period", "positive", "neutral", "negative"}),
    targets=(Target("feedback_ratings", "stg_feedback_ratings", ("marketplace", "as_of", "period")),),
    delimiter=",",
)

_SETTLEMENT_COMMON = """settlement-id settlement-start-date settlement-end-date deposit-date total-amount currency
    transaction-type order-id merchant-order-id adjustment-id shipment-id marketplace-name fulfillment-id
    posted-date order-item-code merchant-order-item-id merchant-adjustment-item-id sku quantity-purchased
    promotion-id"""
_SETTLEMENT_SUMMARY = Target("settlements", "stg_settlements", ("settlement_id",))
_SETTLEMENT_LINE_KEY = ("settlement_id", "line_hash", "occurrence")

SETTLEMENT_V2 = Kind(
    name="settlement_v2",
    label="Settlement report (flat file V2)",
    raw="raw_settlement",
    columns=_cols(_SETTLEMENT_COMMON + " amount-type amount-description amount posted-date-time"),
    signature=frozenset({"settlement-id", "amount-type", "amount-description", "amount"}),
    targets=(
        _SETTLEMENT_SUMMARY,
        Target("settlement_lines", "stg_settlement_lines_v2", _SETTLEMENT_LINE_KEY),
    ),
)

SETTLEMENT_V1 = Kind(
    name="settlement_v1",
    label="Settlement report (flat file V1)",
    raw="raw_settlement",
    columns=_cols(
        _SETTLEMENT_COMMON
        + """ shipment-fee-type shipment-fee-amount order-fee-type order-fee-amount price-type price-amount
        item-related-fee-type item-related-fee-amount misc-fee-amount other-fee-amount
        other-fee-reason-description promotion-type promotion-amount direct-payment-type direct-payment-amount
        other-amount"""
    ),
    signature=frozenset({"settlement-id", "price-type", "price-amount", "other-amount"}),
    targets=(
        _SETTLEMENT_SUMMARY,
        Target("settlement_lines", "stg_settlement_lines_v1", _SETTLEMENT_LINE_KEY),
    ),
)

RETURNS = Kind(
    name="returns",
    label="Returns report (seller-fulfilled)",
    raw="raw_returns",
    columns=tuple(
        c.lower()
        for c in (
            "Order ID",
            "Order date",
            "Return request date",
            "Return request status",
            "Amazon RMA ID",
            "Merchant RMA ID",
            "Label type",
            "Label cost",
            "Currency code",
            "Return carrier",
            "Tracking ID",
            "Label to be paid by",
            "A-to-Z Claim",
            "Is prime",
            "ASIN",
            "Merchant SKU",
            "Item Name",
            "Return quantity",
            "Return Reason",
            "In policy",
            "Return type",
            "Resolution",
            "Invoice number",
            "Return delivery date",
            "Order Amount",
            "Order quantity",
            "SafeT Action reason",
            "SafeT claim id",
            "SafeT claim state",
            "SafeT claim creation time",
            "SafeT claim reimbursement amount",
            "Refunded Amount",
        )
    ),
    signature=frozenset({"order id", "return request date", "amazon rma id"}),
    targets=(Target("returns", "stg_returns", ("order_id", "amazon_rma_id", "sku"), "return_delivery_ts"),),
    needs_marketplace=True,
)

FBA_RETURNS = Kind(
    name="fba_returns",
    label="FBA customer returns report",
    raw="raw_fba_returns",
    columns=_cols(
        """return-date order-id sku asin fnsku product-name quantity fulfillment-center-id detailed-disposition
        reason status license-plate-number customer-comments"""
    ),
    signature=frozenset({"return-date", "order-id", "detailed-disposition"}),
    targets=(
        Target("fba_returns", "stg_fba_returns", ("order_id", "sku", "return_ts", "license_plate_number")),
    ),
    needs_marketplace=True,
)

ACCOUNT_HEALTH = Kind(
    name="account_health",
    label="Account health report (JSON)",
    raw="raw_account_health",
    columns=(),
    signature=frozenset(),
    targets=(
        Target(
            "account_health", "stg_account_health", ("marketplace_id", "metric", "fulfillment", "date_to")
        ),
    ),
)

# Date Range report (Payments > Reports Repository: the "unified transaction" CSV). Columns are read by
# position; these are velocity's names for them. 27 columns (UK, DE, FR, newer US) or 23 (IE, NL, BE, PL, SE,
# US 2017), and from 2025 two more at the end: the transaction's status and release date.
DATE_RANGE_27 = _cols(
    """posted settlement_id type order_id sku description quantity marketplace fulfilment order_city
    order_state order_postal tax_collection_model product_sales product_sales_tax shipping_credits
    shipping_credits_tax gift_wrap_credits gift_wrap_credits_tax promotional_rebates promotional_rebates_tax
    marketplace_withheld_tax selling_fees fba_fees other_transaction_fees other total"""
)
DATE_RANGE_23 = _cols(
    """posted settlement_id type order_id sku description quantity marketplace fulfilment order_city
    order_state order_postal product_sales shipping_credits gift_wrap_credits promotional_rebates
    sales_tax_collected marketplace_facilitator_tax selling_fees fba_fees other_transaction_fees other total"""
)
DATE_RANGE_STATUS = ("status", "release_date")
DATE_RANGE = Kind(
    name="date_range",
    label="Date Range report (transactions)",
    raw="raw_date_range",
    columns=tuple(dict.fromkeys(DATE_RANGE_27 + DATE_RANGE_23 + DATE_RANGE_STATUS)),
    signature=frozenset(),  # recognised by date_range_layout(), not by names
    targets=(Target("date_range", "stg_date_range", ("line_hash", "occurrence"), "version"),),
    delimiter=",",
)

# The first four header cells (lower-cased) of a Date Range report, per Seller Central language, and the
# decimal separator its amounts are written with. English, German and French are read; the others are known
# only by their first cell, to say which language a report is in.
DATE_RANGE_HEADERS: dict[tuple[str, ...], tuple[str, str]] = {
    ("date/time", "settlement id", "type", "order id"): ("en", "."),
    ("datum/uhrzeit", "abrechnungsnummer", "typ", "bestellnummer"): ("de", ","),
    ("date/heure", "numéro de versement", "type", "numéro de la commande"): ("fr", ","),
}
DATE_RANGE_TOTAL = {"total", "gesamt"}  # the last amount column, in the languages read
DATE_RANGE_OTHER_LANGUAGES = {
    "fecha y hora": "Spanish",
    "fecha/hora": "Spanish",
    "data/ora": "Italian",
    "data/ora:": "Italian",
    "datum/tijd": "Dutch",
    "data/hora": "Portuguese",
    "data/godzina": "Polish",
    "datum/tid": "Swedish",
    "日付/時間": "Japanese",
}


@dataclass(frozen=True)
class DateRangeLayout:
    positions: tuple[str, ...]
    language: str
    decimal: str  # '.' or ','


def date_range_layout(header: list[str]) -> DateRangeLayout | str | None:
    """A Date Range report's layout from its header: the positions of its 23 or 27 columns (and the two
    status columns from 2025), its language and decimal separator. A header in a language velocity does not
    read gives the language's name (to say so); anything else None."""
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    if not names:
        return None
    known = DATE_RANGE_HEADERS.get(tuple(names[:4]))
    if known is None:
        return DATE_RANGE_OTHER_LANGUAGES.get(names[0])
    for base in (DATE_RANGE_27, DATE_RANGE_23):
        for extra in ((), DATE_RANGE_STATUS):
            if len(names) == len(base) + len(extra) and names[len(base) - 1] in DATE_RANGE_TOTAL:
                return DateRangeLayout(base + extra, *known)
    return None


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        ALL_ORDERS,
        ORDER_REPORT,
        UNSHIPPED_ORDERS,
        FBA_SHIPMENTS,
        FEEDBACK,
        FEEDBACK_RATINGS,
        SETTLEMENT_V1,
        SETTLEMENT_V2,
        RETURNS,
        FBA_RETURNS,
        ACCOUNT_HEALTH,
        DATE_RANGE,
    )
}

# Tab-separated kinds recognised by their column names, most specific first.
_BY_SIGNATURE = (
    SETTLEMENT_V2,
    SETTLEMENT_V1,
    FBA_SHIPMENTS,
    UNSHIPPED_ORDERS,
    ORDER_REPORT,
    ALL_ORDERS,
    RETURNS,
    FBA_RETURNS,
)

# Feedback report headers as Seller Central writes them, per language (lower-cased). The English one is
# confirmed; the translations are the best known and only a first hint: the layout is also recognised from
# its rows (see feedback_layout).
FEEDBACK_HEADERS: dict[tuple[str, ...], str | None] = {
    ("date", "rating", "comments", "your response", "order id", "rater email"): "en",
    (
        "datum",
        "bewertung",
        "kommentare",
        "ihre antwort",
        "bestellnummer",
        "e-mail-adresse des bewerters",
    ): "de",
    (
        "date",
        "évaluation",
        "commentaires",
        "votre réponse",
        "numéro de commande",
        "e-mail de l'évaluateur",
    ): "fr",
    ("data", "valutazione", "commenti", "la tua risposta", "numero ordine", "e-mail del valutatore"): "it",
    (
        "fecha",
        "valoración",
        "comentarios",
        "tu respuesta",
        "número de pedido",
        "correo electrónico del evaluador",
    ): "es",
    ("日付", "評価", "コメント", "あなたの返答", "注文番号", "評価者のeメール"): "ja",
}
_FEEDBACK_OLD_EN = (
    "date",
    "rating",
    "comments",
    "arrived on time",
    "item as described",
    "customer service",
    "your response",
    "order id",
    "rater email",
    "rater role",
)
# Words that give a translated header's language away, for headers velocity does not know word for word.
_LANGUAGE_WORDS = {
    "de": ("bewertung", "kommentar", "bestellnummer", "antwort"),
    "fr": ("évaluation", "commentaire", "commande", "réponse"),
    "it": ("valutazione", "commenti", "ordine", "risposta"),
    "es": ("valoración", "calificación", "comentarios", "pedido", "respuesta"),
    "ja": ("日付", "評価", "注文"),
    "en": ("rating", "comments", "order id", "your response"),
}


def header_language(names: tuple[str, ...]) -> str | None:
    """The language of a Feedback header, from the words in it; None if no known word appears."""
    text = " ".join(names)
    found = [lang for lang, words in _LANGUAGE_WORDS.items() if any(w in text for w in words)]
    return found[0] if len(found) == 1 else None


_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")


@dataclass(frozen=True)
class FeedbackLayout:
    positions: tuple[str, ...]
    language: str | None  # 'en', 'de', ... when the header says; None when recognised from rows only


def feedback_layout(header: list[str], rows: list[list[str]]) -> FeedbackLayout | None:
    """Recognise a Feedback report: its known header in some language, or six (older layout: ten) columns
    whose rows hold a date, a 1-5 rating and an Amazon order id where the layout puts them."""
    names = tuple(h.strip().lower() for h in header)
    if names in FEEDBACK_HEADERS:
        return FeedbackLayout(FEEDBACK_POSITIONS, FEEDBACK_HEADERS[names])
    if names == _FEEDBACK_OLD_EN:
        return FeedbackLayout(FEEDBACK_OLD_POSITIONS, "en")
    for positions in (FEEDBACK_POSITIONS, FEEDBACK_OLD_POSITIONS):
        if len(names) != len(positions) or not rows:
            continue
        at = {name: i for i, name in enumerate(positions)}
        sample = [r for r in rows if len(r) == len(positions)][:20]
        if sample and all(
            _DATE_LIKE.match(r[at["date"]].strip())
            and r[at["rating"]].strip().isdigit()
            and ORDER_ID.match(r[at["order_id"]].strip())
            for r in sample
        ):
            return FeedbackLayout(positions, header_language(names))
    return None


def detect(header: list[str], rows: list[list[str]]) -> tuple[Kind, FeedbackLayout | None] | None:
    """The kind of a tab-separated export from its header (and a few rows, for Feedback); None if unknown."""
    names = {h.strip().lower() for h in header}
    for kind in _BY_SIGNATURE:
        if kind.signature <= names:
            return kind, None
    layout = feedback_layout(header, rows)
    if layout is not None:
        return FEEDBACK, layout
    return None


def looks_like(header: list[str]) -> str:
    """A short description of an unknown header, for the error message."""
    shown = [h.strip() for h in header[:6]]
    more = f" ... ({len(header)} columns)" if len(header) > 6 else f" ({len(header)} columns)"
    return ", ".join(repr(s) for s in shown) + more
