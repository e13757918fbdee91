"""Properties of importing, over generated All Orders downloads: the store does not depend on the order files
arrive in, nor on the order of rows in a file; importing anything twice changes nothing; totals are the sum
of their parts."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from conftest import snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_merge import HEADER, line

from velocity import ingest, store

ORDERS = [f"202-{n:07d}-{n:07d}" for n in range(1, 7)]
SKUS = ["S1", "S2"]
UPDATES = [f"2026-10-0{d}T1{h}:00:00+00:00" for d in (1, 2, 3) for h in (0, 5)]

row = st.tuples(
    st.sampled_from(ORDERS),
    st.sampled_from(SKUS),
    st.sampled_from(UPDATES),
    st.sampled_from(["Pending", "Shipped", "Cancelled"]),
    st.sampled_from(["", "9.99", "1,050.00", "12.00"]),  # UK amounts: a decimal point, commas for thousands
)
download = st.lists(row, min_size=0, max_size=8)
downloads = st.lists(download, min_size=1, max_size=4)

SETTINGS = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _files(folder: Path, files: list[list[tuple]]) -> list[Path]:
    paths = []
    for i, rows in enumerate(files):
        path = folder / f"orders_{i}.txt"
        path.write_text("\n".join([HEADER, *(line(*r) for r in rows)]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _store_after(folder: Path, name: str, paths: list[Path]) -> dict:
    con = store.connect(folder / name)
    try:
        for path in paths:
            [result] = ingest.import_paths(con, [path])
            assert result.status in ("imported", "unchanged"), result.error  # identical downloads: unchanged
        return snapshot(con)
    finally:
        con.close()


@SETTINGS
@given(files=downloads, data=st.data())
def test_import_order_does_not_matter(files, data):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = _files(folder, files)
        shuffled = data.draw(st.permutations(paths))
        assert _store_after(folder, "a.duckdb", paths) == _store_after(folder, "b.duckdb", list(shuffled))


@SETTINGS
@given(rows=download, data=st.data())
def test_row_order_does_not_matter(rows, data):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "a").mkdir()
        (folder / "b").mkdir()
        [a] = _files(folder / "a", [rows])
        [b] = _files(folder / "b", [data.draw(st.permutations(rows))])
        assert _store_after(folder, "a.duckdb", [a]) == _store_after(folder, "b.duckdb", [b])


@SETTINGS
@given(files=downloads)
def test_importing_twice_changes_nothing(files):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = _files(folder, files)
        con = store.connect(folder / "s.duckdb")
        try:
            first = ingest.import_paths(con, paths)
            before = snapshot(con)
            # the same rows again, in files whose bytes differ (so they are really read and merged)
            copies = []
            for path in paths:
                copy = path.with_suffix(".copy.txt")
                copy.write_text(path.read_text() + "\n", encoding="utf-8")
                copies.append(copy)
            again = ingest.import_paths(con, copies)
            assert snapshot(con) == before
            assert all(r.new == 0 and r.updated == 0 for r in again)
            assert all(r.status == "unchanged" for r in ingest.import_paths(con, paths))
            assert snapshot(con) == before
            # totals are the sum of their parts: each distinct key is new exactly once
            keys = {(o, s) for rows in files for (o, s, *_rest) in rows}
            assert sum(r.new for r in first) == len(keys) == len(before["all_orders"])
            for r in first:
                assert r.new + r.updated + r.unchanged == r.rows
        finally:
            con.close()


def test_permutations_of_three_overlapping_downloads(tmp_path):
    """A fixed case, every order: pending then shipped then a late correction."""
    rows = [
        [("202-0000001-0000001", "S1", UPDATES[0], "Pending", "")],
        [
            ("202-0000001-0000001", "S1", UPDATES[3], "Shipped", "9.99"),
            ("202-0000002-0000002", "S2", UPDATES[1], "Shipped", "12.00"),
        ],
        [("202-0000001-0000001", "S1", UPDATES[5], "Shipped", "1,050.00")],
    ]
    paths = _files(tmp_path, rows)
    results = {
        _freeze(_store_after(tmp_path, f"p{i}.duckdb", list(p)))
        for i, p in enumerate(itertools.permutations(paths))
    }
    assert len(results) == 1


def _freeze(snap: dict) -> tuple:
    return tuple((k, tuple(v)) for k, v in sorted(snap.items()))
