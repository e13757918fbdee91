"""Forecast speed on a large store against a bare DuckDB scan of the export it came from, in the same run.

    python benchmarks/bench_forecast.py [--lines 1000000] [--repeat 3]

Uses the All Orders file of bench_import.py (written by the demo generator; cached in benchmarks/data/) and a
feedback file for 7% of its orders (made here, one to ten days after purchase, one in ten negative), imports
both into a temporary store once, then times:
  scan      bare read_csv of every column of the export: what re-reading it costs
  forecast  velocity forecast on the stored lines (SQL to per-order arrays, fit, 2,000 simulated worlds)
  backtest  velocity backtest (up to 80 rolling cut-offs, 500 worlds each)
and prints each time and its ratio to the scan. Target (issue 4): forecast well under the scan.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_import import best, export_file, scan  # noqa: E402 (this folder: the same file and yardstick)

from velocity import forecast, ingest, store  # noqa: E402

FEEDBACK = """
copy (
    select
        strftime(purchase_ts::date + (1 + hash(order_id) % 10)::integer, '%-d/%-m/%y') as "Date",
        case when hash(order_id) % 10 = 0 then 2 else 5 end as "Rating",
        '' as "Comments",
        '' as "Your Response",
        order_id as "Order ID",
        '' as "Rater Email"
    from (select order_id, min(purchase_ts) as purchase_ts from all_orders group by order_id)
    where hash(order_id || 'fb') % 100 < 7
) to '{path}' (delimiter '\t', header true, quote '')
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    path = export_file(args.lines)

    with tempfile.TemporaryDirectory() as tmp:
        con = store.connect(Path(tmp) / "store.duckdb")
        [orders] = ingest.import_paths(con, [path])
        feedback_path = Path(tmp) / "feedback.txt"
        con.execute(FEEDBACK.format(path=feedback_path))
        [fb] = ingest.import_paths(con, [feedback_path])
        assert orders.status == fb.status == "imported", (orders.error, fb.error)
        result: dict = {}

        def run_forecast() -> None:
            result.update(forecast.analyse(con))

        def run_backtest() -> None:
            forecast.backtest(con)

        t_scan = best(lambda: scan(path), args.repeat)
        t_forecast = best(run_forecast, args.repeat)
        t_backtest = best(run_backtest, 1)
        con.close()

    m = result["model"]
    print(
        f"All Orders, {args.lines:,} lines, {path.stat().st_size / 1e6:.0f} MB; {m['orders_used']:,} orders, "
        f"{fb.rows:,} feedback rows; median of {args.repeat} (backtest: once)"
    )
    print(f"{'step':<10}{'seconds':>9}{'x scan':>9}")
    for name, seconds in (("scan", t_scan), ("forecast", t_forecast), ("backtest", t_backtest)):
        print(f"{name:<10}{seconds:>9.2f}{seconds / t_scan:>9.2f}")
    verdict = "ok" if t_forecast < 0.5 * t_scan else "NOT WELL UNDER THE SCAN"
    print(f"forecast / scan = {t_forecast / t_scan:.2f} (target: well under 1): {verdict}")


if __name__ == "__main__":
    main()
