"""Import speed against a bare DuckDB scan of the same file, measured in the same run.

    python benchmarks/bench_import.py [--lines 1000000] [--repeat 3]

Writes an All Orders file with the demo generator (scaled up; cached in benchmarks/data/), then times:
  scan      bare read_csv of every column (all text, no quoting), counted: what DuckDB itself needs to read it
  copy      the same scan written into a new DuckDB file (a plain load, no typing or merging)
  import    velocity import into a fresh store (typing, validation, merge, ledger)
  again     velocity import of the same file into that store (should cost next to nothing)
and prints each time and its ratio to the scan. Target (issue 2): import <= 3x scan.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from velocity import ingest, store  # noqa: E402
from velocity.synth import write_all_orders  # noqa: E402

SCAN = (
    "select {what} from read_csv($path, delim = '\t', header = true, quote = '', escape = '',"
    " all_varchar = true, auto_detect = false, columns = $columns)"
)


def _columns(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as fh:
        return dict.fromkeys(fh.readline().rstrip("\n").split("\t"), "VARCHAR")


def export_file(lines: int) -> Path:
    """The benchmark's All Orders file of `lines` lines (written by the demo generator once, then cached)."""
    data = ROOT / "benchmarks" / "data"
    data.mkdir(parents=True, exist_ok=True)
    path = data / f"all_orders_{lines}.txt"
    if not path.exists():
        start = time.perf_counter()
        write_all_orders(path, lines, seed=1)
        print(f"wrote {path.name} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.1f}s")
    return path


def scan(path: Path) -> None:
    """A bare DuckDB read of every column of the file (all text, no quoting): the yardstick."""
    columns = _columns(path)
    con = duckdb.connect()
    # every column is read: count the non-null values of each
    what = ", ".join(f'count("{c}")' for c in columns)
    con.execute(SCAN.format(what=what), {"path": str(path), "columns": columns}).fetchall()
    con.close()


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) if repeat < 3 else statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    path = export_file(args.lines)
    params = {"path": str(path), "columns": _columns(path)}

    with tempfile.TemporaryDirectory() as tmp:
        runs = iter(range(10_000))

        def copy() -> None:
            con = duckdb.connect(str(Path(tmp) / f"copy{next(runs)}.duckdb"))
            con.execute("create table t as " + SCAN.format(what="*"), params)
            con.close()

        results: list = []

        def fresh_import() -> None:
            con = store.connect(Path(tmp) / f"store{next(runs)}.duckdb")
            results.append(ingest.import_paths(con, [path]))
            con.close()

        t_scan = best(lambda: scan(path), args.repeat)
        t_copy = best(copy, args.repeat)
        t_import = best(fresh_import, args.repeat)
        [result] = results[-1]
        assert result.status == "imported" and result.rows == args.lines, result

        last = Path(tmp) / "again.duckdb"
        con = store.connect(last)
        ingest.import_paths(con, [path])

        def again() -> None:
            [r] = ingest.import_paths(con, [path])
            assert r.status == "unchanged"

        t_again = best(again, args.repeat)
        con.close()

    print(f"All Orders, {args.lines:,} lines, {path.stat().st_size / 1e6:.0f} MB; median of {args.repeat}")
    print(f"{'step':<8}{'seconds':>9}{'x scan':>9}")
    for name, seconds in (("scan", t_scan), ("copy", t_copy), ("import", t_import), ("again", t_again)):
        print(f"{name:<8}{seconds:>9.2f}{seconds / t_scan:>9.2f}")
    verdict = "ok" if t_import <= 3 * t_scan else "SLOWER THAN TARGET"
    print(f"import / scan = {t_import / t_scan:.2f} (target <= 3): {verdict}")


if __name__ == "__main__":
    main()
