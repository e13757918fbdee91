"""velocity on real data sets that stay outside the repository (../shared/data, their licences): the checks a
fresh clone cannot run, run here and printed, never tuned to.

    python benchmarks/real_data.py

- Olist (real purchase and review times) as All Orders and Feedback rows: the backtest's coverage and CRPS as
  of 2018-08-31, the last day its review data covers (benchmarks/calibration.py adds cut-offs every 14 days
  over the whole span, with a naive forecast beside it).
- Olist delivered -> answered delays: what fit_delay finds, against the prior velocity ships.
- UCI Online Retail (a UK gift retailer, CC BY 4.0): the rise velocity sales finds in its autumn 2011.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from olist import OLIST, write_exports  # noqa: E402

import velocity  # noqa: E402
from velocity import model  # noqa: E402

RETAIL = ROOT.parent / "shared" / "data" / "online_retail" / "online_retail_sample.csv"
HEADER = (
    "amazon-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\tsales-channel\tsku\t"
    "item-status\tquantity\tcurrency\titem-price"
)


def olist_backtest(folder: Path) -> None:
    db = folder / "olist.duckdb"
    with velocity.open(db, write=True, create=True) as v:
        results = v.import_paths(write_exports(folder))
        assert all(r.status == "imported" for r in results), [r.error for r in results]
    with velocity.open(db) as v:
        print(v.backtest(as_of="2018-08-31").text())


def olist_delay_fit() -> None:
    delays = duckdb.sql(
        f"""select date_diff('day', o.order_delivered_customer_date::date, r.review_answer_timestamp::date)
        from read_csv('{OLIST / "orders.csv"}') as o join read_csv('{OLIST / "reviews.csv"}') as r using (order_id)
        where o.order_status = 'delivered' and o.order_delivered_customer_date is not null"""
    ).fetchnumpy()
    median, sigma = model.fit_delay(next(iter(delays.values())))
    m0, s0 = model.PRIOR_LOG_MEDIAN
    print(
        f"Olist delivered -> answered: median {median:.2f} days, shape {sigma:.2f}; velocity's prior, from the"
        f" earliest delivery date (delivery and Amazon's reminder come later): median {np.exp(m0):.1f} days"
        f" (80%: {np.exp(m0 - 1.28 * s0):.1f}-{np.exp(m0 + 1.28 * s0):.1f}), shape {model.PRIOR_SIGMA[0]:.2f}"
    )


def online_retail_rise(folder: Path) -> None:
    out = folder / "online_retail_all_orders.txt"
    duckdb.sql(
        f"""copy (select
            '202-' || lpad(regexp_replace(InvoiceNo::varchar, '[^0-9]', '', 'g'), 7, '0') || '-0000000' as "amazon-order-id",
            strftime(InvoiceDate, '%Y-%m-%dT%H:%M:%S+00:00') as "purchase-date",
            strftime(InvoiceDate, '%Y-%m-%dT%H:%M:%S+00:00') as "last-updated-date",
            'Shipped' as "order-status", 'Merchant' as "fulfillment-channel", 'Amazon.co.uk' as "sales-channel",
            StockCode::varchar as sku, 'Shipped' as "item-status", sum(Quantity)::varchar as quantity,
            'GBP' as currency, round(sum(Quantity * UnitPrice), 2)::varchar as "item-price"
        from read_csv('{RETAIL}') where Quantity > 0 and UnitPrice > 0 group by InvoiceNo, InvoiceDate, StockCode
        ) to '{out}' (delimiter '\t', header, quote '')"""
    )
    db = folder / "retail.duckdb"
    with velocity.open(db, write=True, create=True) as v:
        v.import_paths([out])
    with velocity.open(db) as v:
        t = v.sales().data["trigger"]
    print(
        f"Online Retail: rise from {t['rise_start']} (expected: autumn 2011), {t['ratio']}x the earlier pace"
    )


def main() -> None:
    if not OLIST.is_dir() or not RETAIL.exists():
        raise SystemExit(f"the real data sets are not at {OLIST.parent}: nothing to check")
    with tempfile.TemporaryDirectory() as tmp:
        olist_delay_fit()
        online_retail_rise(Path(tmp))
        olist_backtest(Path(tmp))


if __name__ == "__main__":
    main()
