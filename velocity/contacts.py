"""Whom to ask for feedback today (``velocity contacts``), and the log of who has been asked.

The list comes from SQL (queries/answers/contact_list: one row per order, eligible or excluded with a reason,
the rule the forecast's what-if reads too); the expected gain of asking comes from the forecast model
(velocity.model). Returns plain data; never prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import polars as pl

from velocity import forecast, model
from velocity.context import Context
from velocity.errors import ExitCode, VelocityError
from velocity.files import private_files, write_private
from velocity.forecast.history import to_day, transit_params
from velocity.frames import TableResult
from velocity.store import Store, refresh_orders

COLUMNS = (
    "order_id",
    "purchase_date",
    "delivery_date",
    "delivery_basis",
    "window_opens",
    "window_closes",
    "days_left",
    "expected_gain",
    "status",
    "reason",
    "note",
    "buyer_name",
    "buyer_email",
)
REASONS = (
    "non_amazon",
    "cancelled",
    "refunded",
    "pending",
    "opted_out",
    "feedback_received",
    "already_requested",
    "window_closed",
    "not_open_yet",
)
SOON = 7  # days: "opening soon" in the summary
DO_NOT_CONTACT = Path("do-not-contact.txt")  # read from the current folder when it exists
MESSAGE = (
    "Hello{name},\n\n"
    "Thank you for your order {order_id}. If you have a moment, we would be grateful for your feedback on "
    "how it went: you can leave it from Your Orders on Amazon.\n\n"
    "If anything was not right, please reply to this message and we will put it right.\n\n"
    "Thank you,\n{seller}\n"
)
_ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")


def _lines(path: Path, hint: str) -> list[str]:
    """The lines of a small text file the seller keeps (UTF-8, a BOM allowed); unreadable: one-line error."""
    try:
        return path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise VelocityError(f"{path}: cannot be read ({exc})", hint) from None


def read_do_not_contact(path: Path) -> list[str]:
    """Order ids and buyer e-mails (lower-cased) from a do-not-contact file: one per line, '#' comments."""
    out = []
    for raw in _lines(path, "a plain text file, one order id or e-mail a line"):
        entry = raw.split("#", 1)[0].strip()
        if entry:
            out.append(entry.lower() if "@" in entry else entry)
    return out


def _gains(
    post: model.Posterior, age: np.ndarray, span: np.ndarray, ask: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per order: the expected rise in the chance of positive feedback if asked now (posterior mean), and
    per draw the expected extra positives if all are asked. An order that stays silent by age a would
    still give feedback with chance pi = p(F(w) - F(a)) / (1 - pF(a)); asking adds r(1 - pi) of it, a
    share q positive (r: the asked-response prior)."""
    keys, inverse = np.unique(np.stack([age, span]), axis=1, return_inverse=True)  # alike orders once
    a, w = keys
    still = model.still_to_come(post.p[:, None], post.cdf, a, np.maximum(w, a))
    per_group = post.q[:, None] * (1.0 - still)  # (draws, groups), times the response rate
    gain = ask * per_group.mean(axis=0)
    counts = np.bincount(inverse.ravel(), minlength=keys.shape[1])
    return gain[inverse.ravel()], per_group @ counts


@dataclass
class ContactList(TableResult):
    """Whom to ask: the rows as a polars frame (velocity contacts' columns, the eligible orders first, window
    closing soonest, then the excluded ones by reason), the summary and notes. as_dict() is the JSON
    contract; to_json() and to_csv() write it without a Python object per row."""

    head: dict
    rows: pl.DataFrame
    summary: dict
    notes: list[str]

    table = "rows"

    @property
    def frame(self) -> pl.DataFrame:
        return self.rows

    def parts(self) -> dict:
        return {"summary": self.summary, "notes": self.notes}

    def to_csv(self) -> str:
        text = [c for c, t in self.rows.schema.items() if t == pl.String]
        risky = r"^[=+\-@\t\r]"
        safe = self.rows.with_columns(
            pl.when(pl.col(c).str.contains(risky)).then("'" + pl.col(c)).otherwise(pl.col(c)).alias(c)
            for c in text
        )
        return safe.write_csv(line_terminator="\n", date_format="%Y-%m-%d")

    def eligible(self) -> list[str]:
        return self.rows.filter(pl.col("status") == "eligible")["order_id"].to_list()


