"""The ``velocity`` command: parses options, calls one core function, renders its result, maps errors to
exit codes. No figure is computed here. Heavy modules (duckdb, polars, numpy) are imported inside commands,
so ``velocity --help`` starts fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from velocity.errors import ExitCode, VelocityError

app = typer.Typer(
    name="velocity",
    help="Why Amazon holds your money, when it comes back, and whom to ask for feedback - from your own "
    "Seller Central exports, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals would show buyer data
)

DEFAULT_DB = Path("velocity.duckdb")  # VELOCITY_DB overrides it (typer reads the variable)
DbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="VELOCITY_DB",
        help="The store file (created by import).",
        show_default=True,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print data as JSON on stdout; talk stays on stderr.")
]
MarketplaceOption = Annotated[
    str | None,
    typer.Option(
        "--marketplace",
        "-m",
        help="Marketplace code (US, UK, DE, FR, IT, ES, CA, JP ...) for files that do not name one.",
    ),
]


HoldDateOption = Annotated[
    str | None,
    typer.Option("--hold-date", help="When the hold began, if the settlements do not show it."),
]
NoChartOption = Annotated[
    bool, typer.Option("--no-chart", help="No chart (it is drawn only on a terminal anyway).")
]


def say(message: str) -> None:
    """Talk: always stderr."""
    print(message, file=sys.stderr)


def _say_default_as_of(result: dict) -> None:
    say(f"as of {result['as_of']} (the latest sale; --as-of to change)")


def _chart_on_terminal(draw: Callable[..., str], result: dict) -> None:
    """A chart below the text, only when stdout is a terminal; sized to it, coloured unless NO_COLOR."""
    if not sys.stdout.isatty():
        return
    size = os.get_terminal_size()
    chart = draw(result, width=min(size.columns, 120), height=22, colour=not os.environ.get("NO_COLOR"))
    sys.stdout.write("\n" + chart + "\n")


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def run(fn: Callable[[], int | None]) -> None:
    """Run a command body; a VelocityError becomes one line on stderr (plus its hint) and its exit code."""
    try:
        code = fn() or ExitCode.OK
    except VelocityError as exc:
        say(f"velocity: error: {exc.message}")
        if exc.hint:
            say(f"  hint: {exc.hint}")
        code = exc.code
    except KeyboardInterrupt:
        say("velocity: interrupted")
        code = ExitCode.INTERRUPTED
    raise typer.Exit(int(code))


class _Bar:
    """A one-line progress indicator on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty() and not os.environ.get("CI")
        self.shown = False

    def __call__(self, path: Path, stage: str, done: float | None) -> None:
        if not self.live:
            return
        if done is None:
            text = f"{path.name}: {stage} ..."
        else:
            filled = int(done * 30)
            text = f"{path.name}: {stage} [{'#' * filled}{'.' * (30 - filled)}] {done:4.0%}"
        sys.stderr.write("\r" + text[:100].ljust(100))
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()
            self.shown = False


def _import_paths(con, paths: list[Path], marketplace: str | None, *, quiet: bool) -> list:
    """Import files and folders, one line of talk per file (errors always: they are talk even with --json)."""
    from velocity import ingest, render

    bar = _Bar()
    results = []
    for path in paths:
        for result in ingest.import_paths(con, [path], marketplace=marketplace, progress=bar):
            bar.clear()
            results.append(result)
            if not quiet or result.status == "error":
                say(render.import_line(result))
    return results


def _import_summary(results: list, db: Path) -> str:
    return (
        f"{sum(r.status == 'imported' for r in results)} imported, "
        f"{sum(r.status == 'unchanged' for r in results)} unchanged, "
        f"{sum(r.status == 'skipped' for r in results)} skipped, "
        f"{sum(r.status == 'error' for r in results)} failed; store: {db}"
    )


