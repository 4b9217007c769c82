"""The command line: a thin layer over the library (run, export, events, show, demo, classify)."""
from __future__ import annotations

import csv
import logging
import sys
import tempfile
from importlib import resources
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .errors import SitrepError
from .pipeline import DEFAULT_DB, Options, run
from .records import Event

LOGGER = logging.getLogger(__name__)

__all__ = ["main", "cli"]

EXPORT_FORMATS = ("acled-csv", "jsonl", "geojson", "claims-csv", "claims-jsonl")
_err = Console(stderr=True)
# Piped or captured output gets a wide table rather than rich's 80-column default.
_WIDE = 160


class _Out:
    """stdout, sized at each use: the terminal's width, or wide when piped."""

    def print(self, *args, **kwargs) -> None:
        Console(width=None if sys.stdout.isatty() else _WIDE).print(*args, **kwargs)


_out = _Out()


def _example_corpus() -> Path:
    """The example corpus: shipped inside the package, or the repository's examples/ folder."""
    packaged = Path(str(resources.files("sitrep").joinpath("examples")))
    if packaged.is_dir():
        return packaged
    repo = Path(__file__).resolve().parents[2] / "examples" / "corpus"
    if repo.is_dir():
        return repo
    raise click.ClickException("the example corpus is not installed (examples/corpus is missing)")


