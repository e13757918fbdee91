"""Import speed against DuckDB's own bare load of the same file, each in a fresh process, in one run.

    python benchmarks/bench_import.py [--lines 1000000] [--weekly 10000] [--repeat 3]

Writes an All Orders file with the demo generator (cached in benchmarks/data/) and a weekly file of new
orders, then times, median of --repeat fresh processes:
  load     DuckDB's bare `create table as select * from read_csv(...)` into a new database file: the physical
           floor for writing a store from the file
  import   velocity import of the file into a fresh store (typing, validation, merge, the order table, ledger)
  weekly   velocity import of a further weekly file into that store (its orders added, the order table
           updated for them only)
  again    velocity import of the big file again (recognised by its hash: nothing is read)
Targets (issue 11): import <= 1.0 x load; weekly <= 0.1 x load.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from datetime import date
from pathlib import Path

from common import export_file, load_code, median_time, python, velocity, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--weekly", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    path = export_file(args.lines)
    weekly = export_file(args.weekly, seed=2, end=date(2026, 11, 22), days=7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t_load = median_time(lambda i: python(load_code([path], folder / f"load{i}.duckdb")), args.repeat)
        t_import = median_time(
            lambda i: velocity("import", str(path), "--db", str(folder / f"s{i}.duckdb")), args.repeat
        )
        # the weekly file, each time into a copy of the imported store
        base = folder / "s0.duckdb"

        def weekly_into(i: int) -> list[str]:
            copy = folder / f"w{i}.duckdb"
            shutil.copy(base, copy)
            return velocity("import", str(weekly), "--db", str(copy))

        t_weekly = median_time(weekly_into, args.repeat)
        t_again = median_time(lambda i: velocity("import", str(path), "--db", str(base)), args.repeat)

    print(
        f"All Orders, {args.lines:,} lines ({path.stat().st_size / 1e6:.0f} MB); weekly file {args.weekly:,} lines;"
        f" median of {args.repeat} fresh processes"
    )
    print(f"{'step':<8}{'seconds':>9}{'x load':>9}   target")
    for name, seconds, target in (
        ("load", t_load, None),
        ("import", t_import, 1.0),
        ("weekly", t_weekly, 0.1),
        ("again", t_again, None),
    ):
        ratio = seconds / t_load
        goal = f"<= {target:g}: {verdict(ratio, target)}" if target else ""
        print(f"{name:<8}{seconds:>9.2f}{ratio:>9.2f}   {goal}")


if __name__ == "__main__":
    main()
