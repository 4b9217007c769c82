"""The command line: a thin layer over the library (run, export, events, show, demo, classify)."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import logging
import os
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Iterable

import click
from rich import box
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from . import DISTRIBUTION, __version__
from .errors import SitrepError
from .pipeline import DEFAULT_DB, STAGES, Options, run
from .present import UNKNOWN, claim_text, claimant_label, fatalities_text, shown
from .records import Event

LOGGER = logging.getLogger(__name__)

__all__ = ["main", "cli"]

EXPORT_FORMATS = ("acled-csv", "jsonl", "geojson", "claims-csv", "claims-jsonl")
EXPORT_FORMAT_HELP = ("acled-csv: ACLED's columns then sitrep's, one row per event; jsonl: one JSON object per "
                      "event; geojson: a FeatureCollection of the events with coordinates; claims-csv: the claim "
                      "ledger, one row per claim; claims-jsonl: the claim ledger as JSON Lines.")
LIST_FORMATS = ("table", "csv", "json")
LIST_FORMAT_HELP = "table: for reading (fits the terminal); csv or json: for other programs (full ids, null for unknown)."
# Piped or captured output gets a wide table rather than rich's 80-column default (COLUMNS wins).
_WIDE = 160
# Progress as plain lines (stderr not a terminal): one line per stage, and a line every this share
# of the articles parsed.
PLAIN_PROGRESS_STEP = 0.1
# The id as `sitrep events` shows it: enough to be unique in any real ledger; `show` takes any prefix.
SHORT_ID = 10
# From this many columns on, the events table also shows each event's reports and status.
FULL_TABLE_WIDTH = 110
# Article ids up to this long get a column wide enough never to break them.
MAX_ID_COLUMN = 32


def _width(stream) -> int | None:
    """The width to lay text out for: $COLUMNS, else the terminal's, else wide when piped."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    return None if stream.isatty() else _WIDE


class _Stream:
    """A rich console on stdout or stderr, made at each use (click's test runner swaps the streams)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def console(self) -> Console:
        stream = getattr(sys, self.name)
        return Console(file=stream, width=_width(stream), highlight=False, soft_wrap=False,
                       force_terminal=False if not stream.isatty() else None)

    def print(self, *args, **kwargs) -> None:
        self.console().print(*args, **kwargs)

    def line(self, text: str) -> None:
        """Plain text, never read as markup: wrapped at spaces on a terminal, never in a pipe or log."""
        console = self.console()
        console.print(Text(text), soft_wrap=not console.is_terminal and "COLUMNS" not in os.environ)


_out = _Stream("stdout")
_err = _Stream("stderr")


def _example_corpus() -> Path:
    """The example corpus: shipped inside the package, or the repository's examples/ folder."""
    packaged = Path(str(resources.files("sitrep").joinpath("examples")))
    if packaged.is_dir():
        return packaged
    repo = Path(__file__).resolve().parents[2] / "examples" / "corpus"
    if repo.is_dir():
        return repo
    raise click.ClickException("the example corpus is not installed (examples/corpus is missing)")


class _Count(ProgressColumn):
    """done/total once the stage knows its total; nothing while it does not (never "0/?")."""

    def render(self, task) -> Text:
        return Text("" if task.total is None else f"{int(task.completed)}/{int(task.total)}", style="green")


