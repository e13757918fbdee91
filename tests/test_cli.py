"""The command line as a contract: stdout is data, stderr is talk, exit codes from one enum."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import SAMPLES, need_shared
from test_merge import HEADER, line


def velocity(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "velocity", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )


def orders_file(folder: Path) -> Path:
    path = folder / "orders.txt"
    path.write_text(
        "\n".join([HEADER, line("202-0000001-0000001", "S1", "2026-10-01T11:00:00+00:00", "Shipped")]) + "\n"
    )
    return path


def test_import_json_is_clean_on_stdout(tmp_path):
    path = orders_file(tmp_path)
    out = velocity("import", str(path), "--json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    [result] = json.loads(out.stdout)
    assert (result["kind"], result["rows"], result["new"], result["status"]) == (
        "all_orders",
        1,
        1,
        "imported",
    )
    assert (tmp_path / "velocity.duckdb").exists()  # the default store, in the current folder


def test_import_summary_lines_go_to_stderr(tmp_path):
    out = velocity("import", str(orders_file(tmp_path)), cwd=tmp_path)
    assert out.stdout == ""
    assert "orders.txt: all_orders UK, 1 rows read: 1 new, 0 updated, 0 unchanged" in out.stderr


def test_db_option_and_environment(tmp_path):
    path = orders_file(tmp_path)
    assert velocity("import", str(path), "--db", str(tmp_path / "a.duckdb"), cwd=tmp_path).returncode == 0
    assert (
        velocity(
            "import", str(path), cwd=tmp_path, env={"VELOCITY_DB": str(tmp_path / "b.duckdb")}
        ).returncode
        == 0
    )
    assert (tmp_path / "a.duckdb").exists() and (tmp_path / "b.duckdb").exists()
    assert not (tmp_path / "velocity.duckdb").exists()


def test_status_json_contract(tmp_path):
    velocity("import", str(orders_file(tmp_path)), cwd=tmp_path)
    out = velocity("status", "--json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    for key in ("orders", "order_lines", "feedback", "settlements"):
        assert isinstance(data[key], int)
    assert (data["orders"], data["order_lines"], data["feedback"], data["settlements"]) == (1, 1, 0, 0)
    assert isinstance(data["files"], list) and data["files"][0]["kind"] == "all_orders"


def test_status_without_store_is_an_error_not_a_new_file(tmp_path):
    out = velocity("status", cwd=tmp_path)
    assert out.returncode == 1
    assert out.stderr.startswith("velocity: error: velocity.duckdb: no velocity store here yet")
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "velocity.duckdb").exists()


def test_bad_db_is_one_line_and_exit_1(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database\n")
    out = velocity("import", str(orders_file(tmp_path)), "--db", str(bad), cwd=tmp_path)
    assert out.returncode == 1
    assert out.stderr.splitlines()[0].startswith(f"velocity: error: {bad}: not a velocity store")
    assert "Traceback" not in out.stderr


def test_errors_exit_1_and_other_files_still_import(tmp_path):
    need_shared()
    out = velocity(
        "import", str(SAMPLES / "feedback__airbyte_fixture.tsv"), str(orders_file(tmp_path)), cwd=tmp_path
    )
    assert out.returncode == 1
    assert "velocity: error:" in out.stderr and "feedback__airbyte_fixture.tsv" in out.stderr
    assert "1 imported" in out.stderr


def test_usage_error_exit_2(tmp_path):
    assert velocity("import", cwd=tmp_path).returncode == 2
    assert velocity("import", str(orders_file(tmp_path)), "--marketplace", "XX", cwd=tmp_path).returncode == 2


def test_rating_records_and_corrects(tmp_path):
    args = ["rating", "--date", "2026-11-15", "-m", "uk", "--d30", "12,0,1", "--d90", "20,1,1"]
    first = velocity(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    csv_text = (tmp_path / "feedback-rating.csv").read_text()
    assert csv_text.splitlines() == [
        "date,marketplace,period,positive,neutral,negative",
        "2026-11-15,UK,30,12,0,1",
        "2026-11-15,UK,90,20,1,1",
    ]
    again = velocity(*args, "--json", cwd=tmp_path)
    assert json.loads(again.stdout)["status"] == "unchanged"
    fixed = velocity("rating", "--date", "2026-11-15", "-m", "UK", "--d30", "13,0,1", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    data = json.loads(velocity("status", "--json", cwd=tmp_path).stdout)
    assert data["tables"]["feedback_ratings"]["rows"] == 2
    import duckdb

    con = duckdb.connect(str(tmp_path / "velocity.duckdb"), read_only=True)
    assert con.execute("select positive from feedback_ratings where period = '30'").fetchall() == [(13,)]
    con.close()


def test_rating_refuses_contradictions(tmp_path):
    out = velocity(
        "rating", "--date", "2026-11-15", "-m", "UK", "--d30", "30,0,1", "--d90", "20,0,1", cwd=tmp_path
    )
    assert out.returncode == 2
    assert "exceeds" in out.stderr
    out = velocity("rating", "--date", "15/11/2026", "-m", "UK", "--d30", "3,0,1", cwd=tmp_path)
    assert out.returncode == 2 and "YYYY-MM-DD" in out.stderr


def test_sales_cli_contract(tmp_path):
    (tmp_path / "fixtures").symlink_to(Path(__file__).resolve().parents[1] / "fixtures")
    assert velocity("import", "fixtures/demo", cwd=tmp_path).returncode == 0
    out = velocity("sales", "--json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["trigger"]["rise_start"] and data["hold"]["source"] == "settlements"
    assert "as of 2026-11-15" in out.stderr  # the default as-of is said, on stderr
    earlier = json.loads(velocity("sales", "--json", "--as-of", "2026-10-10", cwd=tmp_path).stdout)
    assert earlier["daily"][-1]["date"] == "2026-10-10" and earlier["hold"]["start"] is None
    text = velocity("sales", cwd=tmp_path)
    assert (
        text.stdout.startswith("Sales velocity in GBP") and "┌" not in text.stdout
    )  # no chart off a terminal
    assert velocity("sales", "--as-of", "15/11/2026", cwd=tmp_path).returncode == 2
    assert velocity("sales", "--currency", "USD", cwd=tmp_path).returncode == 2


def test_sales_without_store(tmp_path):
    out = velocity("sales", cwd=tmp_path)
    assert out.returncode == 1 and "no velocity store here yet" in out.stderr


def test_health_cli(tmp_path):
    (tmp_path / "fixtures").symlink_to(Path(__file__).resolve().parents[1] / "fixtures")
    assert velocity("import", "fixtures/demo", cwd=tmp_path).returncode == 0
    out = velocity("health", "--json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"as_of", "metrics", "verdict"}
    assert set(data["verdict"]) >= {"likely_reason", "evidence", "next_steps"}
    assert all(0 <= m["rate"] <= 1 for m in data["metrics"] if m["rate"] is not None)
    assert velocity("health", "--as-of", "yesterday", cwd=tmp_path).returncode == 2


def test_forecast_cli_imports_then_forecasts(tmp_path):
    (tmp_path / "fixtures").symlink_to(Path(__file__).resolve().parents[1] / "fixtures")
    out = velocity("forecast", "fixtures/demo", "--json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)  # only data on stdout
    assert data["as_of"] == "2026-11-15" and data["release"]["p50"] <= data["hold"]["cap_date"]
    assert "as of 2026-11-15" in out.stderr
    again = velocity(
        "forecast", "fixtures/demo", "--json", "--policy", "dd7", "--future-sales", "0", cwd=tmp_path
    )
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["policy"] == "dd7"
    text = velocity("forecast", "--as-of", "2026-11-10", "-k", "60", cwd=tmp_path)
    assert text.returncode == 0 and "target 60" in text.stdout and text.stderr == ""
    assert velocity("forecast", "--policy", "weekly", cwd=tmp_path).returncode == 2
    moved = velocity("forecast", "--json", "--transit", "mfn=4-9", "--transit", "fba=2-4", cwd=tmp_path)
    assert moved.returncode == 0 and json.loads(moved.stdout)["model"]["delivery_basis"]["assumed"] > 0
    assert velocity("forecast", "--transit", "ups=1-2", cwd=tmp_path).returncode == 2
    assert velocity("forecast", "--as-of", "someday", cwd=tmp_path).returncode == 2


def test_forecast_cli_stops_when_an_import_fails(tmp_path):
    bad = tmp_path / "orders.txt"
    bad.write_text(HEADER + "\n" + line("202-1-1", "S", "2026-10-01T10:00:00+00:00", "Shipped", "ten") + "\n")
    out = velocity("forecast", str(bad), "--json", cwd=tmp_path)
    assert out.returncode == 1 and out.stdout == ""
    assert "no forecast from incomplete data" in out.stderr and "Traceback" not in out.stderr


def test_backtest_cli_explains_what_it_needs(tmp_path):
    (tmp_path / "fixtures").symlink_to(Path(__file__).resolve().parents[1] / "fixtures")
    assert velocity("import", "fixtures/demo", cwd=tmp_path).returncode == 0
    out = velocity("backtest", "--json", cwd=tmp_path)
    assert out.returncode == 1 and out.stdout == ""
    assert "per-order feedback rows" in out.stderr and "hint:" in out.stderr


def test_contacts_cli(tmp_path):
    (tmp_path / "fixtures").symlink_to(Path(__file__).resolve().parents[1] / "fixtures")
    assert velocity("import", "fixtures/demo", cwd=tmp_path).returncode == 0
    out = velocity("contacts", "--format", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    eligible = data["summary"]["eligible"]
    assert set(data) >= {"as_of", "rows"} and len(data["rows"]) == eligible > 0
    listed = velocity("contacts", "--format", "csv", "--output", "list.csv", "--mark-sent", cwd=tmp_path)
    assert listed.returncode == 0 and listed.stdout == ""
    assert f"recorded {eligible:,} requests" in listed.stderr
    assert len((tmp_path / "list.csv").read_text().splitlines()) == eligible + 1
    after = json.loads(velocity("contacts", "--json", "--all", cwd=tmp_path).stdout)
    assert after["summary"]["eligible"] == 0 and after["summary"]["excluded"]["already_requested"] == eligible
    text = velocity("contacts", cwd=tmp_path)
    assert "Nobody to ask today" in text.stdout
    (tmp_path / "asked.txt").write_text("202-0000000-0000001 2026-11-01\n")
    rec = velocity("contacts", "--record-sent", "asked.txt", cwd=tmp_path)
    assert rec.returncode == 0 and "1 new to the request log" in rec.stderr
    assert velocity("contacts", "--format", "xml", cwd=tmp_path).returncode == 2
    assert velocity("contacts", "--transit", "mfn=5-2", cwd=tmp_path).returncode == 2
    bad = velocity("contacts", "--output", "no/such/dir/x.csv", cwd=tmp_path)
    assert bad.returncode == 1 and "cannot be written" in bad.stderr and "Traceback" not in bad.stderr
    assert "Hello" in velocity("contacts", "--message", cwd=tmp_path).stdout
