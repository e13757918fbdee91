"""The store file: created on first import, versioned, and never confused with something else."""

from __future__ import annotations

import duckdb
import pytest

from velocity import sql, store
from velocity.errors import VelocityError


def test_new_store_is_at_the_latest_schema(db):
    con = store.connect(db)
    assert store.schema_version(con) == sql.migrations()[-1][0]
    con.close()
    con = store.connect(db)  # reopening migrates nothing and keeps the version
    assert store.schema_version(con) == sql.migrations()[-1][0]
    con.close()


def test_text_file_is_not_a_store(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("shopping list\n")
    with pytest.raises(VelocityError, match="not a velocity store") as err:
        store.connect(path)
    assert str(path) in err.value.message
    assert path.read_text() == "shopping list\n"


def test_other_duckdb_database_is_not_a_store(tmp_path):
    path = tmp_path / "other.duckdb"
    other = duckdb.connect(str(path))
    other.execute("create table invoices (id integer)")
    other.close()
    with pytest.raises(VelocityError, match="not a velocity store"):
        store.connect(path)
    other = duckdb.connect(str(path))
    assert other.execute("select count(*) from information_schema.tables").fetchone()[0] == 1
    other.close()


def test_newer_store_is_refused(db):
    con = store.connect(db)
    con.execute("update velocity_meta set value = '999' where key = 'schema_version'")
    con.close()
    with pytest.raises(VelocityError, match="newer than this velocity"):
        store.connect(db)


def test_missing_store_is_not_created_by_readers(db):
    with pytest.raises(VelocityError, match="no velocity store here yet"):
        store.connect(db, create=False)
    assert not db.exists()


def test_default_path_honours_velocity_db(monkeypatch, tmp_path):
    monkeypatch.setenv("VELOCITY_DB", str(tmp_path / "x.duckdb"))
    assert store.default_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("VELOCITY_DB")
    assert str(store.default_path()) == "velocity.duckdb"


def test_queries_ship_inside_the_installed_package():
    """Installed (not editable), the SQL is read from velocity/queries inside site-packages."""
    import velocity

    package = sql.queries_dir().parent
    if "site-packages" in str(velocity.__file__):
        assert package == store.Path(velocity.__file__).parent
    assert (sql.queries_dir() / "migrations" / "0001_initial.sql").is_file()


def test_a_store_of_an_older_schema_is_migrated_in_place(db):
    """A store made by an earlier velocity (schema 1) gets the request log, and keeps its data."""
    first = sql.migrations()[0]
    old = duckdb.connect(str(db))
    old.execute(first[2])
    old.execute("insert into velocity_meta values ('schema_version', '1')")
    old.execute("insert into feedback_ratings values ('UK', '2026-11-01', '30', 1, 0, 0)")
    old.close()
    con = store.connect(db)
    assert store.schema_version(con) == sql.migrations()[-1][0] >= 2
    assert con.execute("select count(*) from feedback_requests").fetchone()[0] == 0
    assert con.execute("select count(*) from feedback_ratings").fetchone()[0] == 1
    con.close()


def _orders(path) -> int:
    with store.open_store(path) as s:
        return s.one("select count(*) from orders")[0]


def test_backup_and_restore(demo_db, tmp_path):
    """velocity backup writes one consistent file (private); copied back over the store, every answer is as
    it was."""
    from conftest import FIXTURES, cli

    before = cli("status", "--json", cwd=tmp_path)
    ran = cli("backup", str(tmp_path / "saved.duckdb"), cwd=tmp_path)
    assert ran.code == 0, ran.err
    assert not (tmp_path / "saved.duckdb.wal").exists()  # one file: everything checkpointed into it
    assert cli("import", str(FIXTURES / "formats" / "returns__standard.txt"), cwd=tmp_path).code == 0
    assert cli("status", "--json", cwd=tmp_path).out != before.out
    (tmp_path / "saved.duckdb").replace(demo_db)  # restore: the backup put back in place
    assert cli("status", "--json", cwd=tmp_path).out == before.out
    ran = cli("backup", str(demo_db), cwd=tmp_path)
    assert ran.code != 0 and "that is the store itself" in ran.err


def _wal_continuing_a_later_save(tmp_path, db):
    """The write-ahead log of a write after the store was saved again (the log a kill leaves)."""
    from conftest import FIXTURES

    from velocity import ingest

    with store.connect(db) as s:
        [done] = ingest.import_paths(s, [FIXTURES / "formats" / "returns__standard.txt"])
        assert done.status == "imported", done.error
    with store.connect(db) as s:
        [done] = ingest.import_paths(s, [FIXTURES / "formats" / "feedback__uk.txt"])
        assert done.status == "imported", done.error
        wal = db.with_name(db.name + ".wal")
        kept = tmp_path / "kept.wal"
        kept.write_bytes(wal.read_bytes())
    return kept


@pytest.mark.parametrize("how", ["older backup restored beside it", "another store's log"])
def test_a_write_ahead_log_that_does_not_belong_is_told_not_replayed(demo_db, tmp_path, how):
    saved = tmp_path / "saved.duckdb"
    saved.write_bytes(demo_db.read_bytes())
    kept = _wal_continuing_a_later_save(tmp_path, demo_db)
    target = demo_db if how.startswith("older") else tmp_path / "other.duckdb"
    if how.startswith("older"):
        saved.replace(demo_db)
    else:
        store.connect(target).close()
    target.with_name(target.name + ".wal").write_bytes(kept.read_bytes())
    for write in (False, True):
        with pytest.raises(VelocityError, match="a write-ahead log that does not belong") as err:
            store.open_store(target, write=write)
        assert "rename" in err.value.hint and "\n" not in err.value.message
    target.with_name(target.name + ".wal").rename(tmp_path / "aside.wal")  # as the hint says
    assert _orders(target) >= 0


@pytest.mark.parametrize("kept", [0.3, 0.8])
def test_a_store_cut_short_is_told_in_one_line(demo_store, tmp_path, kept):
    from conftest import cli

    data = demo_store.read_bytes()
    (tmp_path / "velocity.duckdb").write_bytes(data[: int(len(data) * kept)])
    for args in (["status"], ["sales"], ["forecast"], ["import", str(tmp_path)]):
        ran = cli(*args, cwd=tmp_path)
        assert ran.code != 0
        assert "the store file is damaged or cut short" in ran.err and "Traceback" not in ran.err, args
