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