@app.command("import")
def import_(
    paths: Annotated[
        list[Path], typer.Argument(help="Export files or folders (searched recursively; .gz too).")
    ],
    db: DbOption = DEFAULT_DB,
    marketplace: MarketplaceOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read Seller Central exports into the store. Each file is all-or-nothing; importing again changes nothing."""

    def body() -> int:
        from velocity import store

        con = store.connect(db)
        try:
            results = _import_paths(con, paths, marketplace, quiet=as_json)
        finally:
            con.close()
        if as_json:
            emit_json([r.as_dict() for r in results])
        elif results:
            say(_import_summary(results, db))
        return ExitCode.DATA if any(r.status == "error" for r in results) else ExitCode.OK

    run(body)


@app.command()
def status(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """What the store holds, per export kind, and what is missing for each answer."""

    def body() -> None:
        from velocity import render, store
        from velocity.status import status as store_status

        con = store.connect(db, create=False)
        try:
            result = store_status(con, db)
        finally:
            con.close()
        if as_json:
            emit_json(result)
        else:
            sys.stdout.write(render.status_text(result))

    run(body)


@app.command()
def rating(
    as_of: Annotated[
        str, typer.Option("--date", help="The day you read the table on Seller Central (YYYY-MM-DD).")
    ],
    marketplace: Annotated[str, typer.Option("--marketplace", "-m", help="Marketplace code, e.g. UK.")],
    d30: Annotated[str | None, typer.Option("--d30", help="30 days: positive,neutral,negative")] = None,
    d90: Annotated[str | None, typer.Option("--d90", help="90 days: positive,neutral,negative")] = None,
    d365: Annotated[str | None, typer.Option("--d365", help="365 days: positive,neutral,negative")] = None,
    lifetime: Annotated[
        str | None, typer.Option("--lifetime", help="Lifetime: positive,neutral,negative")
    ] = None,
    file: Annotated[
        Path, typer.Option("--file", help="The CSV the readings are kept in (created if missing).")
    ] = Path("feedback-rating.csv"),
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Record the Feedback Manager rating table (Performance > Feedback) as you read it today.

    Amazon's feedback report usually lists only 1-3 star feedback; these counts are how velocity knows
    your positives. Example: velocity rating --date 2026-11-15 -m UK --d30 12,0,1 --d90 20,0,1
    """

    def body() -> int:
        from velocity import ingest, ratings, render, store

        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            raise VelocityError(f"--date {as_of!r} is not a date", "use YYYY-MM-DD", ExitCode.USAGE) from None
        given = {"30": d30, "90": d90, "365": d365, "lifetime": lifetime}
        counts = {p: ratings.parse_counts(v, p) for p, v in given.items() if v is not None}
        code = marketplace.upper()
        con = store.connect(db)
        try:
            ingest.check_marketplace(con, code)
            ratings.append(file, day, code, counts)
            result = ingest.record_rating(con, file, day, code, counts)
        finally:
            con.close()
        if as_json:
            emit_json(result.as_dict())
        else:
            say(f"recorded in {file}")
            say(render.import_line(result))
        return ExitCode.DATA if result.status == "error" else ExitCode.OK

    run(body)


def _date_option(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise VelocityError(f"{name} {value!r} is not a date", "use YYYY-MM-DD", ExitCode.USAGE) from None


AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Ignore everything dated after this day (YYYY-MM-DD). Default: the latest sale."
    ),
]


@app.command()
def sales(
    db: DbOption = DEFAULT_DB,
    as_of: AsOfOption = None,
    currency: Annotated[
        str | None, typer.Option("--currency", help="Currency to analyse (default: the largest).")
    ] = None,
    marketplace: MarketplaceOption = None,
    hold_date: HoldDateOption = None,
    no_chart: NoChartOption = False,
    as_json: JsonOption = False,
) -> None:
    """Why the funds are held: the rise in 28-day sales that triggered the review, against your earlier pace."""

    def body() -> None:
        from velocity import render, store
        from velocity.sales import analyse

        con = store.connect(db, create=False)
        try:
            result = analyse(
                con,
                as_of=_date_option(as_of, "--as-of"),
                currency=currency,
                marketplace=marketplace,
                hold_date=_date_option(hold_date, "--hold-date"),
            )
        finally:
            con.close()
        if as_of is None:
            _say_default_as_of(result)
        if as_json:
            emit_json(result)
            return
        sys.stdout.write(render.sales_text(result))
        if not no_chart:
            from velocity.chart import sales_chart

            _chart_on_terminal(sales_chart, result)

    run(body)