class _PlainProgress:
    """Progress as plain lines on stderr (not a terminal): each stage, and the parse every tenth."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.next_at = 0
        self.started = time.monotonic()

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage != self.stage:
            self.stage = stage
            self.next_at = 0
            what = f" {total} articles" if total is not None and stage in ("cleaning", "finding copies", "parsing") \
                else f" {total} events" if total is not None and stage == "saving" else ""
            self._line(f"{stage}{what}")
        if stage in ("parsing", "reading") and done and done >= self.next_at:
            step = max(1, int((total or 0) * PLAIN_PROGRESS_STEP)) if total else 200
            self.next_at = done + step
            self._line(f"{stage} {done}/{total}" if total else f"{stage} {done} articles")

    def _line(self, text: str) -> None:
        sys.stderr.write(f"sitrep: {text} ({time.monotonic() - self.started:.0f}s)\n")
        sys.stderr.flush()


def _run_with_progress(paths: list[str], db: str, *, engine: str = "local", scheduler: str | None = None,
                       db_label: str | None = None) -> int:
    """Run the pipeline with a labelled bar on a terminal, plain lines otherwise; print the outcome."""
    console = _err.console()
    if console.is_terminal:
        with Progress(TextColumn("[bold]{task.description:<14}"), BarColumn(), _Count(),
                      TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task(STAGES[0], total=None)

            def progress(stage: str, done: int, total: int | None) -> None:
                bar.update(task, description=stage, completed=done, total=total)

            result = run(paths, options=Options(db=db, engine=engine, scheduler=scheduler), progress=progress)
    else:
        result = run(paths, options=Options(db=db, engine=engine, scheduler=scheduler), progress=_PlainProgress())
    for err in result.errors:
        _err.line(f"error {err}")
    news = [e for e in result.events if not e.background]
    _err.line(f"read {result.articles_read} articles ({result.articles_extracted} new or changed, "
              f"{result.articles_unchanged} unchanged), {len(result.groups)} syndication groups, "
              f"{len(news)} events (+{len(result.events) - len(news)} background) in {db_label or db}")
    return 1 if result.errors else 0


class _LibraryFilter(logging.Filter):
    """Other libraries' records (Dask, spaCy, uvicorn) only from `level` up; sitrep's all pass."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name.split(".")[0] == "sitrep" or record.levelno >= self.level


def _setup_logging(verbose: int) -> None:
    """sitrep's warnings by default, other libraries' errors only; -v info, -vv debug for all."""
    level = logging.WARNING - 10 * min(verbose, 2)
    stream = sys.stderr
    handler: logging.Handler
    if stream.isatty():
        handler = RichHandler(console=_err.console(), show_time=False, show_path=False, markup=False)
    else:
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(level)
    handler.addFilter(_LibraryFilter(logging.ERROR if verbose == 0 else level))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_sitrep", False)]:
        root.removeHandler(old)
    handler._sitrep = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # Dask configures its own loggers at INFO with their own handlers: they go through ours instead.
    # A worker's heartbeat racing the scheduler's shutdown logs an ERROR on a run that succeeded; a
    # real failure reaches sitrep as an exception, so Dask speaks only when asked (-v).
    for name in ("distributed", "dask"):
        lib = logging.getLogger(name)
        lib.setLevel(level if verbose else logging.CRITICAL)
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "critical" if not verbose else "info")


