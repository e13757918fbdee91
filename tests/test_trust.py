"""Every answer agrees with the others and with the seller's real situation, off the demo path too: one count
for each shared fact on the same store and as-of; commands run at once; a date past the last download;
buyers already asked; a target already met; no settlements; nothing sellable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import FIXTURES, ask, cli
from test_merge import HEADER, line

from velocity import ingest, store
from velocity.errors import VelocityError

AS_OFS = ("2026-11-15", "2026-11-01", "2026-11-20")  # the data's last day; before the hold; past the data


@pytest.fixture(scope="module")
def answers(demo_store):
    """Every answer on the demo at each as-of, through the library (what the CLI prints as JSON)."""
    out = {}
    with store.open_store(demo_store) as s:
        v = ask(s)
        for as_of in AS_OFS:
            out[as_of] = {
                "sales": v.sales(as_of=as_of).data,
                "health": v.health(as_of=as_of).data,
                "forecast": v.forecast(as_of=as_of).data,
                "contacts": v.contacts(as_of=as_of).data,
            }
    return out


@pytest.mark.parametrize("as_of", AS_OFS)
def test_one_count_for_each_shared_fact(answers, as_of):
    a = answers[as_of]
    sales, health, forecast, contacts = a["sales"], a["health"], a["forecast"], a["contacts"]
    # the orders of the 28 days before the hold (or, before a hold is known, the latest 28 days)
    assert forecast["feedback_needed_default"]["orders"] == sales["trigger"]["orders_28d"] > 0
    window = forecast["feedback_needed_default"]["window"]
    assert (window["first"], window["last"]) == (sales["trigger"]["first"], sales["trigger"]["date"])
    # the day the data runs through, the currency, the hold
    for answer in (sales, health, forecast, contacts):
        assert (answer["as_of"], answer["data_through"], answer["orders_through"]) == (
            as_of,
            min(as_of, "2026-11-15"),
            min(as_of, "2026-11-15"),
        )
    assert sales["currency"] == forecast["currency"] == contacts["currency"] == "GBP"
    assert sales["hold"]["start"] == forecast["hold"]["start"]
    # positives since the hold, the target and the eligible buyers: contacts quotes the forecast's
    s = contacts["summary"]
    assert s["positive_since_hold"] == forecast["positive_since_hold"]
    assert s["feedback_needed"] == forecast["feedback_needed"]
    assert s["eligible"] == forecast["what_if"]["orders_contacted"]
    assert s["release_without_asking"] == forecast["release"]
    # health's evidence quotes the rise sales measured
    if sales["trigger"]["rise_start"]:
        assert f"{sales['trigger']['sales_28d']:,.2f}" in " ".join(health["verdict"]["evidence"])


def test_the_trigger_count_is_what_the_readme_says(answers):
    """Shipped and pending orders, not cancelled, not multi-channel, in the 28 local days before the hold."""
    t = answers["2026-11-15"]["sales"]["trigger"]
    assert (t["first"], t["date"], t["window"], t["orders_28d"]) == (
        "2026-10-05",
        "2026-11-01",
        "before_hold",
        442,
    )


def test_a_date_past_the_data_is_today_with_old_downloads(answers, demo_db):
    now, later = answers["2026-11-15"]["forecast"], answers["2026-11-20"]["forecast"]
    for q in ("p10", "p50", "p90"):
        gap = abs((date.fromisoformat(now["release"][q]) - date.fromisoformat(later["release"][q])).days)
        assert gap <= 1, (q, now["release"], later["release"])
    assert later["daily"][0]["date"] == "2026-11-16"  # the forecast starts from the data's end
    for command in ("sales", "health", "forecast", "contacts"):
        out = cli(command, "--as-of", "2026-11-20", cwd=demo_db.parent)
        assert out.code == 0, out.err
        assert "Your data runs through 2026-11-15, 5 days before the as-of date" in out.out, command
    sales = answers["2026-11-20"]["sales"]
    assert sales["daily"][-1]["date"] == "2026-11-15"  # no zero-sales days after the data's end


def test_readers_run_at_once_and_a_writer_waits(demo_db):
    env = {**os.environ, "VELOCITY_DB": str(demo_db), "NO_COLOR": "1"}
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\ncon = duckdb.connect(sys.argv[1])\ntime.sleep(1.5)",
            str(demo_db),
        ]
    )
    time.sleep(0.5)
    started = time.monotonic()
    readers = [
        subprocess.Popen(
            [sys.executable, "-m", "velocity", c, "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for c in ("forecast", "sales", "contacts", "health")
    ]
    done = [p.communicate() for p in readers]
    holder.wait()
    assert [p.returncode for p in readers] == [0, 0, 0, 0], [e for _, e in done]
    assert all(json.loads(out)["as_of"] == "2026-11-15" for out, _ in done)
    assert time.monotonic() - started >= 0.8  # they waited for the writer, then all ran together


def test_a_writer_gives_up_with_one_line(demo_db, tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\ncon = duckdb.connect(sys.argv[1])\ntime.sleep(4)",
            str(demo_db),
        ]
    )
    time.sleep(0.5)
    try:
        out = cli(
            "import",
            str(FIXTURES / "formats" / "all_orders__2022_us.txt"),
            "--db",
            str(demo_db),
            cwd=tmp_path,
            env={"VELOCITY_WAIT": "0.5"},
        )
    finally:
        holder.kill()
        holder.wait()
    assert out.code == 1
    assert out.err.splitlines() == [
        f"velocity: error: {demo_db}: the store is in use by another velocity (an import, or contacts --mark-sent)",
        "  hint: try again in a moment, when it has finished",
    ]


def test_a_read_only_disk_gets_its_own_message(tmp_path):
    from velocity.store import _classify

    exc = OSError(30, "Read-only file system")
    writing = _classify(tmp_path / "v.duckdb", exc, writing=True)
    assert "cannot be written here (a read-only disk" in writing.message and "copy it" in writing.hint
    text = _classify(
        tmp_path / "v.duckdb",
        Exception('IO Error: Cannot open file "x": Read-only file system'),
        writing=True,
    )
    assert "read-only disk" in text.message and "not a velocity store" not in text.message


def test_readers_open_the_store_read_only(demo_db):
    with store.open_store(demo_db) as s:
        assert not s.writable
        with pytest.raises(Exception, match="read-only"):
            s.execute("delete from orders")
        s.materialize("contact_pace", {"through": date(2026, 11, 15)})  # temp tables are the reader's own


def test_asking_buyers_moves_the_forecast(demo_db):
    with store.connect(demo_db) as s:
        before = ask(s).forecast().data
        contacts = ask(s).contacts()
        asked = contacts.eligible()
        assert len(asked) == before["what_if"]["orders_contacted"] == 590
        assert ask(s).mark_sent(asked, "2026-11-15") == 590
        after = ask(s).forecast().data
    assert after["what_if"]["orders_already_asked"] == 590
    assert after["what_if"]["orders_contacted"] == 0  # the what-if covers only buyers not yet asked
    for q in ("p10", "p50", "p90"):
        moved = abs(
            (
                date.fromisoformat(after["release"][q]) - date.fromisoformat(before["what_if"]["release"][q])
            ).days
        )
        assert moved <= 1, (after["release"], before["what_if"]["release"])
    assert after["release"]["p50"] < before["release"]["p50"]


def test_a_target_already_met_is_said_once(demo_db):
    out = cli("forecast", "-k", "20", cwd=demo_db.parent)
    assert "Target reached on 15 Nov: 20 positive feedback since the hold (you have 27)" in out.out
    assert "Asking the" not in out.out and "moves it to" not in out.out


def _demo_without(tmp_path: Path, *prefixes: str) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    for f in (FIXTURES / "demo").iterdir():
        if not f.name.startswith(prefixes):
            shutil.copy(f, folder / f.name)
    return folder


def test_no_settlements_says_so_first_and_keeps_the_safe_pace(tmp_path):
    folder = _demo_without(tmp_path, "settlement_")
    assert cli("import", str(folder), cwd=tmp_path).code == 0
    text = cli("forecast", cwd=tmp_path).out
    assert text.startswith(
        "No hold is known: no settlement shows a reserve. Give the day it began with --hold-date"
    )
    sales = json.loads(cli("sales", "--json", cwd=tmp_path).out)
    assert sales["hold"]["start"] is None and sales["verdict"] == "rise_without_hold"
    assert 55 <= sales["safe_pace_per_day"] <= 70  # the pre-rise level (the rise: 19 Oct), never the spike's
    assert cli("sales", cwd=tmp_path).out.splitlines()[2].startswith("No hold is known")


def test_a_store_with_only_cancelled_orders_says_so(tmp_path, con):
    rows = [
        line(
            f"202-000000{i}-000000{i}",
            "S1",
            "2026-10-02T10:00:00+00:00",
            "Cancelled",
            purchased="2026-10-01T10:00:00+00:00",
        )
        for i in range(1, 5)
    ]
    path = tmp_path / "orders.txt"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    ingest.import_paths(con, [path])
    with pytest.raises(VelocityError, match="all 4 orders on or before 2026-10-02 are cancelled"):
        ask(con).forecast()


def test_the_90_day_cap_passed_is_reported_not_a_crash(demo_db):
    out = cli("forecast", "--hold-date", "2026-08-01", "--as-of", "2026-11-15", cwd=demo_db.parent)
    assert out.code == 0, out.err
    assert "the 90-day cap passed on 2026-10-30: the held funds should have been released" in out.out
    contacts = cli("contacts", "--hold-date", "2026-08-01", cwd=demo_db.parent)
    assert contacts.code == 0, contacts.err


def test_the_text_fits_a_100_column_terminal(demo_db):
    for command in ("sales", "health", "forecast", "status", "payouts"):
        for text_line in cli(command, cwd=demo_db.parent).out.splitlines():
            assert len(text_line) <= 100, (command, text_line)


def test_held_amount_under_another_policy_is_the_policys(demo_db):
    out = cli("forecast", "--policy", "dd7", cwd=demo_db.parent).out
    assert "Held under dd7: 10,987.08 GBP" in out and "Held: 4,682.23" not in out
    assert "Your settlements show 4,682.23 GBP held: a review reserve" in out
    review = cli("forecast", cwd=demo_db.parent).out
    assert "Released by the cap (31 Jan 2027): the 4,682.23 GBP held now, and sales still to come" in review


def test_a_later_download_week(tmp_path):
    """A second download a week later: the answers move on, the first week's figures stay reproducible."""
    first = _demo_without(tmp_path, "zzz")
    assert cli("import", str(first), cwd=tmp_path).code == 0
    before = json.loads(cli("forecast", "--json", cwd=tmp_path).out)
    extra = tmp_path / "week2.txt"
    end = date(2026, 11, 22)
    rows = [
        line(
            f"203-{i:07d}-0000001",
            "S1",
            f"{end}T20:00:00+00:00",
            "Shipped",
            "19.99",
            purchased=f"{end - timedelta(days=i % 7)}T10:00:00+00:00",
        )
        for i in range(140)
    ]
    extra.write_text("\n".join([HEADER, *rows]) + "\n")
    assert cli("import", str(extra), cwd=tmp_path).code == 0
    after = json.loads(cli("forecast", "--json", cwd=tmp_path).out)
    assert after["as_of"] == "2026-11-22" and after["orders_through"] == "2026-11-22"
    again = json.loads(cli("forecast", "--json", "--as-of", "2026-11-15", cwd=tmp_path).out)
    assert again["release"] == before["release"] and again["feedback_needed"] == before["feedback_needed"]