def analyse(
    store: Store,
    ctx: Context,
    *,
    opted_out: list[str] | None = None,
    transit: dict[str, tuple[int, int]] | None = None,
    include_excluded: bool = False,
    policy: str = "review",
    feedback_needed: int | None = None,
    seed: int = 0,
) -> ContactList:
    """The orders that may be asked today with their request windows (the ``velocity contacts --format
    json`` contract), window closing soonest first, then the largest expected gain; with include_excluded
    every other order too, with its reason. A summary counts every reason either way and quotes the
    forecast (its policy and target) without and with asking."""
    opted_out = opted_out or []
    params = ctx.params(opted_out=opted_out, **transit_params(transit))
    if not ctx.currency_given:
        params["currency"] = None  # the list holds every currency unless one was asked for
    frame = pl.DataFrame(store.frame_source("contact_rows", {**params, "all": include_excluded}))
    counts = {r["reason"]: r for r in store.records("contact_counts", {**params, "soon": SOON})}
    # one forecast on the same rule (contact_list): its model gives the gains, its what-if the release effect
    effect = forecast.run(
        store,
        ctx,
        policy=policy,
        feedback_needed=feedback_needed,
        transit=transit,
        opted_out=opted_out,
        seed=seed,
    )
    notes: list[str] = list(ctx.notes)
    pace = store.record("contact_pace", {"through": ctx.orders_through})["orders_per_day"]
    cap = int(5 * float(pace) + 600)
    listed = frame.filter(pl.col("status") == "eligible")
    if listed.height > cap:
        notes.append(
            f"Amazon caps buyer messages at about {cap:,} a day (5 x your daily orders + 600): ask the first "
            f"{cap:,} today, the rest tomorrow"
        )
    post, response = effect.posterior, effect.response
    if effect.result["positive_source"] == "none":
        notes.append("no positive feedback is known: expected gains rest on priors")
    today = to_day(ctx.as_of)
    earliest = _day_numbers(listed["earliest_delivery"])
    age = today - earliest
    span = _day_numbers(listed["purchase_date"]) + model.WINDOW - earliest
    gains, per_draw = (
        _gains(post, age, span, response["mean"]) if listed.height else (np.zeros(0), np.zeros(post.p.size))
    )
    rng = np.random.default_rng(seed)
    chance = rng.beta(response["alpha"], response["beta"], post.p.size)
    expected = model.count_quantiles(rng.poisson(chance * per_draw))
    listed = listed.with_columns(expected_gain=pl.Series(np.round(gains, 4), dtype=pl.Float64)).sort(
        ["days_left", "expected_gain", "order_id"], descending=[False, True, False]
    )
    order = {reason: i for i, reason in enumerate(REASONS)}
    excluded = (
        frame.filter(pl.col("status") != "eligible")
        .with_columns(pl.col("reason").replace_strict(order, return_dtype=pl.Int32).alias("_rank"))
        .sort(["_rank", "purchase_date", "order_id"])
        .drop("_rank")
    )
    rows = pl.concat([listed, excluded]).select(COLUMNS)
    f = effect.result
    summary = {
        "eligible": listed.height,
        "daily_message_cap": cap,
        "opening_within_7_days": int(counts.get("not_open_yet", {}).get("opening_soon", 0)),
        "excluded": {reason: int(counts.get(reason, {}).get("orders", 0)) for reason in REASONS},
        "expected_positive_if_all_asked": {
            "p10": round(float(expected[0]), 1),
            "p50": round(float(expected[1]), 1),
            "p90": round(float(expected[2]), 1),
        },
        "policy": f["policy"],
        "feedback_needed": f["feedback_needed"],
        "positive_since_hold": f["positive_since_hold"],
        "target_reached": f["target_reached"],
        "release_without_asking": f["feedback_release"] if f["policy"] == "review" else f["release"],
        "release_if_all_asked": f["what_if"]["release"],
        "forecast_orders_contacted": f["what_if"]["orders_contacted"],
        "response": {k: response[k] for k in ("mean", "source", "requests_used")},
    }
    return ContactList(ctx.as_dict(), rows, summary, notes)


