"""The Olist data set (../shared/data/olist, real purchase and review times; it stays outside the repository,
its licence) as Amazon exports: its orders as
All Orders rows (Amazon.com.br, BRL, local -03:00 times) and its reviews as Feedback rows (4-5 stars
positive). The orders and reviews files are independent slices of Olist, so only about 16% of the orders
have a review here: a feedback rate of ~16% with real timing. Reviews answered more than 90 days after the
order are left out, as Amazon would not accept them."""

from __future__ import annotations

from pathlib import Path

import duckdb

OLIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "olist"
HEADER = (
    "amazon-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\tsales-channel\t"
    "sku\titem-status\tquantity\tcurrency\titem-price"
)


def line(
    order: str,
    sku: str,
    updated: str,
    status: str,
    price: str,
    *,
    purchased: str,
    channel: str,
    currency: str,
) -> str:
    item = {"Shipped": "Shipped", "Cancelled": "Cancelled"}.get(status, "Unshipped")
    return "\t".join(
        [order, purchased, updated, status, "Merchant", channel, sku, item, "1", currency, price]
    )


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


QUERY = """
with orders as (
    select
        row_number() over (order by order_purchase_timestamp, order_id) as n,
        order_id,
        order_status,
        order_purchase_timestamp as purchased
    from read_csv('{orders}', all_varchar = false)
    where order_purchase_timestamp is not null
),
reviews as (
    select order_id, min(review_answer_timestamp) as answered, arg_min(review_score, review_answer_timestamp) as score
    from read_csv('{reviews}', all_varchar = false)
    group by order_id
)
select
    orders.n,
    orders.order_status,
    strftime(orders.purchased, '%Y-%m-%dT%H:%M:%S-03:00') as purchased,
    strftime(reviews.answered, '%-d/%-m/%y') as answered,
    reviews.score
from orders
left join reviews
    on reviews.order_id = orders.order_id
    and reviews.answered::date <= orders.purchased::date + 90
    and reviews.answered >= orders.purchased
order by orders.n
"""


def amazon_id(n: int) -> str:
    return f"701-{n:07d}-{(n * 7919) % 10_000_000:07d}"


def write_exports(out: Path) -> tuple[Path, Path]:
    """Write olist_all_orders.txt and olist_feedback.txt into out; returns both paths."""
    rows = duckdb.sql(QUERY.format(orders=OLIST / "orders.csv", reviews=OLIST / "reviews.csv")).fetchall()
    lines, feedback = [], ["Date\tRating\tComments\tYour Response\tOrder ID\tRater Email"]
    for n, status, purchased, answered, score in rows:
        shipped = status not in ("canceled", "unavailable", "created", "approved", "invoiced")
        state = (
            "Shipped" if shipped else ("Cancelled" if status in ("canceled", "unavailable") else "Pending")
        )
        lines.append(
            line(
                amazon_id(n),
                "OLIST-1",
                purchased,
                state,
                "50.00",
                purchased=purchased,
                channel="Amazon.com.br",
                currency="BRL",
            )
        )
        if answered is not None:
            feedback.append(f"{answered}\t{score}\t\t\t{amazon_id(n)}\tbuyer{n}@marketplace.amazon.com.br")
    orders_path = write(out / "olist_all_orders.txt", *lines)
    feedback_path = out / "olist_feedback.txt"
    feedback_path.write_text("\n".join(feedback) + "\n", encoding="utf-8")
    return orders_path, feedback_path
