"""The answers' speed on a large store against a bare DuckDB scan of the export it came from: each a fresh
process, median of N, in one run.

    python benchmarks/bench_answers.py [--lines 1000000] [--repeat 3]

Imports the All Orders file of bench_import.py and a feedback file for 7% of its orders (one to ten days after
purchase, one in ten negative) into a store once, then times `velocity
sales|health|forecast|contacts|payouts --json` and `velocity backtest` against the scan: what re-reading the
export once costs. The CLI's own start-up (Python, DuckDB, numpy) is part of every answer's time, as a seller
waits for it.
Targets (issue 11): sales, health, forecast <= 1.0 x scan; contacts (tens of thousands of rows) <= 2.0 x.
payouts --json lists every order (a row each: hundreds of thousands here); timed, without a target.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import duckdb
from common import FEEDBACK, export_file, median_time, python, run, scan_code, velocity, verdict

ANSWERS = (
    ("sales", 1.0),
    ("health", 1.0),
    ("forecast", 1.0),
    ("contacts", 2.0),
    ("payouts", None),
    ("backtest", None),
)


def build_store(paths: list[Path], db: Path, feedback: Path) -> None:
    for path in paths:
        run(velocity("import", str(path), "--db", str(db)))
    con = duckdb.connect(str(db), read_only=True)
    con.execute(FEEDBACK.format(path=feedback))
    con.close()
    run(velocity("import", str(feedback), "--db", str(db)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    path = export_file(args.lines)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.duckdb"
        build_store([path], db, Path(tmp) / "feedback.txt")
        t_scan = median_time(lambda i: python(scan_code([path])), args.repeat)
        times = {
            name: median_time(
                lambda i, n=name: velocity(n, "--json", "--db", str(db)),
                1 if name == "backtest" else args.repeat,
            )
            for name, _ in ANSWERS
        }
    print(
        f"All Orders, {args.lines:,} lines ({path.stat().st_size / 1e6:.0f} MB) and 7% feedback; median of"
        f" {args.repeat} fresh processes (backtest: once)"
    )
    print(f"{'step':<10}{'seconds':>9}{'x scan':>9}   target")
    print(f"{'scan':<10}{t_scan:>9.2f}{1:>9.2f}")
    for name, target in ANSWERS:
        ratio = times[name] / t_scan
        goal = f"<= {target:g}: {verdict(ratio, target)}" if target else ""
        print(f"{name:<10}{times[name]:>9.2f}{ratio:>9.2f}   {goal}")


if __name__ == "__main__":
    main()
