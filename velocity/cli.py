"""The ``velocity`` command: parses options, calls one function of the library (velocity.api), renders its
answer, maps errors to exit codes. No figure is computed here. Heavy modules (duckdb, numpy, polars) load
inside commands, so ``velocity --help`` starts fast. Readers open the store read-only; writers wait for it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from typer.exceptions import TyperException

from velocity import __version__
from velocity.errors import ExitCode, VelocityError
from velocity.files import private_files
from velocity.text import printable

app = typer.Typer(
    name="velocity",
    help="Why Amazon holds your money, when it comes back, and whom to ask for feedback - from your own "
    "Seller Central exports, offline.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,  # a bug's traceback must not print local variables (buyer data)
    context_settings={"help_option_names": ["-h", "--help"], "show_default": True, "max_content_width": 110},
)

DEFAULT_DB = "velocity.duckdb"
_GLOBAL: dict = {
    "db": None
}  # `velocity --db X COMMAND`: set by the main callback for the command that follows


def say(message: str) -> None:
    """Talk: always stderr, with control characters from file names and data made visible, not obeyed."""
    print(printable(message), file=sys.stderr)


def usage(message: str, hint: str = "") -> VelocityError:
    return VelocityError(message, hint or None, ExitCode.USAGE)


# -------------------------------------------------------------------------------------------- options

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        metavar="PATH",
        help="The store file [default: VELOCITY_DB, else velocity.duckdb].",
        show_default=False,
    ),
]
FormatOption = Annotated[
    str, typer.Option("--format", metavar="FORMAT", help="text, json, or csv (the answer's table).")
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print the data as JSON on stdout (talk stays on stderr).")
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Look from this day (YYYY-MM-DD), ignoring everything dated after it [default: the latest date in "
        "the data].",
        show_default=False,
    ),
]
HoldDateOption = Annotated[
    str | None,
    typer.Option(
        "--hold-date", metavar="DATE", help="The day the hold began, if the settlements do not show it."
    ),
]
CurrencyOption = Annotated[
    str | None,
    typer.Option(
        "--currency",
        metavar="CODE",
        help="Currency to answer in [default: the one with most orders].",
        show_default=False,
    ),
]
MarketplaceOption = Annotated[
    str | None,
    typer.Option(
        "--marketplace", "-m", metavar="CODE", help="Only this marketplace (UK, US, DE ...) [default: all]."
    ),
]
ImportMarketplaceOption = Annotated[
    str | None,
    typer.Option(
        "--marketplace",
        "-m",
        metavar="CODE",
        help="Marketplace (UK, US, DE ...) of files that do not name one.",
    ),
]
NoChartOption = Annotated[
    bool, typer.Option("--no-chart", help="No chart (it is drawn only on a terminal anyway).")
]
PolicyOption = Annotated[
    str,
    typer.Option(
        "--policy",
        metavar="POLICY",
        help="How the money comes back: review (held until feedback supports the sales, at most 90 days), "
        "dd7, dd14 (days after delivery), rolling7, rolling28 (reserve of the preceding days' sales), sale14.",
    ),
]
NeededOption = Annotated[
    int | None,
    typer.Option(
        "--feedback-needed",
        "-k",
        metavar="K",
        help="Positive feedback since the hold that ends a review [default: 10% of the orders of the 28 days "
        "before the hold, at least 10].",
        show_default=False,
    ),
]
TransitOption = Annotated[
    list[str] | None,
    typer.Option(
        "--transit",
        metavar="CHANNEL=DAYS",
        help="Assumed transit days where no export has a delivery estimate, e.g. mfn=3-7 or fba=1-2 "
        "[default: per marketplace, see the README].",
        show_default=False,
    ),
]


# ------------------------------------------------------------------------------------------- plumbing


class Run:
    """What every command shares: the store path (global --db, the command's --db, VELOCITY_DB), the
    output format, and the one place errors become exit codes."""

    def __init__(
        self, db: Path | None, output: str = "text", as_json: bool = False, *, formats=("text", "json", "csv")
    ):
        self.db = db or _GLOBAL["db"] or Path(os.environ.get("VELOCITY_DB") or DEFAULT_DB)
        fmt = output.lower()
        if fmt == "table":
            fmt = "text"
        if fmt not in formats:
            raise usage(
                f"--format {output!r} is not one velocity writes here", f"choose {', '.join(formats)}"
            )
        if as_json and fmt not in ("text", "json"):
            raise usage(f"--json and --format {fmt} ask for two different outputs", "give one of them")
        self.format = "json" if as_json else fmt


def run(body: Callable[[], int | None]) -> None:
    """Run a command body; a VelocityError becomes one line on stderr (plus its hint) and its exit code."""
    try:
        code = body() or ExitCode.OK
    except VelocityError as exc:
        report(exc)
        code = exc.code
    except KeyboardInterrupt:
        say("velocity: interrupted")
        code = ExitCode.INTERRUPTED
    except Exception as exc:  # a store found damaged midway is told in one line; anything else is a bug
        from velocity.store import damaged

        error = damaged(exc)
        if error is None:
            raise
        report(error)
        code = error.code
    raise typer.Exit(int(code))


def report(exc: VelocityError) -> None:
    say(f"velocity: error: {exc.message}")
    if exc.hint:
        say(f"  hint: {exc.hint}")


def day_option(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise usage(f"{name} {value!r} is not a date", "use YYYY-MM-DD, e.g. 2026-11-15") from None


def transit_option(values: list[str] | None) -> dict[str, tuple[int, int]] | None:
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
            raise usage(
                f"--transit {value!r} is not CHANNEL=EARLIEST-LATEST", "e.g. --transit mfn=3-7 or fba=1-2"
            )
        out[channel.lower()] = (int(low), int(high))
    return out


def where(as_of: str | None, currency: str | None, marketplace: str | None, hold_date: str | None) -> dict:
    return {
        "as_of": day_option(as_of, "--as-of"),
        "currency": currency,
        "marketplace": marketplace,
        "hold_date": day_option(hold_date, "--hold-date"),
    }


def say_as_of(answer, given: str | None) -> None:
    if given is None:
        say(f"as of {answer['as_of']} (the latest date in the data; --as-of to change)")


def emit(answer, fmt: str, *, chart: Callable | None = None) -> None:
    """The answer on stdout: text (with a chart below it on a terminal), JSON, or its table as CSV."""
    if fmt == "json":
        if hasattr(answer, "write_json"):  # a table of any size, a slice at a time
            answer.write_json(sys.stdout)
        else:
            sys.stdout.write(answer.json())
    elif fmt == "csv":
        sys.stdout.write(answer.csv() if hasattr(answer, "csv") else answer.frame().write_csv())
    else:
        sys.stdout.write(answer.text())
        if chart is not None:
            terminal_chart(chart, answer.data)


def terminal_chart(draw: Callable[..., str], data: dict) -> None:
    """A chart below the text, only when stdout is a terminal; sized to it, coloured unless NO_COLOR."""
    if not sys.stdout.isatty():
        return
    size = os.get_terminal_size()
    chart = draw(
        data,
        width=min(size.columns, 120),
        height=max(16, min(size.lines - 2, 30)),
        colour=not os.environ.get("NO_COLOR"),
    )
    sys.stdout.write("\n" + chart + "\n")


def check_paths(paths: list[Path]) -> None:
    """Refuse a path that does not exist before the store is opened (so none is created for it)."""
    for path in paths:
        if not path.exists():
            raise VelocityError(f"{path}: no such file or folder", "check the path; nothing was imported")


class _Bar:
    """A one-line progress indicator on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty() and not os.environ.get("CI")
        self.shown = False

    def __call__(self, name: str, stage: str, done: float | None) -> None:
        if not self.live:
            return
        name = Path(name).name
        if done is None:
            text = f"{name}: {stage} ..."
        else:
            filled = int(done * 30)
            text = f"{name}: {stage} [{'#' * filled}{'.' * (30 - filled)}] {done:4.0%}"
        sys.stderr.write("\r" + text[:100].ljust(100))
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()
            self.shown = False


def import_files(v, paths: list[Path], marketplace: str | None, *, quiet: bool) -> list:
    """Import files and folders, one line of talk per file (errors always: they are talk even with --json)."""
    from velocity import render

    bar = _Bar()
    results = []
    for path in paths:
        try:
            got = v.import_paths([path], marketplace=marketplace, progress=bar)
        finally:
            bar.clear()
        for result in got:
            results.append(result)
            if not quiet or result.status == "error":
                say(render.import_line(result))
    return results


def import_summary(results: list, db: Path) -> str:
    return (
        f"{sum(r.status == 'imported' for r in results)} imported, "
        f"{sum(r.status == 'unchanged' for r in results)} unchanged, "
        f"{sum(r.status == 'skipped' for r in results)} skipped, "
        f"{sum(r.status == 'error' for r in results)} failed; store: {db}"
    )


# ------------------------------------------------------------------------------------------- commands


def _version(value: bool) -> None:
    if value:
        print(f"velocity {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            metavar="PATH",
            envvar="VELOCITY_DB",
            help="The store file, for every command.",
            show_default=DEFAULT_DB,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print velocity's version.")
    ] = False,
) -> None:
    """Why Amazon holds your money, when it comes back, and whom to ask for feedback - from your own
    Seller Central exports, offline. Start with: velocity import FOLDER."""
    _GLOBAL["db"] = db


