"""What users see, as golden files (tests/golden/), and the README's commands and example output.

Regenerate on purpose with VELOCITY_UPDATE_GOLDEN=1 and read the diff."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, need_olist

GOLDEN = REPO / "tests" / "golden"
UPDATE = os.environ.get("VELOCITY_UPDATE_GOLDEN") == "1"


def _velocity(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120", "TZ": "UTC"}
    env.pop("VELOCITY_DB", None)
    out = subprocess.run(
        [sys.executable, "-m", "velocity", *args], capture_output=True, text=True, cwd=cwd, env=env
    )
    assert out.returncode == 0, out.stderr
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict[str, str]:
    """The demo seller imported the way the README says, in a fresh folder."""
    folder = tmp_path_factory.mktemp("demo")
    (folder / "fixtures").symlink_to(REPO / "fixtures")
    imported = _velocity("import", "fixtures/demo", cwd=folder)
    return {
        "import": imported.stderr,
        "import_json": _velocity(
            "import", "fixtures/demo", "--json", "--db", "other.duckdb", cwd=folder
        ).stdout,
        "status": _velocity("status", cwd=folder).stdout,
        "status_json": _velocity("status", "--json", cwd=folder).stdout,
        "sales": _velocity("sales", cwd=folder).stdout,
        "sales_json": _velocity("sales", "--json", cwd=folder).stdout,
        "health": _velocity("health", cwd=folder).stdout,
        "health_json": _velocity("health", "--json", cwd=folder).stdout,
        "forecast": _velocity("forecast", cwd=folder).stdout,
        "forecast_json": _velocity("forecast", "--json", cwd=folder).stdout,
        "contacts": _velocity("contacts", cwd=folder).stdout,
        "contacts_csv": _velocity("contacts", "--format", "csv", cwd=folder).stdout,
        "contacts_json": _velocity("contacts", "--json", "--all", "--as-of", "2026-10-20", cwd=folder).stdout,
    }


def _stable_json(text: str) -> str:
    """JSON with what changes from run to run (import times, absolute paths) masked."""
    data = json.loads(text)
    for f in data.get("files", []) if isinstance(data, dict) else []:
        f["imported_at"] = "<time>"
        f["path"] = "<path>/" + f["name"]
    if isinstance(data, list):
        for r in data:
            r["path"] = "<path>/" + Path(r["path"]).name
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote missing golden file {path}; check it in after reading it")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def test_status_text(demo):
    _check("status.txt", demo["status"])


def test_status_json(demo):
    _check("status.json", _stable_json(demo["status_json"]))


def test_import_json(demo):
    _check("import.json", _stable_json(demo["import_json"]))


def test_sales_text(demo):
    _check("sales.txt", demo["sales"])


def test_sales_json(demo):
    _check("sales.json", demo["sales_json"])


def test_sales_chart(demo):
    from velocity.chart import sales_chart

    _check(
        "sales_chart.txt",
        sales_chart(json.loads(demo["sales_json"]), width=100, height=24).rstrip("\n") + "\n",
    )
    assert "\x1b" not in (GOLDEN / "sales_chart.txt").read_text(encoding="utf-8")


def test_health_text(demo):
    _check("health.txt", demo["health"])


def test_health_json(demo):
    _check("health.json", demo["health_json"])


def test_forecast_text(demo):
    """The summary, the milestones table and the model line."""
    _check("forecast.txt", demo["forecast"])


def test_forecast_json(demo):
    _check("forecast.json", demo["forecast_json"])


def test_forecast_chart(demo):
    from velocity.chart import forecast_chart

    chart = forecast_chart(json.loads(demo["forecast_json"]), width=100, height=24)
    _check("forecast_chart.txt", chart.rstrip("\n") + "\n")
    assert "\x1b" not in chart


def test_backtest_olist(tmp_path):
    """The backtest on Olist's real timing that the README reports."""
    need_olist()
    from olist import write_exports

    write_exports(tmp_path)
    _velocity("import", ".", cwd=tmp_path)
    _check("backtest_olist.txt", _velocity("backtest", "--as-of", "2018-08-31", cwd=tmp_path).stdout)


def test_contacts_text(demo):
    _check("contacts.txt", demo["contacts"])


def test_contacts_csv(demo):
    _check("contacts.csv", demo["contacts_csv"])


def test_contacts_json_with_the_excluded(demo):
    _check("contacts_all_2026-10-20.json", demo["contacts_json"])


def test_import_lines(demo):
    _check("import.txt", demo["import"])


# --- the README ---------------------------------------------------------------------------------------------

README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(?:sh|console)\n(.*?)```", README, re.S)
TEXT_BLOCKS = re.findall(r"```text\n(.*?)```", README, re.S)


def test_readme_starts_with_the_two_commands():
    run_demo, run_tests = BLOCKS[0].strip(), BLOCKS[1].strip()
    assert run_demo == "pip install . && velocity forecast fixtures/demo"
    assert run_tests == "pip install '.[test]' && pytest"
    assert README.index(BLOCKS[0]) < README.index("## ")  # before any section


def test_ci_runs_the_readmes_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert BLOCKS[1].strip() in ci.splitlines()


def test_readme_example_output_is_real(demo):
    console = next(b for b in BLOCKS if b.startswith("$ velocity import fixtures/demo"))
    shown_import, shown_status = console.split("$ velocity status\n")
    assert shown_import.removeprefix("$ velocity import fixtures/demo\n") == demo["import"]
    assert shown_status == demo["status"]


def test_readme_sales_output_is_real(demo):
    console = next(b for b in BLOCKS if b.startswith("$ velocity sales\n"))
    assert console.removeprefix("$ velocity sales\n") == demo["sales"]
    assert TEXT_BLOCKS[0] == (GOLDEN / "sales_chart.txt").read_text(encoding="utf-8")


def test_readme_health_output_is_real(demo):
    console = next(b for b in BLOCKS if b.startswith("$ velocity health\n"))
    assert console.removeprefix("$ velocity health\n") == demo["health"]


def test_readme_forecast_output_is_real(demo):
    console = next(b for b in BLOCKS if b.startswith("$ velocity forecast\n"))
    assert console.removeprefix("$ velocity forecast\n") == demo["forecast"]
    assert TEXT_BLOCKS[1] == (GOLDEN / "forecast_chart.txt").read_text(encoding="utf-8")


def test_readme_backtest_output_is_the_golden_one():
    console = next(b for b in BLOCKS if b.startswith("$ velocity backtest --as-of 2018-08-31\n"))
    golden = (GOLDEN / "backtest_olist.txt").read_text(encoding="utf-8")
    assert console.removeprefix("$ velocity backtest --as-of 2018-08-31\n") == golden


def test_readme_contacts_output_is_real(demo):
    head = next(b for b in BLOCKS if b.startswith("$ velocity contacts | head -8\n"))
    assert head.removeprefix("$ velocity contacts | head -8\n") == "".join(
        demo["contacts"].splitlines(keepends=True)[:8]
    )
    tail = next(b for b in BLOCKS if b.startswith("$ velocity contacts | tail -9\n"))
    assert tail.removeprefix("$ velocity contacts | tail -9\n") == "".join(
        demo["contacts"].splitlines(keepends=True)[-9:]
    )
