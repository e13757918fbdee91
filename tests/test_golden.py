"""What users see, as golden files (tests/golden/), and the README's commands and example output.

Regenerate on purpose with VELOCITY_UPDATE_GOLDEN=1 and read the diff."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import REPO, cli

GOLDEN = REPO / "tests" / "golden"
UPDATE = os.environ.get("VELOCITY_UPDATE_GOLDEN") == "1"


class _Out:
    def __init__(self, stdout: str, stderr: str):
        self.stdout, self.stderr = stdout, stderr


def _velocity(*args: str, cwd: Path) -> _Out:
    out = cli(*args, cwd=cwd)
    assert out.code == 0, out.err
    return _Out(out.out, out.err)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict[str, str]:
    """The README typed in order in a fresh folder: its first command imports the demo (and forecasts), then
    every example runs as shown."""
    folder = tmp_path_factory.mktemp("demo")
    (folder / "fixtures").symlink_to(REPO / "fixtures")
    first = _velocity("forecast", "fixtures/demo", cwd=folder)
    return {
        "folder": folder,
        "first": first.stderr,
        "first_import": _velocity("import", "fixtures/demo", "--db", "fresh.duckdb", cwd=folder).stderr,
        "import": _velocity("import", "fixtures/demo", cwd=folder).stderr,
        "history_import": _velocity(
            "--db", "history.duckdb", "import", "fixtures/history", cwd=folder
        ).stderr,
        "history_again": _velocity("--db", "history.duckdb", "import", "fixtures/history", cwd=folder).stderr,
        "backtest": _velocity("--db", "history.duckdb", "backtest", cwd=folder).stdout,
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
        "payouts": _velocity("payouts", cwd=folder).stdout,
        "payouts_json": _velocity("payouts", "--json", cwd=folder).stdout,
        "payouts_on": _velocity("payouts", "--on", "2026-11-16", cwd=folder).stdout,
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


@pytest.mark.parametrize("size", [(100, 24), (120, 40)], ids=["100x24", "120x40"])
def test_charts_at_terminal_sizes(demo, size):
    """The charts as a terminal of that size shows them (the CLI draws them `height - 2` rows tall)."""
    from velocity.chart import forecast_chart, sales_chart

    width, height = size
    for name, draw, key in (
        ("sales", sales_chart, "sales_json"),
        ("forecast", forecast_chart, "forecast_json"),
    ):
        chart = draw(json.loads(demo[key]), width=width, height=height - 2)
        assert all(len(line) <= width for line in chart.splitlines()), name
        assert len(chart.splitlines()) <= height
        _check(f"{name}_chart_{width}x{height}.txt", chart.rstrip("\n") + "\n")


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


def test_backtest_history(demo):
    """The backtest on the bundled seller with every rating that the README shows."""
    _check("backtest_history.txt", demo["backtest"])


def test_contacts_text(demo):
    _check("contacts.txt", demo["contacts"])


def test_contacts_csv(demo):
    _check("contacts.csv", demo["contacts_csv"])


def test_contacts_json_with_the_excluded(demo):
    _check("contacts_all_2026-10-20.json", demo["contacts_json"])


def test_import_lines(demo):
    _check("import.txt", demo["first_import"])
    assert all(line.endswith("unchanged (already imported)") for line in demo["import"].splitlines()[:-1])


# --- the README ---------------------------------------------------------------------------------------------


def test_payouts_text(demo):
    _check("payouts.txt", demo["payouts"])


def test_payouts_json(demo):
    _check("payouts.json", demo["payouts_json"])


def test_payouts_chart(demo):
    from velocity.chart import payouts_chart

    chart = payouts_chart(json.loads(demo["payouts_json"]), width=100, height=20)
    assert all(len(line) <= 100 for line in chart.splitlines())
    _check("payouts_chart.txt", chart.rstrip("\n") + "\n")


README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(?:sh|console)\n(.*?)```", README, re.S)
TEXT_BLOCKS = re.findall(r"```text\n(.*?)```", README, re.S)


def _console(start: str) -> str:
    return next(b for b in BLOCKS if b.startswith(start)).removeprefix(start)


def test_readme_starts_with_the_two_commands():
    run_demo, run_tests = BLOCKS[0].strip(), BLOCKS[1].strip()
    assert run_demo == "pip install . && velocity forecast fixtures/demo"
    assert run_tests == "pip install '.[test]' && pytest"
    assert README.index(BLOCKS[0]) < README.index("## ")  # before any section


def test_ci_runs_the_readmes_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert BLOCKS[1].strip() in ci.splitlines()


def test_readme_example_output_is_real(demo):
    shown_import, shown_status = _console("$ velocity import fixtures/demo\n").split("$ velocity status\n")
    assert shown_import == demo["import"]
    assert shown_status == demo["status"]


def test_readme_sales_output_is_real(demo):
    assert _console("$ velocity sales\n") == demo["sales"]
    assert TEXT_BLOCKS[0] == (GOLDEN / "sales_chart.txt").read_text(encoding="utf-8")


def test_readme_health_output_is_real(demo):
    assert _console("$ velocity health\n") == demo["health"]


def test_readme_forecast_output_is_real(demo):
    assert _console("$ velocity forecast\n") == demo["forecast"]
    assert TEXT_BLOCKS[1] == (GOLDEN / "forecast_chart.txt").read_text(encoding="utf-8")


def test_readme_backtest_output_is_real(demo):
    shown_import, shown = _console("$ velocity --db history.duckdb import fixtures/history\n").split(
        "$ velocity --db history.duckdb backtest\n"
    )
    assert shown_import == demo["history_import"] and shown == demo["backtest"]


def test_readme_contacts_output_is_real(demo):
    lines = demo["contacts"].splitlines(keepends=True)
    assert _console("$ velocity contacts | head -8\n") == "".join(lines[:8])
    assert _console("$ velocity contacts | tail -9\n") == "".join(lines[-9:])


def test_readme_payouts_output_is_real(demo):
    assert _console("$ velocity payouts\n") == demo["payouts"]
    on = demo["payouts_on"].splitlines(keepends=True)
    assert _console("$ velocity payouts --on 2026-11-16 | head -10\n") == "".join(on[:10])
    assert TEXT_BLOCKS[2] == (GOLDEN / "payouts_chart.txt").read_text(encoding="utf-8")


def test_readme_python_example_runs(demo):
    """The notebook example, run as a doctest in the demo's folder."""
    import contextlib
    import doctest

    [block] = re.findall(r"```pycon\n(.*?)```", README, re.S)
    test = doctest.DocTestParser().get_doctest(block, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    with contextlib.chdir(demo["folder"]):
        runner.run(test)
    assert runner.failures == 0 and runner.tries >= 6