@app.command("import")
def import_(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH...", help="Export files or folders (searched recursively; .zip and .gz too)."
        ),
    ],
    db: DbOption = None,
    marketplace: ImportMarketplaceOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read Seller Central exports into the store. Each file is all-or-nothing; importing again changes nothing."""

    def body() -> int:
        import velocity

        out = Run(db, "json" if as_json else "text")
        check_paths(paths)
        with velocity.open(out.db, write=True, create=True) as v:
            results = import_files(v, paths, marketplace, quiet=as_json)
        if out.format == "json":
            import json

            sys.stdout.write(json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False) + "\n")
        else:
            say(import_summary(results, out.db))
        return ExitCode.DATA if any(r.status == "error" for r in results) else ExitCode.OK

    run(body)


@app.command()
def status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """What the store holds, per export kind, and what is missing for each answer."""

    def body() -> None:
        import velocity

        out = Run(db, "text", as_json, formats=("text", "json"))
        with velocity.open(out.db) as v:
            emit(v.status(), out.format)

    run(body)


@app.command()
def backup(
    target: Annotated[
        Path, typer.Argument(metavar="PATH", help="The file to write the copy to (replaced if it exists).")
    ],
    db: DbOption = None,
) -> None:
    """Write a consistent copy of the store to one file (to restore it: copy it back, with no velocity running,
    after removing any velocity.duckdb.wal beside the store)."""

    def body() -> None:
        import velocity

        out = Run(db, "text")
        with velocity.open(out.db, write=True) as v:
            size = v.backup(target)
        say(f"backed up {out.db} to {target} ({size / 1e6:.1f} MB)")

    run(body)


@app.command()
def rating(
    as_of: Annotated[
        str,
        typer.Option(
            "--date", metavar="DATE", help="The day you read the table on Seller Central (YYYY-MM-DD)."
        ),
    ],
    marketplace: Annotated[
        str, typer.Option("--marketplace", "-m", metavar="CODE", help="Marketplace code, e.g. UK.")
    ],
    d30: Annotated[
        str | None, typer.Option("--d30", metavar="P,N,N", help="30 days: positive,neutral,negative")
    ] = None,
    d90: Annotated[
        str | None, typer.Option("--d90", metavar="P,N,N", help="90 days: positive,neutral,negative")
    ] = None,
    d365: Annotated[
        str | None, typer.Option("--d365", metavar="P,N,N", help="365 days: positive,neutral,negative")
    ] = None,
    lifetime: Annotated[
        str | None, typer.Option("--lifetime", metavar="P,N,N", help="Lifetime: positive,neutral,negative")
    ] = None,
    file: Annotated[
        Path,
        typer.Option("--file", metavar="PATH", help="The CSV the readings are kept in (created if missing)."),
    ] = Path("feedback-rating.csv"),
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record the Feedback Manager rating table (Performance > Feedback) as you read it today.

    Amazon's feedback report usually lists only 1-3 star feedback; these counts are how velocity knows
    your positives. Example: velocity rating --date 2026-11-15 -m UK --d30 12,0,1 --d90 20,0,1
    """

    def body() -> int:
        import velocity
        from velocity import ingest, ratings, render

        out = Run(db, "json" if as_json else "text")
        day = day_option(as_of, "--date")
        given = {"30": d30, "90": d90, "365": d365, "lifetime": lifetime}
        counts = {p: ratings.parse_counts(v, p) for p, v in given.items() if v is not None}
        code = marketplace.upper()
        with velocity.open(out.db, write=True, create=True) as v:
            ingest.check_marketplace(v.store, code)
            ratings.append(file, day, code, counts)
            result = ingest.record_rating(v.store, file, day, code, counts)
        if out.format == "json":
            import json

            sys.stdout.write(json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n")
        else:
            say(f"recorded in {file}")
            say(render.import_line(result))
        return ExitCode.DATA if result.status == "error" else ExitCode.OK

    run(body)


@app.command()
def sales(
    db: DbOption = None,
    as_of: AsOfOption = None,
    hold_date: HoldDateOption = None,
    currency: CurrencyOption = None,
    marketplace: MarketplaceOption = None,
    output: FormatOption = "text",
    as_json: JsonOption = False,
    no_chart: NoChartOption = False,
) -> None:
    """Why the funds are held: the rise in 28-day sales that triggered the review, against your earlier pace."""

    def body() -> None:
        import velocity

        out = Run(db, output, as_json)
        with velocity.open(out.db) as v:
            answer = v.sales(**where(as_of, currency, marketplace, hold_date))
        say_as_of(answer, as_of)
        from velocity.chart import sales_chart

        emit(answer, out.format, chart=None if no_chart else sales_chart)

    run(body)


@app.command()
def health(
    db: DbOption = None,
    as_of: AsOfOption = None,
    hold_date: HoldDateOption = None,
    currency: CurrencyOption = None,
    marketplace: MarketplaceOption = None,
    output: FormatOption = "text",
    as_json: JsonOption = False,
) -> None:
    """Account health as Seller Central defines it, from your exports, and the likely reason for a review."""

    def body() -> None:
        import velocity

        out = Run(db, output, as_json)
        with velocity.open(out.db) as v:
            answer = v.health(**where(as_of, currency, marketplace, hold_date))
        say_as_of(answer, as_of)
        emit(answer, out.format)

    run(body)


@app.command()
def forecast(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[PATH]...",
            help="Exports to import first (files or folders); none: use the store as it is.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    as_of: AsOfOption = None,
    hold_date: HoldDateOption = None,
    currency: CurrencyOption = None,
    marketplace: MarketplaceOption = None,
    policy: PolicyOption = "review",
    feedback_needed: NeededOption = None,
    future_sales: Annotated[
        float | None,
        typer.Option(
            "--future-sales",
            metavar="N",
            help="Orders a day from now on [default: your recent pace, the latest days weighing most].",
            show_default=False,
        ),
    ] = None,
    transit: TransitOption = None,
    output: FormatOption = "text",
    as_json: JsonOption = False,
    no_chart: NoChartOption = False,
) -> None:
    """When the held funds come back: positive feedback forecast with 80% bands, under a release policy."""

    def body() -> int:
        import velocity

        out = Run(db, output, as_json)
        options = where(as_of, currency, marketplace, hold_date)
        if future_sales is not None and not (future_sales >= 0 and future_sales != float("inf")):
            raise usage(f"--future-sales must be a number of orders a day, 0 or more (got {future_sales})")
        forecast_options = dict(
            policy=policy,
            feedback_needed=feedback_needed,
            future_sales=future_sales,
            transit=transit_option(transit),
            **options,
        )
        if paths:
            from velocity import render
            from velocity.api import import_then_forecast

            check_paths(paths)
            bar, results = _Bar(), []

            def told(result) -> None:
                bar.clear()
                results.append(result)
                if out.format == "text" or result.status == "error":
                    say(render.import_line(result))

            try:
                _, answer = import_then_forecast(
                    out.db, paths, progress=bar, on_result=told, **forecast_options
                )
            finally:
                bar.clear()
                if out.format == "text":
                    say(import_summary(results, out.db))
        else:
            with velocity.open(out.db) as v:
                answer = v.forecast(**forecast_options)
        say_as_of(answer, as_of)
        from velocity.chart import forecast_chart

        emit(answer, out.format, chart=None if no_chart else forecast_chart)
        return ExitCode.OK

    run(body)


@app.command()
def backtest(
    db: DbOption = None,
    as_of: AsOfOption = None,
    hold_date: HoldDateOption = None,
    currency: CurrencyOption = None,
    marketplace: MarketplaceOption = None,
    step: Annotated[int, typer.Option("--step", metavar="DAYS", help="Days between cut-offs.")] = 7,
    output: FormatOption = "text",
    as_json: JsonOption = False,
) -> None:
    """How far to trust the forecast: cut your history at past dates, forecast, compare with what came."""

    def body() -> None:
        import velocity

        out = Run(db, output, as_json)
        if step < 1:
            raise usage(f"--step must be at least 1 day (got {step})")
        with velocity.open(out.db) as v:
            answer = v.backtest(step=step, **where(as_of, currency, marketplace, hold_date))
        say_as_of(answer, as_of)
        emit(answer, out.format)

    run(body)


@app.command()
def payouts(
    db: DbOption = None,
    as_of: AsOfOption = None,
    hold_date: HoldDateOption = None,
    currency: CurrencyOption = None,
    marketplace: MarketplaceOption = None,
    rule: Annotated[
        str | None,
        typer.Option(
            "--rule",
            metavar="RULE",
            help="dd7, dd14 or none for every order [default: the rule in force per marketplace and day,"
            " DD+14 from a review hold].",
            show_default=False,
        ),
    ] = None,
    settlement: Annotated[
        str | None,
        typer.Option("--settlement", metavar="ID", help="List the orders behind one settlement."),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help="List the orders released on one day.")
    ] = None,
    transit: TransitOption = None,
    output: FormatOption = "text",
    as_json: JsonOption = False,
    no_chart: NoChartOption = False,
) -> None:
    """Where the money is: which orders make up what is not paid out yet, and when each comes."""

    def body() -> None:
        import velocity

        out = Run(db, output, as_json)
        with velocity.open(out.db) as v:
            answer = v.payouts(
                rule=rule,
                transit=transit_option(transit),
                settlement=settlement,
                on=day_option(on, "--on"),
                orders=out.format != "text",
                **where(as_of, currency, marketplace, hold_date),
            )
        say_as_of(answer, as_of)
        from velocity.chart import payouts_chart

        draw = None if no_chart or not answer["calendar"] else payouts_chart
        emit(answer, out.format, chart=draw)

    run(body)


