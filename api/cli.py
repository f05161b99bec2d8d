"""The `sstc` command line: seed the catalogue, inspect it, train, evaluate, recommend, serve."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from api.catalogue_store import load_catalogue, store_catalogue
from api.db import create_tables, get_engine
from api.settings import get_settings
from features.catalogue import load_catalogue_files
from features.errors import SSTCError
from models.vocab import ProviderKind

app = typer.Typer(help="sstc-match: partner matching for South-South and triangular cooperation.")
catalogue_app = typer.Typer(help="Inspect the catalogue in the database.")
app.add_typer(catalogue_app, name="catalogue")
console = Console()
errors = Console(stderr=True)

DatabaseOption = typer.Option(None, "--database-url", help="Defaults to DATABASE_URL or SQLite.")


def _database_url(url: str | None) -> str:
    return url or get_settings().database_url


@app.command()
def seed(
    fixtures: Path = typer.Option(None, help="A folder of catalogue files; defaults to fixtures/."),
    database_url: str | None = DatabaseOption,
) -> None:
    """Load the catalogue files into the database (idempotent, all or nothing)."""
    try:
        catalogue = load_catalogue_files(fixtures)
    except SSTCError as exc:
        errors.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(code=1) from exc
    engine = get_engine(_database_url(database_url))
    create_tables(engine)
    report = store_catalogue(engine, catalogue)
    for table in sorted(set(report.inserted) | set(report.updated) | set(report.unchanged)):
        console.print(
            f"{table}: {report.inserted[table]} inserted, {report.updated[table]} updated, "
            f"{report.unchanged[table]} unchanged",
            highlight=False,
        )
    console.print(f"snapshot {catalogue.snapshot()}", highlight=False)


@catalogue_app.command("stats")
def catalogue_stats(database_url: str | None = DatabaseOption) -> None:
    """Print what is loaded, and every name of the history that matched nothing."""
    engine = get_engine(_database_url(database_url))
    create_tables(engine)
    catalogue = load_catalogue(engine)
    countries = catalogue.countries
    providers = catalogue.providers
    history = catalogue.partnerships
    table = Table(title="Catalogue")
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("countries", len(countries)),
        ("  UN member states", sum(c.un_member for c in countries)),
        (
            "  LDC / LLDC / SIDS",
            "/".join(str(sum(getattr(c, f) for c in countries)) for f in ("ldc", "lldc", "sids")),
        ),
        ("providers", len(providers)),
        ("  country profiles", sum(p.kind == ProviderKind.country for p in providers)),
        ("  institutions", sum(p.kind != ProviderKind.country for p in providers)),
        ("facilitators", len(catalogue.facilitators)),
        ("partnerships", len(history)),
        ("  linked to a provider", sum(bool(r.provider_ids) for r in history)),
        ("  with a facilitator", sum(bool(r.facilitator_ids) for r in history)),
        ("  with unresolved names", sum(bool(r.partnership.unresolved) for r in history)),
    ]
    for name, count in rows:
        table.add_row(name, str(count))
    console.print(table)
    unresolved = [(r.partnership.id, n) for r in history for n in r.partnership.unresolved]
    if unresolved:
        console.print(f"Unresolved names ({len(unresolved)}):", highlight=False)
        for pid, name in unresolved:
            console.print(f"  {pid}: {name}", highlight=False, markup=False)


if __name__ == "__main__":
    app()