def _ledger(db: str) -> str:
    """`db` for a command that reads a ledger: a SQLite file must exist (a typo would make a new one)."""
    if "://" in db:
        return db
    if not Path(db).is_file():
        raise click.ClickException(f"no ledger at {db}: check --db, or make one with "
                                   f"`sitrep run REPORTS/ --db {db}`")
    return db


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sitrep")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """sitrep: conflict news in, a verified, sourced event ledger out.

    \b
    Example:
      sitrep run reports/ --db ledger.db
      sitrep events --db ledger.db
      sitrep export --format acled-csv -o events.csv --db ledger.db
    """
    _setup_logging(verbose)


@cli.command("run")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite file or database URL.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where clean and extract run: this process, or Dask workers (extra 'dask'); same results.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="Dask scheduler to use with --engine dask (default: a local cluster on 127.0.0.1).")
def run_cmd(paths: tuple[str, ...], db: str, engine: str, scheduler: str | None) -> None:
    """Read news files (.txt, .jsonl, .csv, .html or folders) and store their events.

    Files that cannot be read are named on stderr and the rest is processed; the exit
    status is 1 when any file or line failed.

    \b
    Example:
      sitrep run ../shared/corpus/seeds --db seeds.db
    """
    sys.exit(_run_with_progress(list(paths), db, engine=engine, scheduler=scheduler))


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="acled-csv", show_default=True,
              help=EXPORT_FORMAT_HELP)
@click.option("-o", "--output", type=click.Path(), help="File (default: stdout).")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite file or database URL.")
@click.option("--background/--no-background", default=False, show_default=True,
              help="Include history recalled as context (marked background).")
@click.option("--undated/--no-undated", default=None,
              help="Include events no report dates (empty event_date, marked undated). Default: left "
                   "out of acled-csv (ACLED has no undated rows), kept in the other formats.")
@click.option("--since", default=None, callback=lambda _c, _p, v: _since(v), metavar="TIME",
              help="Only the events created or changed after TIME (YYYY-MM-DD or an ISO time, UTC); "
                   "the events deleted since are listed too (jsonl: as rows with deleted: true).")
def export_cmd(fmt: str, output: str | None, db: str, background: bool, undated: bool | None,
               since: dt.datetime | None) -> None:
    """Export the ledger: ACLED CSV, JSON Lines, GeoJSON, or the claim ledger.

    A toll no report gives is null in JSON and GeoJSON and empty in fatalities_low/high; the
    ACLED CSV's own `fatalities` column keeps ACLED's 0 for it, tagged "fatalities unknown".

    \b
    Example:
      sitrep export --format acled-csv -o events.csv --db seeds.db
      sitrep export --format acled-csv --undated -o all-events.csv --db seeds.db
      sitrep export --format geojson --db seeds.db > events.geojson
      sitrep export --format jsonl --since 2024-05-01T12:00 --db seeds.db
    """
    from .export import export, export_date
    from .store import Store

    if output:
        _check_output(output)
    with Store(_ledger(db), create=False) as store:
        events = store.load_events(include_background=background, since=since)
        deleted = [c for c in store.changes(since=since)[0] if c["change"] == "deleted"] if since else []
    include_undated = fmt != "acled-csv" if undated is None else undated
    chosen = [e for e in events if include_undated or export_date(e) is not None]
    if output:
        try:
            with open(output, "w", encoding="utf-8", newline="") as fh:
                written = export(events, fmt, fh, include_background=background, include_undated=undated)
        except OSError as err:
            raise click.ClickException(f"cannot write {output}: {err.strerror or err}") from err
        if fmt.startswith("claims"):
            what = f"{written} claims of {len(chosen)} events"
        elif fmt == "geojson" and written < len(chosen):
            what = f"{written} events ({len(chosen) - written} without coordinates left out of the map file)"
        else:
            what = f"{written} events"
        _err.line(f"wrote {what} to {output}")
        if deleted and fmt == "jsonl":
            with open(output, "a", encoding="utf-8") as fh:
                _write_deletions(deleted, fh)
    else:
        export(events, fmt, sys.stdout, include_background=background, include_undated=undated)
        if deleted and fmt == "jsonl":
            _write_deletions(deleted, sys.stdout)
    if deleted:
        _err.line(f"{len(deleted)} events deleted since {since.isoformat()}: "
                  + ", ".join(f"{c['event_id']} ({c['reason']})" for c in deleted))
    left_out = sum(1 for e in events if export_date(e) is None)
    if left_out and not include_undated:
        _err.line(f"{left_out} undated events left out (--undated includes them)")


def _since(value: str | None) -> dt.datetime | None:
    """--since: a date or an ISO time, as naive UTC (a time with an offset is converted)."""
    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as err:
        raise click.BadParameter(f"{value!r} is not YYYY-MM-DD or an ISO time such as 2024-05-01T12:00") from err
    return when.astimezone(dt.timezone.utc).replace(tzinfo=None) if when.tzinfo else when


def _write_deletions(deleted: list[dict], fh) -> None:  # noqa: ANN001 (a text stream)
    for c in deleted:
        fh.write(json.dumps({"event_id": c["event_id"], "deleted": True,
                             "deleted_at": c["changed_at"].isoformat(), "reason": c["reason"]},
                            ensure_ascii=False) + "\n")


def _check_output(output: str) -> None:
    """A clear error before any work when the output file cannot be written."""
    path = Path(output)
    folder = path.parent
    if path.is_dir():
        raise click.ClickException(f"{output} is a folder: give a file name, e.g. -o {path / 'events.csv'}")
    if not folder.is_dir():
        raise click.ClickException(f"cannot write {output}: the folder {folder} does not exist "
                                   f"(create it with `mkdir -p {folder}` or choose another path)")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise click.ClickException(f"cannot write {output}: permission denied (choose another path)")


def _actors(e: Event) -> str:
    return ", ".join(e.actors)


def _where(e: Event) -> str:
    return ", ".join(x for x in ((e.place.admin2, e.place.admin1) if e.place else ()) if x) or UNKNOWN


def _ledger_row(e: Event) -> dict:
    """One event as `events --format csv|json` writes it: full id, null for unknown."""
    from .export import export_date

    when = export_date(e)
    place = e.place
    return {
        "event_id": e.event_id,
        "event_date": when.date.isoformat() if when else None,
        "time_precision": when.time_precision if when else None,
        "undated": when is None,
        "event_type": e.event_type,
        "sub_event_type": e.sub_event_type,
        "background": e.background,
        "actors": list(e.actors),
        "location": place.name if place else None,
        "admin2": place.admin2 if place else None,
        "admin1": place.admin1 if place else None,
        "country": place.country if place else None,
        "fatalities": e.fatalities_best,
        "fatalities_low": e.fatalities_low,
        "fatalities_high": e.fatalities_high,
        "n_reports": len(e.article_ids),
        "status": e.status,
    }


def _write_rows(rows: list[dict], fmt: str) -> None:
    """csv (lists joined by "; ", unknown empty) or json (a list of objects, unknown null) on stdout."""
    if fmt == "json":
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return
    if not rows:
        return
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    from .export import spreadsheet_safe

    for row in rows:  # cells a spreadsheet would run as formulas are neutralised, as in every export
        writer.writerow({k: spreadsheet_safe("; ".join(v) if isinstance(v, list) else "" if v is None
                                             else ("true" if v is True else "false" if v is False else v))
                         for k, v in row.items()})
    sys.stdout.write(buf.getvalue())


@cli.command("events")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite file or database URL.")
@click.option("--background/--no-background", default=False, help="Include history recalled as context.")
@click.option("--undated", "only_undated", is_flag=True, default=False,
              help="Show only the events no report dates (listed after the dated ones by default).")
@click.option("--format", "fmt", type=click.Choice(LIST_FORMATS), default="table", show_default=True,
              help=LIST_FORMAT_HELP)
def events_cmd(db: str, background: bool, only_undated: bool, fmt: str) -> None:
    """Show the ledger: dated events by date, then the undated ones apart.

    Unknown values read "unknown" in the table, empty in csv, null in json.

    \b
    Example:
      sitrep events --db seeds.db
      sitrep events --undated --db seeds.db
      sitrep events --format csv --db seeds.db > ledger.csv
    """
    from .export import event_order
    from .store import Store

    with Store(_ledger(db), create=False) as store:
        events = store.load_events(include_background=background, undated="only" if only_undated else "include")
    if fmt != "table":
        _write_rows([_ledger_row(e) for e in sorted(events, key=event_order)], fmt)
        return
    _print_ledger(events, only_undated=only_undated)


def _print_ledger(events: list[Event], *, only_undated: bool = False) -> None:
    """The dated events' table, then the undated events' table (when there are any)."""
    from .export import export_date

    undated = [e for e in events if export_date(e) is None]
    width = _out.console().width
    if not only_undated:
        _out.print(_events_table([e for e in events if export_date(e) is not None], width=width))
    if undated or only_undated:
        _out.print(_events_table(undated, undated=True, width=width))
    _out.print(_table_key(events, width=width))


def _events_table(events: list[Event], *, undated: bool = False, width: int = _WIDE) -> Table:
    """The ledger for reading: ids, dates and tolls never wrap; text columns wrap at word breaks;
    every value is text, never markup. Narrower than FULL_TABLE_WIDTH, the reports and status
    columns are left to `sitrep show` and --format csv."""
    title = (f"{len(events)} undated events (no report gives a date; left out of the ACLED CSV)" if undated
             else f"{len(events)} events")
    full = width >= FULL_TABLE_WIDTH
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 0), title_justify="left",
                  caption_justify="left")
    table.add_column("id", no_wrap=True, min_width=SHORT_ID)
    if not undated:
        table.add_column("date", no_wrap=True)
    table.add_column("type")
    table.add_column("actors")
    table.add_column("where")
    table.add_column("deaths", no_wrap=True, justify="right")
    if full:
        table.add_column("reports", no_wrap=True, justify="right")
        table.add_column("status")
    for e in events:
        cells = [e.event_id[:SHORT_ID]]
        if not undated:
            cells.append(e.date.date.isoformat() + ("" if e.date.time_precision == 1 else f" ~{e.date.time_precision}"))
        cells += [e.sub_event_type + (" [bg]" if e.background else ""), _actors(e) or UNKNOWN, _where(e),
                  fatalities_text(e.fatalities_best, e.fatalities_low, e.fatalities_high)]
        if full:
            cells += [str(len(e.article_ids)), e.status]
        table.add_row(*(Text(c, overflow="fold") for c in cells))
    return table


def _table_key(events: list[Event], *, width: int) -> Text:
    """What the table's marks mean (printed under the tables)."""
    from .export import export_date

    notes = ["~2: dated within a week, ~3: within a month"] * any(
        (d := export_date(e)) is not None and d.time_precision > 1 for e in events)
    notes += ["[bg]: history recalled as context"] * any(e.background for e in events)
    notes += ["reports and status: a wider terminal or --format csv"] * (width < FULL_TABLE_WIDTH)
    notes += ["`sitrep show ID`: one event's claims"] * bool(events)
    return Text("; ".join(notes), style="dim")


