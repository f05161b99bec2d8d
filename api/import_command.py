"""`sstc import iati FILE…` and `sstc import csv FILE`: partnerships into the history, all or nothing.

The report says how many partnerships were imported, updated and unchanged, which activities were
skipped and why, and which names matched nothing; `--json` prints it as one object. A file that
cannot be read stops the import with exit status 1 and stores nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from api.db import create_tables, get_engine
from api.partnership_import import ImportReport, error_records, import_csv, import_iati
from api.settings import get_settings
from features.errors import SSTCError

import_app = typer.Typer(help="Bring partnerships into the history: IATI activity files or a CSV.")
console = Console()
errors = Console(stderr=True)

DryRunOption = typer.Option(False, "--dry-run", help="Read, resolve and report; store nothing.")
JsonOption = typer.Option(False, "--json", help="Print the report as one JSON object.")
DatabaseOption = typer.Option(None, "--database-url", help="Defaults to DATABASE_URL or SQLite.")


@import_app.command("iati")
def iati(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="IATI activity files (2.0x)."),
    dry_run: bool = DryRunOption,
    as_json: bool = JsonOption,
    database_url: str | None = DatabaseOption,
) -> None:
    """Import triangular activities of IATI activity files (collaboration-type 8, or South-led)."""
    _run(lambda engine: import_iati(engine, files, dry_run=dry_run), dry_run, as_json, database_url)


@import_app.command("csv")
def csv(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="A CSV in partnerships.csv's columns."
    ),
    dry_run: bool = DryRunOption,
    as_json: bool = JsonOption,
    database_url: str | None = DatabaseOption,
) -> None:
    """Import partnerships from a CSV in the history file's columns (every row read, or none stored)."""
    _run(lambda engine: import_csv(engine, file, dry_run=dry_run), dry_run, as_json, database_url)


def _run(run: Callable[[Any], ImportReport], dry_run: bool, as_json: bool, database_url: str | None) -> None:
    engine = get_engine(database_url or get_settings().database_url)
    create_tables(engine)
    try:
        report = run(engine)
    except SSTCError as exc:
        if as_json:
            typer.echo(json.dumps({"errors": error_records(exc)}, ensure_ascii=False, indent=2))
        errors.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
        raise typer.Exit(code=1) from exc
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        return
    prefix = "dry run, nothing stored: " if dry_run else ""
    console.print(
        f"{prefix}{report.imported} imported, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.skipped)} skipped, {len(report.unresolved)} unresolved name(s)",
        highlight=False,
    )
    for skipped in report.skipped:
        console.print(f"  skipped {skipped.id}: {skipped.why}", highlight=False, markup=False)
    for entry in report.unresolved:
        console.print(
            f"  unresolved {entry['id']}: {entry['field']} {entry['name']!r}", highlight=False, markup=False
        )
