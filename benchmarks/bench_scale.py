"""A big seller: ten weekly All Orders files of 1M lines each (10M lines), imported in turn, each in a fresh
process. Prints each import's time and peak memory (resident set), then the answers' time against a bare
DuckDB scan of all ten files, in one run.

    python benchmarks/bench_scale.py [--files 10] [--lines 1000000] [--repeat 3]

Targets (issue 11): the store stays within 3 GB of memory at every step (velocity sets DuckDB's memory limit
to 2 GB and lets it spill beside the store); sales, health and forecast each take at most 0.3 x the scan.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date, timedelta
from pathlib import Path

from common import export_file, median_time, python, run, scan_code, velocity, verdict

GB = 1 << 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    end = date(2026, 11, 15)
    files = [
        export_file(args.lines, seed=100 + k, end=end - timedelta(days=7 * (args.files - 1 - k)), days=7)
        for k in range(args.files)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.duckdb"
        print(f"{'file':<6}{'seconds':>9}{'peak GB':>9}")
        peaks = []
        for k, path in enumerate(files, start=1):
            seconds, peak = run(velocity("import", str(path), "--db", str(db)))
            peaks.append(peak)
            print(f"{k:<6}{seconds:>9.2f}{peak / GB:>9.2f}")
        t_scan = median_time(lambda i: python(scan_code(files)), args.repeat)
        times = {
            n: median_time(lambda i, n=n: velocity(n, "--json", "--db", str(db)), args.repeat)
            for n in ("sales", "health", "forecast")
        }
        size = db.stat().st_size
    total = sum(p.stat().st_size for p in files)
    print(
        f"\n{args.files} files x {args.lines:,} lines ({total / 1e9:.1f} GB of exports); store {size / 1e9:.2f} GB"
    )
    print(
        f"peak memory of any import: {max(peaks) / GB:.2f} GB (target <= 3): {verdict(max(peaks) / GB, 3.0)}"
    )
    print(f"{'step':<10}{'seconds':>9}{'x scan':>9}   target")
    print(f"{'scan':<10}{t_scan:>9.2f}{1:>9.2f}")
    for name, seconds in times.items():
        ratio = seconds / t_scan
        print(f"{name:<10}{seconds:>9.2f}{ratio:>9.2f}   <= 0.3: {verdict(ratio, 0.3)}")


if __name__ == "__main__":
    main()