def _run_with_progress(paths: list[str], db: str, *, engine: str = "local", scheduler: str | None = None) -> int:
    with Progress(TextColumn("[bold]extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=_err, transient=True) as bar:
        task = bar.add_task("extract", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = run(paths, options=Options(db=db, engine=engine, scheduler=scheduler), progress=progress)
    for err in result.errors:
        _err.print(f"[red]error[/red] {err}", highlight=False, soft_wrap=True)
    news = [e for e in result.events if not e.background]
    _err.print(f"read {result.articles_read} articles ({result.articles_extracted} new or changed, "
               f"{result.articles_unchanged} unchanged), {len(result.groups)} syndication groups, "
               f"{len(news)} events (+{len(result.events) - len(news)} background) in {db}",
               highlight=False)
    return 1 if result.errors else 0


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
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


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
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="acled-csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File (default: stdout).")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite file or database URL.")
@click.option("--background/--no-background", default=False, show_default=True,
              help="Include history recalled as context (marked background).")
@click.option("--undated/--no-undated", default=None,
              help="Include events no report dates (empty event_date, marked undated). Default: left "
                   "out of acled-csv (ACLED has no undated rows), kept in the other formats.")
def export_cmd(fmt: str, output: str | None, db: str, background: bool, undated: bool | None) -> None:
    """Export the ledger: ACLED CSV, JSON Lines, GeoJSON, or the claim ledger.

    \b
    Example:
      sitrep export --format acled-csv -o events.csv --db seeds.db
      sitrep export --format acled-csv --undated -o all-events.csv --db seeds.db
      sitrep export --format geojson --db seeds.db > events.geojson
    """
    from .export import export, export_date
    from .store import Store

    with Store(db) as store:
        events = store.load_events(include_background=background)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            written = export(events, fmt, fh, include_background=background, include_undated=undated)
        what = "claims" if fmt.startswith("claims") else "events"
        _err.print(f"wrote {written} {what} to {output}", highlight=False)
    else:
        export(events, fmt, sys.stdout, include_background=background, include_undated=undated)
    left_out = sum(1 for e in events if export_date(e) is None)
    if left_out and (undated is False or (undated is None and fmt == "acled-csv")):
        _err.print(f"{left_out} undated events left out (--undated includes them)", highlight=False)


def _actors(e: Event) -> str:
    return ", ".join(e.actors)


@cli.command("events")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite file or database URL.")
@click.option("--background/--no-background", default=False, help="Include history recalled as context.")
@click.option("--undated", "only_undated", is_flag=True, default=False,
              help="Show only the events no report dates (listed after the dated ones by default).")
def events_cmd(db: str, background: bool, only_undated: bool) -> None:
    """Show the ledger as a table: dated events by date, then the undated ones apart.

    \b
    Example:
      sitrep events --db seeds.db
      sitrep events --undated --db seeds.db
    """
    from .store import Store

    with Store(db) as store:
        events = store.load_events(include_background=background, undated="only" if only_undated else "include")
    _print_ledger(events, only_undated=only_undated)


def _print_ledger(events: list[Event], *, only_undated: bool = False) -> None:
    """The dated events' table, then the undated events' table (when there are any)."""
    from .export import export_date

    undated = [e for e in events if export_date(e) is None]
    if not only_undated:
        _out.print(_events_table([e for e in events if export_date(e) is not None]))
    if undated or only_undated:
        _out.print(_events_table(undated, undated=True))


def _events_table(events: list[Event], *, undated: bool = False) -> Table:
    title = (f"{len(events)} undated events (no report gives a date; left out of the ACLED CSV)" if undated
             else f"{len(events)} events")
    table = Table(title=title, show_lines=False)
    columns = ("id", "type", "actors", "where", "deaths", "reports", "status")
    for col in columns if undated else columns[:1] + ("date", "tp") + columns[1:]:
        table.add_column(col, overflow="fold")
    for e in events:
        where = ", ".join(x for x in ((e.place.admin2, e.place.admin1) if e.place else ()) if x)
        deaths = "" if e.fatalities_best is None else (
            f"{e.fatalities_best}" + (f" ({e.fatalities_low}-{e.fatalities_high})"
                                      if e.fatalities_low != e.fatalities_high else ""))
        when = () if undated else (e.date.date.isoformat() if e.date else "undated",
                                   str(e.date.time_precision) if e.date else "")
        table.add_row(e.event_id[:10], *when, e.sub_event_type + (" [bg]" if e.background else ""), _actors(e),
                      where, deaths, str(len(e.article_ids)), e.status)
    return table


@cli.command("show")
@click.argument("event_id")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLite file or database URL.")
def show_cmd(event_id: str, db: str) -> None:
    """Show one event with each claim, its source and the sentence it came from.

    EVENT_ID may be a unique prefix of the id shown by `sitrep events`.

    \b
    Example:
      sitrep show 3fa2c1 --db seeds.db
    """
    from .store import Store

    with Store(db) as store:
        event = store.get_event(event_id)
        history = store.event_history(event.event_id) if event is not None else []
    if event is None:
        raise click.ClickException(f"no event {event_id!r} in {db} (see `sitrep events --db {db}`)")
    p = event.place
    _out.print(f"[bold]{event.event_type} / {event.sub_event_type}[/bold]  {event.event_id}")
    from .export import export_date

    if export_date(event) is None:
        _out.print("when   undated (no report gives a date)")
    else:
        _out.print(f"when   {event.date.date} (precision {event.date.time_precision}; "
                   f"{event.date.date_min}..{event.date.date_max})")
    if p:
        _out.print(f"where  {p.name} — {', '.join(x for x in (p.admin2, p.admin1, p.country) if x)} "
                   f"({p.latitude}, {p.longitude}; geo_precision {p.geo_precision})")
    _out.print(f"who    {_actors(event)}")
    _out.print(f"deaths low {event.fatalities_low} / best {event.fatalities_best} / high {event.fatalities_high}"
               f"   status: {event.status}" + (f"   denied by: {', '.join(event.denied_by)}"
                                                 if event.denied_by else ""))
    _out.print(f"articles {', '.join(event.article_ids)}")
    table = Table(title="claims", show_lines=True)
    for col in ("claimant", "stance", "claim", "article", "sentence"):
        table.add_column(col, overflow="fold")
    for cl in event.claims:
        what = cl.kind if cl.n is None and not cl.qualifier else (
            f"{cl.kind} {cl.qualifier + ' ' if cl.qualifier else ''}{cl.n if cl.n is not None else ''}"
            f"{' ' + cl.side if cl.side else ''}")
        who = (cl.claimant or "?") + (f" ({cl.claimant_text})" if cl.claimant_text else "")
        table.add_row(who, cl.stance, what, f"{cl.article_id} [{cl.start}:{cl.end}]", cl.sentence)
    _out.print(table)
    if len(history) > 1:
        _out.print("[bold]history[/bold] (a later report changed the event)")
        for h in history:
            _out.print(f"  {h['recorded_at']:%Y-%m-%d %H:%M} {h['date'] or 'undated'} {h['sub_event_type']}, deaths "
                       f"{h['fatalities_low']}/{h['fatalities_best']}/{h['fatalities_high']}, "
                       f"{h['n_reports']} reports, {h['status']}", highlight=False)
    if event.merge_reasons:
        _out.print("[bold]why these reports are one event[/bold]")
        for reason in event.merge_reasons:
            _out.print(f"  - {reason}", highlight=False)


@cli.command("demo")
@click.option("--db", default=None, help="Keep the demo ledger in this file (default: a temporary file).")
def demo_cmd(db: str | None) -> None:
    """Run the shipped example corpus end to end and print the ledger.

    \b
    Example:
      sitrep demo
    """
    corpus = _example_corpus()
    with tempfile.TemporaryDirectory() as tmp:
        path = db or str(Path(tmp) / "demo.db")
        _err.print(f"running sitrep on the example corpus in {corpus}", highlight=False)
        status = _run_with_progress([str(corpus)], path)
        from .store import Store

        with Store(path) as store:
            events = store.load_events()
        _print_ledger(events)
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


@cli.command("serve")
@click.option("--db", envvar="SITREP_DB", default=DEFAULT_DB, show_default=True,
              help="SQLite file or database URL (or SITREP_DB).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback only by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--token", envvar="SITREP_TOKEN", default=None,
              help="Bearer token that POST /articles requires (or SITREP_TOKEN); without one, ingest is off.")
def serve_cmd(db: str, host: str, port: int, token: str | None) -> None:
    """Serve the HTTP API (and the web page) over the ledger; OpenAPI docs at /docs.

    \b
    Example:
      sitrep serve --db seeds.db
      SITREP_TOKEN=change-me sitrep serve --db seeds.db --port 8080
    """
    try:
        import uvicorn

        from .api import Settings, create_app
    except ImportError as err:
        raise click.ClickException(f"the API needs its extra packages ({err.name} is missing): "
                                   f"pip install 'sitrep[api]'") from err
    app = create_app(Settings.from_env(db=db, token=token))
    _err.print(f"serving {db} on http://{host}:{port} (docs at /docs; ingest "
               f"{'needs the bearer token' if token else 'is off: no token set'})", highlight=False)
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
        _err.print("aborted")
        sys.exit(130)
    except SitrepError as exc:
        _err.print(f"[red]error[/red] {exc}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
