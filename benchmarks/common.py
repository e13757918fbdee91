"""What the benchmarks share: the export files (written by the demo generator, cached in benchmarks/data/), the
yardsticks (DuckDB itself scanning or loading the same file), and timing a fresh process.

Every figure is a ratio to a yardstick measured in the same run, median of N: wall-clock seconds differ from
machine to machine, the ratio much less.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
sys.path.insert(0, str(ROOT / "fixtures"))

from synth import write_all_orders  # noqa: E402

SCAN = (
    "select {what} from read_csv({paths}, delim = '\t', header = true, quote = '', escape = '',"
    " all_varchar = true, auto_detect = false, columns = {columns})"
)
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


def export_file(lines: int, seed: int = 1, *, end: date = date(2026, 11, 15), days: int = 365) -> Path:
    """An All Orders file of `lines` lines (written once by the demo generator, then cached)."""
    DATA.mkdir(parents=True, exist_ok=True)
    suffix = "" if (seed, end, days) == (1, date(2026, 11, 15), 365) else f"_s{seed}_{end}_{days}d"
    path = DATA / f"all_orders_{lines}{suffix}.txt"
    if not path.exists():
        start = time.perf_counter()
        write_all_orders(path, lines, seed=seed, end=end, n_days=days)
        print(f"wrote {path.name} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.1f}s")
    return path


def columns_of(path: Path) -> dict[str, str]:
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return dict.fromkeys(fh.readline().rstrip("\n").split("\t"), "VARCHAR")


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join(f"'{p}'" for p in paths) + "]"


def scan_code(paths: list[Path]) -> str:
    """Python that scans every column of the files with DuckDB (all text, no quoting): the yardstick for
    reading an export once."""
    columns = columns_of(paths[0])
    what = ", ".join(f'count("{c}")' for c in columns)
    query = SCAN.format(what=what, paths=_sql_list(paths), columns=repr(columns))
    return f"import duckdb\nduckdb.connect().execute({query!r}).fetchall()"


def load_code(paths: list[Path], db: Path) -> str:
    """Python that loads the files as they are into a new DuckDB file: the physical floor for a store."""
    columns = columns_of(paths[0])
    query = "create table t as " + SCAN.format(what="*", paths=_sql_list(paths), columns=repr(columns))
    return f"import duckdb\ncon = duckdb.connect({str(db)!r})\ncon.execute({query!r})\ncon.close()"


def run(argv: list[str], env: dict | None = None) -> tuple[float, int]:
    """Seconds a fresh process takes, and its peak resident memory (bytes). Fails loudly on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(map(str, argv[:4]))} failed: {err.strip()[-400:]}")
    return seconds, usage.ru_maxrss * 1024


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def velocity(*args: str) -> list[str]:
    return [sys.executable, "-m", "velocity", *args]


def median_time(argv_for, repeat: int) -> float:
    """The median seconds of `repeat` fresh processes (argv_for(i) gives the i-th command line)."""
    return statistics.median(run(argv_for(i))[0] for i in range(repeat))


def verdict(ratio: float, target: float) -> str:
    return "ok" if ratio <= target else "MISSED"