def _day_numbers(column: pl.Series) -> np.ndarray:
    return column.cast(pl.Int64).to_numpy()


# --- output -----------------------------------------------------------------------------------------------


def write_whole(path: Path, text: str) -> None:
    """Write the list whole or not at all, readable by its owner only (it holds buyers' names)."""
    write_private(path, text, "choose another --output path")


def message(row: dict | None = None, seller: str = "[your shop name]") -> str:
    """A request text within Amazon's rules: no incentive, no request for positive feedback, no steering."""
    name = f" {row['buyer_name'].split()[0]}" if row and row.get("buyer_name") else ""
    return MESSAGE.format(name=name, order_id=row["order_id"] if row else "[order id]", seller=seller)


# --- the request log ----------------------------------------------------------------------------------------


@private_files()
def mark_sent(store: Store, requests: list[tuple[str, date]], source: str) -> int:
    """Record (order id, day asked) pairs - one request per order, ever: an order already in the log keeps
    its first date. All or nothing, the order table updated with it. Returns how many orders were new to
    the log."""
    if not requests:
        return 0
    now = datetime.now(UTC)
    con = store.con
    con.begin()
    try:
        before = con.execute("select count(*) from feedback_requests").fetchone()[0]
        for day in sorted({d for _, d in requests}):  # one insert per day asked
            con.execute(
                "insert into feedback_requests select unnest($ids), $on, $source, $now on conflict do nothing",
                {
                    "ids": sorted({o for o, d in requests if d == day}),
                    "on": day,
                    "source": source,
                    "now": now,
                },
            )
        after = con.execute("select count(*) from feedback_requests").fetchone()[0]
        refresh_orders(store, sorted({o for o, _ in requests}))
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return int(after - before)


def read_requests(path: Path, default_day: date) -> list[tuple[str, date]]:
    """Requests made elsewhere, from a file: one order id a line, optionally followed by a date
    (YYYY-MM-DD; comma, tab or space between), or a CSV with an order-id column (and maybe a date column).
    A bad line is an error naming the file and the line."""
    out: list[tuple[str, date]] = []
    for n, raw in enumerate(_lines(path, "a text file of order ids, one a line"), start=1):
        cells = [c.strip().strip('"') for c in re.split(r"[,\t ;]+", raw.strip()) if c.strip()]
        if not cells or cells[0].startswith("#"):
            continue
        if n == 1 and not _ORDER_ID.match(cells[0]) and any("order" in c.lower() for c in cells):
            continue  # a header line
        if not _ORDER_ID.match(cells[0]):
            raise VelocityError(
                f"{path}: line {n}: {cells[0]!r} is not an Amazon order id (like 202-1234567-1234567)",
                "one order id a line, optionally followed by the date you asked (YYYY-MM-DD)",
                ExitCode.DATA,
            )
        day = default_day
        if len(cells) > 1:
            try:
                day = date.fromisoformat(cells[1])
            except ValueError:
                raise VelocityError(
                    f"{path}: line {n}: {cells[1]!r} is not a date",
                    "write dates as YYYY-MM-DD",
                    ExitCode.DATA,
                ) from None
        out.append((cells[0], day))
    return out


@private_files()
def record_requests(store: Store, path: Path, default_day: date) -> dict:
    """Record the requests listed in a file (all or nothing): how many orders, how many new to the log, and
    how many the store does not know (recorded all the same: their exports may come later)."""
    wanted = read_requests(path, default_day)
    if not wanted:
        raise VelocityError(f"{path}: no order ids in it", "one order id a line")
    known = {r["order_id"] for r in store.records("known_order_ids")}
    unique = {o for o, _ in wanted}
    new = mark_sent(store, wanted, "file")
    return {"orders": len(unique), "new": new, "unknown": len(unique - known)}
