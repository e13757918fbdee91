"""The command line as a contract: stdout is data, stderr is talk, exit codes from one enum, one style of
usage error, the same options on every analysis command. Run in-process (tests/conftest.py:cli)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, cli
from test_merge import HEADER, line

ANALYSES = ("sales", "health", "forecast", "backtest", "contacts")


def orders_file(folder: Path) -> Path:
    path = folder / "orders.txt"
    path.write_text(
        "\n".join([HEADER, line("202-0000001-0000001", "S1", "2026-10-01T11:00:00+00:00", "Shipped")]) + "\n"
    )
    return path


def test_import_json_is_clean_on_stdout(tmp_path):
    out = cli("import", str(orders_file(tmp_path)), "--json", cwd=tmp_path)
    assert out.code == 0, out.err
    [result] = json.loads(out.out)
    assert (result["kind"], result["rows"], result["new"], result["status"]) == (
        "all_orders",
        1,
        1,
        "imported",
    )
    assert (tmp_path / "velocity.duckdb").exists()  # the default store, in the current folder


def test_import_summary_lines_go_to_stderr(tmp_path):
    out = cli("import", str(orders_file(tmp_path)), cwd=tmp_path)
    assert out.out == ""
    assert "orders.txt: all_orders UK, 1 rows read: 1 new, 0 updated, 0 unchanged" in out.err


def test_db_option_before_or_after_the_command_and_environment(tmp_path):
    path = str(orders_file(tmp_path))
    assert cli("import", path, "--db", str(tmp_path / "a.duckdb"), cwd=tmp_path).code == 0
    assert cli("--db", str(tmp_path / "g.duckdb"), "import", path, cwd=tmp_path).code == 0
    assert cli("import", path, cwd=tmp_path, env={"VELOCITY_DB": str(tmp_path / "b.duckdb")}).code == 0
    assert all((tmp_path / f"{n}.duckdb").exists() for n in "agb")
    assert not (tmp_path / "velocity.duckdb").exists()
    status = cli("--db", str(tmp_path / "g.duckdb"), "status", "--json", cwd=tmp_path)
    assert json.loads(status.out)["orders"] == 1


def test_version_and_help_without_type_tags(tmp_path):
    from velocity import __version__

    assert cli("--version", cwd=tmp_path).out == f"velocity {__version__}\n"
    helped = cli("forecast", "--help", cwd=tmp_path)
    assert helped.code == 0
    assert "--json " in helped.out and "<bool>" not in helped.out and "BOOLEAN" not in helped.out
    assert "--as-of DATE" in helped.out and "[default: review]" in helped.out


def test_usage_errors_are_one_line_and_exit_2(tmp_path):
    for args in (("import",), ("forecast", "--bogus"), ("sales", "--as-of"), ("forecast", "-k", "nan")):
        out = cli(*args, cwd=tmp_path)
        assert out.code == 2, args
        first, *rest = out.err.splitlines()
        assert first.startswith("velocity: error: ") and rest and rest[0].startswith("  hint: "), out.err
        assert "Usage:" not in out.err and "╭" not in out.err
    assert cli("import", str(orders_file(tmp_path)), "--marketplace", "XX", cwd=tmp_path).code == 2


def test_status_json_contract(tmp_path):
    cli("import", str(orders_file(tmp_path)), cwd=tmp_path)
    out = cli("status", "--json", cwd=tmp_path)
    assert out.code == 0, out.err
    data = json.loads(out.out)
    for key in ("orders", "order_lines", "feedback", "settlements"):
        assert isinstance(data[key], int)
    assert (data["orders"], data["order_lines"], data["feedback"], data["settlements"]) == (1, 1, 0, 0)
    assert isinstance(data["files"], list) and data["files"][0]["kind"] == "all_orders"


def test_status_without_store_is_an_error_not_a_new_file(tmp_path):
    out = cli("status", cwd=tmp_path)
    assert out.code == 1
    assert out.err.startswith("velocity: error: velocity.duckdb: no velocity store here yet")
    assert not (tmp_path / "velocity.duckdb").exists()


def test_bad_db_is_one_line_and_exit_1(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database\n")
    out = cli("import", str(orders_file(tmp_path)), "--db", str(bad), cwd=tmp_path)
    assert out.code == 1
    assert out.err.splitlines()[0].startswith(f"velocity: error: {bad}: not a velocity store")


def test_a_path_that_does_not_exist_creates_no_store(tmp_path):
    out = cli("import", "no/such/folder", cwd=tmp_path)
    assert out.code == 1 and "no/such/folder: no such file or folder" in out.err
    assert not (tmp_path / "velocity.duckdb").exists()
    (tmp_path / "empty").mkdir()
    out = cli("import", "empty", cwd=tmp_path)
    assert out.code == 1 and "nothing to import" in out.err and len(out.err.splitlines()) == 2


def test_errors_exit_1_and_other_files_still_import(tmp_path):
    bad = tmp_path / "feedback.txt"
    bad.write_text("Date\tRating\tComments\tYour Response\tOrder ID\tRater Email\n1/2/26\t9\t\t\tx\t\n")
    out = cli("import", str(bad), str(orders_file(tmp_path)), cwd=tmp_path)
    assert out.code == 1
    assert "velocity: error:" in out.err and "feedback.txt" in out.err and "1 imported" in out.err


def test_rating_records_and_corrects(tmp_path):
    args = ["rating", "--date", "2026-11-15", "-m", "uk", "--d30", "12,0,1", "--d90", "20,1,1"]
    first = cli(*args, cwd=tmp_path)
    assert first.code == 0, first.err
    assert (tmp_path / "feedback-rating.csv").read_text().splitlines() == [
        "date,marketplace,period,positive,neutral,negative",
        "2026-11-15,UK,30,12,0,1",
        "2026-11-15,UK,90,20,1,1",
    ]
    again = cli(*args, "--json", cwd=tmp_path)
    assert json.loads(again.out)["status"] == "unchanged"
    fixed = cli("rating", "--date", "2026-11-15", "-m", "UK", "--d30", "13,0,1", cwd=tmp_path)
    assert fixed.code == 0, fixed.err
    data = json.loads(cli("status", "--json", cwd=tmp_path).out)
    assert data["tables"]["feedback_ratings"]["rows"] == 2


def test_rating_refuses_contradictions(tmp_path):
    out = cli(
        "rating", "--date", "2026-11-15", "-m", "UK", "--d30", "30,0,1", "--d90", "20,0,1", cwd=tmp_path
    )
    assert out.code == 2 and "exceeds" in out.err
    out = cli("rating", "--date", "15/11/2026", "-m", "UK", "--d30", "3,0,1", cwd=tmp_path)
    assert out.code == 2 and "YYYY-MM-DD" in out.err


@pytest.mark.parametrize("command", ANALYSES)
def test_every_analysis_takes_the_same_options(demo_db, command):
    folder = demo_db.parent
    common = [
        "--as-of",
        "2026-11-15",
        "--hold-date",
        "2026-11-02",
        "--currency",
        "GBP",
        "--marketplace",
        "UK",
    ]
    more = {"contacts": ["--policy", "dd7", "-k", "30"]}.get(command, [])
    out = cli(command, *common, *more, "--json", cwd=folder)
    if command == "backtest":  # the demo's feedback file lists too few ratings: said in one line
        assert out.code == 1 and "per-order feedback rows" in out.err
        return
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert (data["as_of"], data["data_through"], data["currency"], data["marketplace"]) == (
        "2026-11-15",
        "2026-11-15",
        "GBP",
        "UK",
    )
    if command == "contacts":
        assert data["summary"]["policy"] == "dd7" and data["summary"]["feedback_needed"] == 30


@pytest.mark.parametrize("command", ANALYSES)
def test_a_hold_date_after_the_as_of_date_is_refused(demo_db, command):
    out = cli(command, "--as-of", "2026-11-10", "--hold-date", "2026-11-12", cwd=demo_db.parent)
    assert out.code == 2 and "--hold-date 2026-11-12 is after the as-of date 2026-11-10" in out.err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("forecast", "--future-sales", "nan"), "--future-sales"),
        (("forecast", "--future-sales", "inf"), "--future-sales"),
        (("forecast", "--future-sales", "-3"), "--future-sales"),
        (("forecast", "-k", "-5"), "--feedback-needed"),
        (("forecast", "-k", "0"), "--feedback-needed"),
        (("backtest", "--step", "0"), "--step"),
        (("backtest", "--step", "nan"), "--step"),
        (("contacts", "--transit", "mfn=5-2"), "--transit"),
        (("forecast", "--as-of", "someday"), "--as-of"),
        (("contacts", "--format", "xml"), "--format"),
        (("contacts", "--format", "csv", "--json"), "--json and --format csv"),
        (("sales", "--currency", "USD"), "no sales in USD"),
    ],
)
def test_bad_option_values_are_refused_with_exit_2(demo_db, args, words):
    out = cli(*args, cwd=demo_db.parent)
    assert out.code == 2, out.err
    assert words in out.err and "Traceback" not in out.err and out.out == ""


def test_as_of_outside_the_data_is_one_line(demo_db):
    early = cli("forecast", "--as-of", "2025-01-01", cwd=demo_db.parent)
    assert (
        early.code == 2 and "no orders on or before 2025-01-01: your orders start on 2026-09-21" in early.err
    )
    far = cli("sales", "--as-of", "2030-01-01", cwd=demo_db.parent)
    assert far.code == 2 and "days after your data ends (2026-11-15)" in far.err
    assert len(far.err.splitlines()) == 2


def test_sales_cli_contract(demo_db):
    folder = demo_db.parent
    out = cli("sales", "--json", cwd=folder)
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert data["trigger"]["rise_start"] and data["hold"]["source"] == "settlements"
    assert "as of 2026-11-15" in out.err  # the default as-of is said, on stderr
    earlier = json.loads(cli("sales", "--json", "--as-of", "2026-10-10", cwd=folder).out)
    assert earlier["daily"][-1]["date"] == "2026-10-10" and earlier["hold"]["start"] is None
    text = cli("sales", cwd=folder)
    assert text.out.startswith("Sales velocity in GBP") and "┌" not in text.out  # no chart off a terminal
    csv_out = cli("sales", "--format", "csv", cwd=folder).out.splitlines()
    assert csv_out[0].startswith("date,orders,units,sales") and len(csv_out) == len(data["daily"]) + 1


def test_health_cli(demo_db):
    out = cli("health", "--json", cwd=demo_db.parent)
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert set(data) >= {"as_of", "data_through", "metrics", "verdict"}
    assert set(data["verdict"]) >= {"likely_reason", "evidence", "next_steps"}
    assert all(0 <= m["rate"] <= 1 for m in data["metrics"] if m["rate"] is not None)


def test_forecast_cli_imports_then_forecasts(tmp_path):
    (tmp_path / "fixtures").symlink_to(FIXTURES)
    out = cli("forecast", "fixtures/demo", "--json", cwd=tmp_path)
    assert out.code == 0, out.err
    data = json.loads(out.out)  # only data on stdout
    assert data["as_of"] == "2026-11-15" and data["release"]["p50"] <= data["hold"]["cap_date"]
    again = cli("forecast", "fixtures/demo", "--json", "--policy", "dd7", "--future-sales", "0", cwd=tmp_path)
    assert again.code == 0, again.err
    assert json.loads(again.out)["policy"] == "dd7"
    text = cli("forecast", "--as-of", "2026-11-10", "-k", "60", cwd=tmp_path)
    assert text.code == 0 and "target 60" in text.out and text.err == ""
    assert cli("forecast", "--policy", "weekly", cwd=tmp_path).code == 2
    moved = cli("forecast", "--json", "--transit", "mfn=4-9", "--transit", "fba=2-4", cwd=tmp_path)
    assert moved.code == 0 and json.loads(moved.out)["model"]["delivery_basis"]["assumed"] > 0
    assert cli("forecast", "--transit", "ups=1-2", cwd=tmp_path).code == 2


def test_forecast_cli_stops_when_an_import_fails(tmp_path):
    bad = tmp_path / "orders.txt"
    bad.write_text(HEADER + "\n" + line("202-1-1", "S", "2026-10-01T10:00:00+00:00", "Shipped", "ten") + "\n")
    out = cli("forecast", str(bad), "--json", cwd=tmp_path)
    assert out.code == 1 and out.out == ""
    assert "no forecast from incomplete data" in out.err


def test_contacts_cli(demo_db):
    folder = demo_db.parent
    out = cli("contacts", "--format", "json", cwd=folder)
    assert out.code == 0, out.err
    data = json.loads(out.out)
    eligible = data["summary"]["eligible"]
    assert set(data) >= {"as_of", "rows"} and len(data["rows"]) == eligible > 0
    listed = cli("contacts", "--format", "csv", "--output", "list.csv", "--mark-sent", cwd=folder)
    assert listed.code == 0 and listed.out == ""
    assert f"recorded {eligible:,} requests" in listed.err
    assert len((folder / "list.csv").read_text().splitlines()) == eligible + 1
    after = json.loads(cli("contacts", "--json", "--all", cwd=folder).out)
    assert after["summary"]["eligible"] == 0 and after["summary"]["excluded"]["already_requested"] == eligible
    assert "Nobody to ask today" in cli("contacts", cwd=folder).out
    (folder / "asked.txt").write_text("202-0000000-0000001 2026-11-01\n")
    rec = cli("contacts", "--record-sent", "asked.txt", cwd=folder)
    assert rec.code == 0 and "1 new to the request log" in rec.err
    bad = cli("contacts", "--output", "no/such/dir/x.csv", cwd=folder)
    assert bad.code == 1 and "cannot be written" in bad.err
    assert "Hello" in cli("contacts", "--message", cwd=folder).out


def test_backtest_cli_explains_what_it_needs(demo_db):
    out = cli("backtest", "--json", cwd=demo_db.parent)
    assert out.code == 1 and out.out == ""
    assert "per-order feedback rows" in out.err and "hint:" in out.err