@app.command()
def health(db: DbOption = DEFAULT_DB, as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """Account health as Seller Central defines it, from your exports, and the likely reason for a review."""

    def body() -> None:
        from velocity import render, store
        from velocity.health import analyse

        con = store.connect(db, create=False)
        try:
            result = analyse(con, as_of=_date_option(as_of, "--as-of"))
        finally:
            con.close()
        if as_of is None:
            _say_default_as_of(result)
        if as_json:
            emit_json(result)
        else:
            sys.stdout.write(render.health_text(result))

    run(body)


def _transit_option(values: list[str] | None) -> dict[str, tuple[int, int]] | None:
    if not values:
        return None
    out = {}
    for value in values:
        channel, _, days = value.partition("=")
        low, _, high = days.partition("-")
        if (
            channel.lower() not in ("fba", "mfn")
            or not low.isdigit()
            or not high.isdigit()
            or int(low) > int(high)
        ):
            raise VelocityError(
                f"--transit {value!r} is not CHANNEL=EARLIEST-LATEST",
                "e.g. --transit mfn=3-7 or fba=1-2",
                ExitCode.USAGE,
            )
        out[channel.lower()] = (int(low), int(high))
    return out


TransitOption = Annotated[
    list[str] | None,
    typer.Option(
        "--transit",
        help="Assumed transit days where no export has a delivery estimate, e.g. mfn=3-7 or fba=1-2 "
        "(default: per marketplace, see the README).",
    ),
]


@app.command()
def forecast(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Exports to import first (files or folders); none: use the store as it is."),
    ] = None,
    db: DbOption = DEFAULT_DB,
    as_of: AsOfOption = None,
    policy: Annotated[
        str,
        typer.Option(
            "--policy",
            help="How the money comes back: review (held until feedback supports the sales, at most 90 days), "
            "dd7, dd14 (days after delivery), rolling7, rolling28 (reserve of the preceding days' sales), sale14.",
        ),
    ] = "review",
    feedback_needed: Annotated[
        int | None,
        typer.Option(
            "--feedback-needed",
            "-k",
            help="Positive feedback since the hold that ends a review (default: 10% of the orders of the "
            "28 days before the hold, at least 10).",
        ),
    ] = None,
    future_sales: Annotated[
        float | None,
        typer.Option("--future-sales", help="Orders a day from now on (default: the last 28 days' average)."),
    ] = None,
    currency: Annotated[
        str | None, typer.Option("--currency", help="Currency to forecast (default: the largest).")
    ] = None,
    hold_date: HoldDateOption = None,
    marketplace: MarketplaceOption = None,
    transit: TransitOption = None,
    no_chart: NoChartOption = False,
    as_json: JsonOption = False,
) -> None:
    """When the held funds come back: positive feedback forecast with 80% bands, under a release policy."""

    def body() -> int:
        from velocity import render, store
        from velocity.forecast import analyse

        con = store.connect(db, create=bool(paths))
        try:
            if paths:
                results = _import_paths(con, paths, marketplace, quiet=as_json)
                if not as_json:
                    say(_import_summary(results, db))
                if any(r.status == "error" for r in results):
                    raise VelocityError(
                        "a file failed to import: no forecast from incomplete data",
                        "fix or leave out the file named above, then run again",
                        ExitCode.DATA,
                    )
            result = analyse(
                con,
                as_of=_date_option(as_of, "--as-of"),
                currency=currency,
                policy=policy,
                feedback_needed=feedback_needed,
                future_sales=future_sales,
                hold_date=_date_option(hold_date, "--hold-date"),
                transit=_transit_option(transit),
            )
        finally:
            con.close()
        if as_of is None:
            _say_default_as_of(result)
        if as_json:
            emit_json(result)
            return ExitCode.OK
        sys.stdout.write(render.forecast_text(result))
        if not no_chart:
            from velocity.chart import forecast_chart

            _chart_on_terminal(forecast_chart, result)
        return ExitCode.OK

    run(body)