@cli.command("show")
@click.argument("event_id")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite file or database URL.")
@click.option("--format", "fmt", type=click.Choice(LIST_FORMATS), default="table", show_default=True,
              help="table: for reading; csv: the event's claims, one row each; json: the event with its "
                   "claims (null for unknown).")
def show_cmd(event_id: str, db: str, fmt: str) -> None:
    """Show one event with each claim, its source and the sentence it came from.

    EVENT_ID may be a unique prefix of the id shown by `sitrep events`.

    \b
    Example:
      sitrep show 3fa2c1 --db seeds.db
      sitrep show 3fa2c1 --format json --db seeds.db
    """
    from .export import export_date, to_claim_rows
    from .store import Store

    with Store(_ledger(db), create=False) as store:
        event = store.get_event(event_id)
        history = store.event_history(event.event_id) if event is not None else []
    if event is None:
        raise click.ClickException(f"no event {event_id!r} in {db} (see `sitrep events --db {db}`)")
    claims = [{**row, "claimant_label": claimant_label(c), "text": claim_text(c)}
              for row, c in zip(to_claim_rows([event], include_background=True), event.claims)]
    if fmt == "csv":
        _write_rows(claims, "csv")
        return
    if fmt == "json":
        sys.stdout.write(json.dumps({**_ledger_row(event), "notes": event.notes or None, "claims": claims,
                                     "article_ids": list(event.article_ids),
                                     "merge_reasons": list(event.merge_reasons)},
                                    ensure_ascii=False, indent=1) + "\n")
        return
    p = event.place
    _out.print(Text.assemble((f"{event.event_type} / {event.sub_event_type}", "bold"),
                             "  " + event.event_id), soft_wrap=True)
    when = export_date(event)
    if when is None:
        _out.line("when     undated (no report gives a date)")
    else:
        _out.line(f"when     {when.date} (precision {when.time_precision}; {when.date_min}..{when.date_max})")
    if p:
        coords = (f"{p.latitude}, {p.longitude}" if p.latitude is not None and p.longitude is not None
                  else "coordinates unknown")
        _out.line(f"where    {p.name or UNKNOWN}, {', '.join(x for x in (p.admin2, p.admin1, p.country) if x) or UNKNOWN} "
                  f"({coords}; geo_precision {shown(p.geo_precision)})")
    else:
        _out.line(f"where    {UNKNOWN}")
    _out.line(f"who      {_actors(event) or UNKNOWN}")
    _out.line(f"deaths   {fatalities_text(event.fatalities_best, event.fatalities_low, event.fatalities_high)}"
              + (" (best estimate, then lowest-highest)" if event.fatalities_low != event.fatalities_high else ""))
    _out.line(f"status   {event.status}" + (f"; denied by {', '.join(event.denied_by)}" if event.denied_by else ""))
    _out.line(f"articles {', '.join(event.article_ids)}")
    table = Table(title="claims", show_lines=True, box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("claim", overflow="fold", ratio=3)
    table.add_column("source", overflow="fold", ratio=2,
                     min_width=min(MAX_ID_COLUMN, max((len(c.article_id) for c in event.claims), default=6)))
    table.add_column("sentence", overflow="fold", ratio=5)
    for cl in event.claims:
        source = f"{cl.outlet + chr(10) if cl.outlet else ''}{cl.article_id}\n[{cl.start}:{cl.end}]"
        table.add_row(Text(claim_text(cl)), Text(source), Text(" ".join(cl.sentence.split())))
    if event.claims:
        _out.print(table)
    else:
        _out.line("claims   none recorded")
    if len(history) > 1:
        _out.print(Text("history", "bold"), "(a later report changed the event)")
        for h in history:
            deaths = fatalities_text(h["fatalities_best"], h["fatalities_low"], h["fatalities_high"])
            _out.line(f"  {h['recorded_at']:%Y-%m-%d %H:%M} {h['date'] or 'undated'} {h['sub_event_type']}, "
                      f"deaths {deaths}, {h['n_reports']} reports, {h['status']}"
                      + (f", {h['review']} by an analyst" if h.get("review") else ""))
            for c in json.loads(h.get("evidence") or "[]"):  # the figures of that version, with their sentence
                if c["n"] is not None:
                    _out.line(f"      {c['kind']} {c['n']} ({c['claimant'] or 'reports'}, {c['article_id']}): "
                              f"{' '.join(c['sentence'].split())}")
    if event.merge_reasons:
        _out.print(Text("why these reports are one event", "bold"))
        for reason in event.merge_reasons:
            _out.line(f"  - {reason}")


@cli.command("demo")
@click.option("--db", default=None, help="Keep the demo ledger in this file (default: a temporary file, "
                                         "deleted when the demo ends).")
def demo_cmd(db: str | None) -> None:
    """Run the shipped example corpus end to end and print the ledger.

    \b
    Example:
      sitrep demo
      sitrep demo --db demo.db && sitrep serve --db demo.db
    """
    corpus = _example_corpus()
    with tempfile.TemporaryDirectory() as tmp:
        path = db or str(Path(tmp) / "demo.db")
        _err.line(f"running sitrep on the example corpus in {corpus}")
        status = _run_with_progress([str(corpus)], path, db_label=db or "a temporary ledger")
        from .store import Store

        with Store(path) as store:
            events = store.load_events()
        _print_ledger(events)
    if db:
        _err.line(f"the ledger is in {db}: `sitrep serve --db {db}` shows it on a map")
    else:
        _err.line("the demo's ledger was temporary and is gone: `sitrep demo --db demo.db` keeps it")
    sys.exit(status)


@cli.command("classify")
@click.argument("tsv", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File (default: stdout).")
@click.option("--text-column", default=None, help="Column holding the text (default: the second).")
def classify_cmd(tsv: str, output: str | None, text_column: str | None) -> None:
    """Label snippets with the CASE 2021 code of their ACLED sub-event type (or NONE).

    Reads a TSV of id<TAB>text (a header line and extra columns are allowed); writes
    id<TAB>LABEL. Uses the same event-typing code as `sitrep run`.

    \b
    Example:
      sitrep classify snippets.tsv -o labels.tsv
    """
    from .extract.triggers import classify_texts

    csv.field_size_limit(10**8)
    with open(tsv, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r]
    if not rows:
        raise click.ClickException(f"{tsv}: the file has no rows")
    col = 1
    header = [c.strip().lower() for c in rows[0]]
    if text_column and text_column.lower() in header:
        col = header.index(text_column.lower())
        rows = rows[1:]
    elif header and header[0] == "id":
        for name in ("text", "eventsnippet", "snippet", "sentence"):
            if name in header:
                col = header.index(name)
        rows = rows[1:]
    bad = [k for k, r in enumerate(rows, start=2) if len(r) <= col]
    if bad:
        _err.print(f"[yellow]warning[/yellow] {tsv}: {len(bad)} rows without a text column "
                   f"(first at line {bad[0]}); labelled NONE", highlight=False)
    labels = classify_texts([r[col] if len(r) > col else "" for r in rows])
    out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        out.write("id\tlabel\n")
        for r, label in zip(rows, labels):
            out.write(f"{r[0]}\t{label}\n")
    finally:
        if output:
            out.close()


@cli.command("retract")
@click.argument("article_id")
@click.option("--reason", required=True, help="Why the report is withdrawn (kept with the retraction).")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite file or database URL.")
def retract_cmd(article_id: str, reason: str, db: str) -> None:
    """Retract an article: its events are merged again without it, or deleted, and later runs leave it out.

    \b
    Example:
      sitrep retract ex04_anaba_ambush --reason "the outlet withdrew the story" --db seeds.db
    """
    from .pipeline import retract
    from .store import Store

    with Store(_ledger(db), create=False) as store:
        before = {e.event_id for e in store.load_events(include_background=True)
                  if article_id in e.article_ids}
        result = retract(store, article_id, reason, options=Options(db=db))
    after = {e.event_id for e in result.events}
    _err.line(f"retracted {article_id}: {len(before & after)} of its {len(before)} events kept on other "
              f"reports, {len(before - after)} deleted")


@cli.command("correct")
@click.argument("event_id")
@click.argument("changes", nargs=-1, required=True, metavar="FIELD=VALUE...")
@click.option("--note", default="", help="Why (kept with the correction and shown in the notes).")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite file or database URL.")
def correct_cmd(event_id: str, changes: tuple[str, ...], note: str, db: str) -> None:
    """Correct fields of an event; the correction survives later runs.

    FIELD is one of event_type, sub_event_type, actors (separated by ";"), place, admin1, admin2,
    country, latitude, longitude, date (YYYY-MM-DD) or fatalities.

    \b
    Example:
      sitrep correct 3fa2c1 fatalities=35 date=2022-05-08 --note "hospital records" --db seeds.db
    """
    pairs = []
    for change in changes:
        field, sep, value = change.partition("=")
        if not sep or not field.strip():
            raise click.BadParameter(f"{change!r} is not FIELD=VALUE (e.g. fatalities=35)", param_hint="FIELD=VALUE")
        pairs.append((field.strip(), value))
    _correct(db, event_id, pairs, note)


@cli.command("verify")
@click.argument("event_id")
@click.option("--reject", is_flag=True, default=False,
              help="Reject the event instead: it stays in the ledger, marked, and leaves the exports.")
@click.option("--note", default="", help="Why (kept with the verdict and shown in the notes).")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite file or database URL.")
def verify_cmd(event_id: str, reject: bool, note: str, db: str) -> None:
    """Mark an event verified (or rejected) by an analyst; the verdict survives later runs.

    \b
    Example:
      sitrep verify 3fa2c1 --note "confirmed by the provincial hospital" --db seeds.db
      sitrep verify 77b0e2 --reject --note "the same clash as 3fa2c1" --db seeds.db
    """
    _correct(db, event_id, [("review", "rejected" if reject else "verified")], note)


def _correct(db: str, event_id: str, pairs: list[tuple[str, str]], note: str) -> None:
    from .pipeline import correct
    from .records import Correction
    from .store import Store

    with Store(_ledger(db), create=False) as store:
        event = correct(store, [Correction(event_id, field, value, note) for field, value in pairs],
                        options=Options(db=db))
    done = ", ".join(f"{field}={value}" for field, value in pairs)
    _err.line(f"{event.event_id}: {done}" + (f" ({note})" if note else ""))


@cli.command("serve")
@click.option("--db", envvar="SITREP_DB", default=DEFAULT_DB, show_default=True,
              help="SQLite file or database URL (or SITREP_DB).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback only by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--token", envvar="SITREP_TOKEN", default=None,
              help="Bearer token that POST /articles requires (or SITREP_TOKEN); without one, ingest is off.")
@click.option("--private", is_flag=True, default=False, envvar="SITREP_PRIVATE",
              help="Reads need the bearer token too (or SITREP_PRIVATE=1).")
def serve_cmd(db: str, host: str, port: int, token: str | None, private: bool) -> None:
    """Serve the HTTP API and the web page over the ledger; OpenAPI docs at /docs.

    How reads and writes are guarded: reading (the page, GET /events, /articles, the exports) is
    open to anyone who can reach --host:--port, so the default listens on loopback only; put it
    behind a proxy with its own login before listening on another address. Writing (POST
    /articles, which ingests reports) needs the bearer token set with --token or SITREP_TOKEN;
    with no token set, ingest is off. Request bodies are capped (SITREP_MAX_BODY_BYTES).

    \b
    Example:
      sitrep serve --db seeds.db
      SITREP_TOKEN=change-me sitrep serve --db seeds.db --port 8080
    """
    try:
        import uvicorn

        from .api import Settings, create_app
    except ImportError as err:
        raise click.ClickException(f"the API's packages are incomplete ({err.name} is missing): reinstall "
                                   f"sitrep with `pip install {DISTRIBUTION}` (in a checkout: pip install -e .)") from err
    if "://" not in db and not Path(db).is_file():
        if not token:
            raise click.ClickException(f"no ledger at {db}: make one with `sitrep run REPORTS/ --db {db}` "
                                       "(or start with --token to fill a new one through POST /articles)")
        _err.line(f"no ledger at {db} yet: a new one is made, filled through POST /articles")
    from .api.settings import is_loopback

    settings = Settings.from_env(db=db, token=token, private=private or None)
    if not is_loopback(host):
        if host not in ("0.0.0.0", "::") and host.lower() not in settings.allowed_hosts:
            settings = dataclasses.replace(settings, allowed_hosts=(*settings.allowed_hosts, host.lower()))
        if not settings.token:
            _err.line(f"warning: listening on {host} with no token: anyone who reaches it reads the whole "
                      "ledger; set --token (and --private to guard reads) or put it behind a proxy with a login")
        _err.line(f"answering only to the host names {', '.join(settings.allowed_hosts)} "
                  "(SITREP_ALLOWED_HOSTS adds the names clients use)")
    app = create_app(settings)
    _err.line(f"serving {db} on http://{host}:{port} (docs at /docs; reading is open to whoever reaches "
              f"this address; ingest {'needs the bearer token' if token else 'is off: no token set'})")
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


def main(argv: list[str] | None = None) -> None:
    """Entry point: turns sitrep's errors into a message and exit status 2."""
    try:
        cli.main(args=argv, prog_name="sitrep", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        _err.line("aborted")
        sys.exit(130)
    except SitrepError as exc:
        _err.line(f"error: {exc}")
        sys.exit(2)
    except BrokenPipeError:  # `sitrep events | head`: the reader has gone, nothing to say
        sys.stderr.close()
        sys.exit(141)


if __name__ == "__main__":  # pragma: no cover
    main()