@app.command()
def contacts(
    db: DbOption = None,
    as_of: AsOfOption = None,
    hold_date: HoldDateOption = None,
    currency: CurrencyOption = None,
    marketplace: MarketplaceOption = None,
    policy: PolicyOption = "review",
    feedback_needed: NeededOption = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="table, csv or json (json: {as_of, rows, summary}) [default: table; with -o, from its suffix].",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="Write the list to this file (whole or not at all; a .csv or .json name picks the format).",
        ),
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
            "--record-sent",
            metavar="PATH",
            help="Record requests made elsewhere: a file of order ids (and dates).",
        ),
    ] = None,
    sent_on: Annotated[
        str | None,
        typer.Option(
            "--sent-on", metavar="DATE", help="With --record-sent: the day asked, where a line gives none."
        ),
    ] = None,
    do_not_contact: Annotated[
        Path | None,
        typer.Option(
            "--do-not-contact",
            metavar="PATH",
            help="Order ids or buyer e-mails never to list [default: ./do-not-contact.txt].",
            show_default=False,
        ),
    ] = None,
    transit: TransitOption = None,
    show_message: Annotated[
        bool, typer.Option("--message", help="Print a request text within Amazon's rules, and stop.")
    ] = False,
) -> None:
    """Whom to ask for feedback today: every eligible order, once, within Amazon's rules; and the request log."""

    def body() -> int:
        import velocity
        from velocity import contacts as core

        if show_message:
            sys.stdout.write(core.message())
            return ExitCode.OK
        suffix = output.suffix.lower() if output is not None else ""
        out = Run(db, output_format or {".csv": "csv", ".json": "json"}.get(suffix, "table"), as_json)
        options = where(as_of, currency, marketplace, hold_date)
        if record_sent is not None:
            with velocity.open(out.db, write=True) as v:
                on = day_option(sent_on, "--sent-on") or options["as_of"] or v.context().as_of
                got = v.record_sent(record_sent, on)
            say(
                f"{record_sent.name}: {got['orders']:,} orders, {got['new']:,} new to the request log"
                + (f", {got['unknown']:,} not in the store yet" if got["unknown"] else "")
            )
            return ExitCode.OK
        dnc_path = do_not_contact or (core.DO_NOT_CONTACT if core.DO_NOT_CONTACT.exists() else None)
        opted_out = core.read_do_not_contact(dnc_path) if dnc_path else []
        with velocity.open(out.db, write=mark_sent) as v:
            answer = v.contacts(
                opted_out=opted_out,
                transit=transit_option(transit),
                include_excluded=show_all,
                policy=policy,
                feedback_needed=feedback_needed,
                **options,
            )
            say_as_of(answer, as_of)
            text = {"json": answer.json, "csv": answer.csv}.get(out.format, answer.text)()
            if output is not None:
                core.write_whole(output, text)
                say(f"wrote {answer.frame().height:,} rows to {output}")
            else:
                sys.stdout.write(text)
            if mark_sent:
                new = v.mark_sent(answer.eligible(), answer["as_of"])
                say(f"recorded {new:,} requests on {answer['as_of']}: they will not be listed again")
        return ExitCode.OK

    run(body)


def main(args: list[str] | None = None) -> int:
    """The console entry point: usage errors in velocity's one-line style (exit 2), like its own. Every file
    the command creates (the store, its log, lists, copies) is readable by the seller only."""
    try:
        with private_files():
            code = app(args=args, prog_name="velocity", standalone_mode=False)
    except TyperException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and getattr(exc, "ctx", None) is not None:
            sys.stdout.write(exc.ctx.get_help() + "\n")
            code = ExitCode.OK
        elif hasattr(exc, "format_message"):
            ctx = getattr(exc, "ctx", None)
            command = ctx.command_path if ctx is not None else "velocity"
            message = exc.format_message().rstrip(".")
            report(VelocityError(message, f"see '{command} --help'", ExitCode.USAGE))
            code = getattr(exc, "exit_code", ExitCode.USAGE)
        else:  # typer.Abort: Ctrl-C at a prompt
            say("velocity: interrupted")
            code = ExitCode.INTERRUPTED
    finally:
        _GLOBAL["db"] = None
    return int(code or 0)


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
