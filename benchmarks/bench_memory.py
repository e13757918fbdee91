"""Memory on a compressed download that expands large: one All Orders .gz whose text is about 3 GB (10.4M
lines, ~0.3 GB compressed), imported into a new store in a fresh process, its peak resident memory taken
from the kernel (wait4). The yardstick is plain DuckDB loading the same .gz into a database file in the
same run, with DuckDB's own default memory limit (80% of this machine's memory).

    python benchmarks/bench_memory.py [--lines 10400000]

Target (issue 12): the import stays within 2 GB of memory (velocity sets DuckDB's memory limit and lets it
spill to a temporary folder beside the store); the .gz is streamed, never expanded on disk or in memory.
"""

from __future__ import annotations

import argparse
import gzip
import tempfile
from datetime import date, timedelta
from pathlib import Path

from common import DATA, export_file, load_code, python, run, velocity, verdict

GB = 1 << 30


def big_gz(lines: int) -> Path:
    """The ten weekly 1M-line files of bench_scale (and part of the yearly one) as one download, gzipped
    (written once, cached)."""
    path = DATA / f"all_orders_{lines}.txt.gz"
    if path.exists():
        return path
    end = date(2026, 11, 15)
    parts = [
        export_file(1_000_000, seed=100 + k, end=end - timedelta(days=7 * (9 - k)), days=7) for k in range(10)
    ]
    parts.append(export_file(1_000_000))
    left = lines
    tmp = path.with_suffix(".partial")
    with gzip.open(tmp, "wb", compresslevel=1) as out:
        for i, part in enumerate(parts):
            with part.open("rb") as fh:
                header = fh.readline()
                if i == 0:
                    out.write(header)
                while left and (row := fh.readline()):
                    out.write(row)
                    left -= 1
            if not left:
                break
    tmp.rename(path)
    return path


def expanded_size(path: Path) -> int:
    size = 0
    with gzip.open(path, "rb") as fh:
        while chunk := fh.read(1 << 24):
            size += len(chunk)
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_400_000)
    args = parser.parse_args()
    gz = big_gz(args.lines)
    text = expanded_size(gz)
    with tempfile.TemporaryDirectory(dir=DATA) as tmp:
        folder = Path(tmp)
        db = folder / "store.duckdb"
        seconds, peak = run(velocity("import", str(gz), "--db", str(db)))
        spill = [p for p in folder.iterdir() if p.name.startswith(".velocity-tmp-")]
        store_size = db.stat().st_size
        bare_seconds, bare_peak = run(python(load_code([gz], folder / "plain.duckdb")))
    print(f"{gz.name}: {gz.stat().st_size / 1e9:.2f} GB compressed, {text / 1e9:.2f} GB of text")
    print(f"{'':<22}{'seconds':>9}{'peak GB':>9}")
    print(f"{'velocity import':<22}{seconds:>9.1f}{peak / GB:>9.2f}")
    print(f"{'plain DuckDB load':<22}{bare_seconds:>9.1f}{bare_peak / GB:>9.2f}")
    print(f"store {store_size / 1e9:.2f} GB; temporary folders left: {len(spill)}")
    print(f"import peak memory {peak / GB:.2f} GB (target <= 2): {verdict(peak / GB, 2.0)}")
    print(f"import time {seconds / bare_seconds:.2f} x the plain load")


if __name__ == "__main__":
    main()