@app.command()
def backtest(
    db: DbOption = DEFAULT_DB,
    as_of: AsOfOption = None,
    step: Annotated[int, typer.Option("--step", help="Days between cut-offs.")] = 7,
    currency: Annotated[
        str | None, typer.Option("--currency", help="Currency to test (default: the largest).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """How far to trust the forecast: cut your history at past dates, forecast, compare with what came."""

    def body() -> None:
        from velocity import render, store
        from velocity.forecast import backtest as run_backtest

        con = store.connect(db, create=False)
        try:
            result = run_backtest(con, as_of=_date_option(as_of, "--as-of"), currency=currency, step=step)
        finally:
            con.close()
        if as_of is None:
            _say_default_as_of(result)
        if as_json:
            emit_json(result)
        else:
            sys.stdout.write(render.backtest_text(result))

    run(body)


@app.command()
def contacts(
    db: DbOption = DEFAULT_DB,
    as_of: AsOfOption = None,
    output_format: Annotated[
        str, typer.Option("--format", help="table (default), csv or json (json: {as_of, rows, summary}).")
    ] = "table",
    as_json: JsonOption = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the list to this file (whole or not at all).")
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Add the excluded orders, with their reasons.")
    ] = False,
    mark_sent: Annotated[
        bool, typer.Option("--mark-sent", help="Record the listed orders as asked on the as-of day.")
    ] = False,
    record_sent: Annotated[
        Path | None,
        typer.Option(
            "--record-sent", help="Record requests made elsewhere: a file of order ids (and dates)."
        ),
    ] = None,
    sent_on: Annotated[
        str | None,
        typer.Option("--sent-on", help="With --record-sent: the day asked, where a line gives none."),
    ] = None,
    do_not_contact: Annotated[
        Path | None,
        typer.Option(
            "--do-not-contact",
            help="Order ids or buyer e-mails never to list (default: ./do-not-contact.txt).",
        ),
    ] = None,
    transit: TransitOption = None,
    show_message: Annotated[
        bool, typer.Option("--message", help="Print a request text within Amazon's rules, and stop.")
    ] = False,
) -> None:
    """Whom to ask for feedback today: every eligible order, once, within Amazon's rules; and the request log."""

    def body() -> int:
        from velocity import contacts as core
        from velocity import render, store

        if show_message:
            sys.stdout.write(core.message())
            return ExitCode.OK
        fmt = "json" if as_json else output_format.lower()
        if fmt not in ("table", "csv", "json"):
            raise VelocityError(f"--format {output_format!r}", "choose table, csv or json", ExitCode.USAGE)
        day = _date_option(as_of, "--as-of")
        con = store.connect(db, create=False)
        try:
            if record_sent is not None:
                from velocity.sales import default_as_of

                on = _date_option(sent_on, "--sent-on") or day or default_as_of(con)
                got = core.record_requests(con, record_sent, on)
                say(
                    f"{record_sent.name}: {got['orders']:,} orders, {got['new']:,} new to the request log"
                    + (f", {got['unknown']:,} not in the store yet" if got["unknown"] else "")
                )
                return ExitCode.OK
            dnc_path = do_not_contact or (core.DO_NOT_CONTACT if core.DO_NOT_CONTACT.exists() else None)
            opted_out = core.read_do_not_contact(dnc_path) if dnc_path else []
            result = core.analyse(
                con,
                as_of=day,
                opted_out=opted_out,
                transit=_transit_option(transit),
                include_excluded=show_all,
            )
            if as_of is None:
                _say_default_as_of(result)
            if fmt == "json":
                text = json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n"
            elif fmt == "csv":
                text = core.to_csv(result["rows"])
            else:
                text = render.contacts_text(result)
            if output is not None:
                core.write_whole(output, text)
                say(f"wrote {len(result['rows']):,} rows to {output}")
            else:
                sys.stdout.write(text)
            if mark_sent:
                asked = [
                    (r["order_id"], date.fromisoformat(result["as_of"]))
                    for r in result["rows"]
                    if r["status"] == "eligible"
                ]
                new = core.mark_sent(con, asked, "mark_sent")
                say(f"recorded {new:,} requests on {result['as_of']}: they will not be listed again")
        finally:
            con.close()
        return ExitCode.OK

    run(body)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
