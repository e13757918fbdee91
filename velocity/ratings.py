"""Recording the Feedback Manager "Feedback Rating" table by hand, in velocity's own CSV layout.

The seller reads positive / neutral / negative counts off Seller Central for 30, 90, 365 days and lifetime;
this module writes them as CSV rows (a file the seller keeps) which are then imported like any export.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from itertools import pairwise
from pathlib import Path

from velocity.errors import ExitCode, VelocityError
from velocity.files import write_private
from velocity.kinds import FEEDBACK_RATINGS

PERIODS = ("30", "90", "365", "lifetime")


def parse_counts(text: str, period: str) -> tuple[int, int, int]:
    """'12,0,1' -> (12, 0, 1): positive, neutral, negative."""
    parts = [p.strip() for p in text.replace("/", ",").split(",")]
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise VelocityError(
            f"counts for {period} days must be three whole numbers, positive,neutral,negative: got {text!r}",
            "for example --d30 12,0,1",
            ExitCode.USAGE,
        )
    return int(parts[0]), int(parts[1]), int(parts[2])


def check(counts: dict[str, tuple[int, int, int]]) -> None:
    """Longer windows hold at least what shorter ones do; refuse a reading that contradicts itself."""
    if not counts:
        raise VelocityError(
            "no counts given", "pass at least one of --d30, --d90, --d365, --lifetime", ExitCode.USAGE
        )
    known = [p for p in PERIODS if p in counts]
    for shorter, longer in pairwise(known):
        for i, label in enumerate(("positive", "neutral", "negative")):
            if counts[shorter][i] > counts[longer][i]:
                raise VelocityError(
                    f"{label} count for {shorter} days ({counts[shorter][i]}) exceeds the one for {longer}"
                    f" ({counts[longer][i]})",
                    "a longer window includes the shorter one: check the figures on the Feedback Manager page",
                    ExitCode.USAGE,
                )


def append(path: Path, as_of: date, marketplace: str, counts: dict[str, tuple[int, int, int]]) -> Path:
    """Add one reading to the CSV at path (made with its header if new); a reading already there for the
    same date, marketplace and period is replaced, so recording twice changes nothing."""
    check(counts)
    rows: list[list[str]] = []
    if path.exists():
        with path.open(newline="", encoding="utf-8-sig") as fh:
            found = list(csv.reader(fh))
        if not found or tuple(c.strip().lower() for c in found[0]) != FEEDBACK_RATINGS.columns:
            raise VelocityError(
                f"{path}: exists but is not a feedback rating file", "choose another --file", ExitCode.USAGE
            )
        replaced = {(as_of.isoformat(), marketplace, p) for p in counts}
        rows = [r for r in found[1:] if r and (r[0], r[1].upper(), r[2].lower()) not in replaced]
    rows += [[as_of.isoformat(), marketplace, p, *map(str, counts[p])] for p in PERIODS if p in counts]
    rows.sort(key=lambda r: (r[0], r[1], PERIODS.index(r[2]) if r[2] in PERIODS else 9))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FEEDBACK_RATINGS.columns)
    writer.writerows(rows)
    write_private(path, out.getvalue(), "choose another --file")
    return path
