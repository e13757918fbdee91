"""Buyer data stays private: under the common umask 022, every file velocity makes - the store, its
write-ahead log, the temporary UTF-8 copy of a re-encoded export, contact lists (also replacing a file anyone
could read), the rating table, backups - is readable by the seller only (0600); the caller's umask is left as
it was; and what velocity prints escapes terminal control characters from names in the exports."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from conftest import FIXTURES, cli
from test_merge import HEADER, line

import velocity
from velocity.ingest import read


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def cp1252_download(path: Path) -> Path:
    rows = [line(f"206-{i:07d}-0000001", "S1", "2026-11-02T12:00:00+00:00", "Shipped") for i in range(50)]
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").replace("Poster", "Café poster").encode("cp1252"))
    return path


def test_every_file_velocity_makes_is_the_sellers_only(tmp_path, umask_022, monkeypatch):
    copies: dict[Path, int] = {}
    transcode = read.transcode

    def watched(*args, **kw):  # the real transcode; its copy's mode noted before the import removes it
        copy = transcode(*args, **kw)
        copies[copy] = mode(copy)
        return copy

    monkeypatch.setattr(read, "transcode", watched)
    db = tmp_path / "velocity.duckdb"
    with velocity.open(db, write=True, create=True) as v:
        results = v.import_paths([FIXTURES / "demo", cp1252_download(tmp_path / "later.txt")])
        assert {r.status for r in results} == {"imported"}
        wal = db.with_name(db.name + ".wal")
        assert wal.exists()  # the import is in the write-ahead log until the store is closed
        assert mode(wal) == 0o600
        assert v.backup(tmp_path / "copy.duckdb") > 0
    assert copies and set(copies.values()) == {0o600}
    assert mode(db) == 0o600
    assert mode(tmp_path / "copy.duckdb") == 0o600

    listing = tmp_path / "to-ask.csv"
    listing.write_text("an older list\n", encoding="utf-8")
    listing.chmod(0o644)
    ran = cli("contacts", "--as-of", "2026-11-10", "--output", str(listing), cwd=tmp_path)
    assert ran.code == 0, ran.err
    assert mode(listing) == 0o600 and "order_id" in listing.read_text(encoding="utf-8")

    ran = cli("rating", "--date", "2026-11-16", "-m", "UK", "--lifetime", "60,1,2", cwd=tmp_path)
    assert ran.code == 0, ran.err
    assert mode(tmp_path / "feedback-rating.csv") == 0o600
    assert not list(tmp_path.glob(read.TEMP_PREFIX + "*"))  # the temporary copies are gone
    assert os.umask(0o022) == 0o022  # the caller's umask is as it was


def test_a_file_name_with_escapes_is_printed_escaped(tmp_path):
    name = tmp_path / "orders\x1b[2J.txt"
    name.write_text(
        "\n".join([HEADER, line("207-0000001-0000001", "S1", "2026-11-02T12:00:00+00:00", "Shipped")])
    )
    ran = cli("import", str(name), cwd=tmp_path)
    assert ran.code == 0, ran.err
    assert "\x1b" not in ran.err and "\\x1b[2J" in ran.err
    ran = cli("status", "--json", cwd=tmp_path)
    assert json.loads(ran.out)  # JSON carries the name as data (escaped by JSON itself)
