"""Import boundaries: the core never imports the CLI's libraries, and the CLI's --help imports no heavy ones."""

from __future__ import annotations

import subprocess
import sys

CORE = (
    "velocity.ingest",
    "velocity.status",
    "velocity.store",
    "velocity.kinds",
    "velocity.ratings",
    "velocity.render",
    "velocity.sales",
    "velocity.health",
    "velocity.model",
    "velocity.forecast",
    "velocity.contacts",
)


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_core_does_not_import_cli_libraries():
    loaded = _modules_after("; ".join(f"import {m}" for m in CORE))
    for banned in ("typer", "plotext", "rich", "click"):
        assert banned not in loaded, banned


def test_help_imports_no_heavy_library():
    loaded = _modules_after(
        "import sys\nfrom velocity import cli\nsys.argv = ['velocity', '--help']\ntry:\n    cli.main()\nexcept SystemExit:\n    pass"
    )
    for heavy in ("duckdb", "polars", "numpy", "pyarrow"):
        assert heavy not in loaded, heavy
