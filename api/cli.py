"""The `sstc` command line: seed the catalogue, inspect it, train, evaluate, recommend, serve."""

from __future__ import annotations

import json
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.status import Status
from rich.table import Table

from api.catalogue_store import load_catalogue, store_catalogue
from api.db import create_tables, get_engine
from api.import_command import import_app
from api.model_registry import LOAD_CATALOGUE_HINT, active_version, train_version
from api.recommend_command import recommend
from api.security import create_key, revoke_key
from api.settings import get_settings
from features.catalogue import load_catalogue_files
from features.errors import EmptyCatalogueError, SSTCError
from matching.evaluation_runner import (
    ABLATIONS,
    DIVERSITY,
    EVALUATED_RANKERS,
    METRICS,
    RANKER_NAMES,
    evaluate,
)
from matching.splits import PROTOCOLS, protocol_splits
from models.vocab import ProviderKind, Role

app = typer.Typer(help="sstc-match: partner matching for South-South and triangular cooperation.")
catalogue_app = typer.Typer(help="Inspect the catalogue in the database.")
app.add_typer(catalogue_app, name="catalogue")
app.command("recommend")(recommend)
app.add_typer(import_app, name="import")
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


@app.command()
def train(
    ranker: str = typer.Option("learned", help=f"One of {', '.join(RANKER_NAMES)}."),
    database_url: str | None = DatabaseOption,
) -> None:
    """Train a model version on the stored catalogue (active if it is the first)."""
    engine = get_engine(_database_url(database_url))
    create_tables(engine)
    try:
        with _status("training…"):
            row = train_version(engine, get_settings().model_dir, ranker)
    except EmptyCatalogueError as exc:
        _fail(f"{exc}; {LOAD_CATALOGUE_HINT}")
    console.print(f"model {row.id} ({row.status}) sha256 {row.sha256}", highlight=False)


@app.command("evaluate")
def evaluate_command(
    protocol: str | None = typer.Option(
        None, help=f"One of {', '.join(PROTOCOLS)}; defaults to temporal with --temporal, else grouped."
    ),
    folds: int = typer.Option(5, help="Grouped k-fold splits."),
    temporal: int | None = typer.Option(None, help="Temporal split: test on years >= this."),
    ranker: list[str] = typer.Option(list(EVALUATED_RANKERS), help="Rankers and baselines to compare."),
    subset: str = typer.Option("all", help="'all', or 'every' for region and source subsets too."),
    seed: int = typer.Option(0, help="Seed of the fold assignment."),
    ablation: bool = typer.Option(False, help="Also the learned ranker without each feature group."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    database_url: str | None = DatabaseOption,
) -> None:
    """Offline evaluation on the partnership history: every ranker, target and subset.

    Source-shift trains on the UNDP compilation and tests on the other sources, then the other way
    round; the subsets source=other sources and source=UNDP compilation are the two directions.
    """
    protocol = protocol or ("grouped" if temporal is None else "temporal")
    if protocol not in PROTOCOLS:
        _fail(f"--protocol: {protocol!r} is not one of {', '.join(PROTOCOLS)}")
    if (protocol == "temporal") != (temporal is not None):
        _fail("--temporal YEAR goes with the temporal protocol, and only with it")
    engine = get_engine(_database_url(database_url))
    create_tables(engine)
    catalogue = load_catalogue(engine)
    splits, name = protocol_splits(catalogue, protocol, folds, seed, temporal)
    with _status("evaluating…") as status:
        names = (*ranker, *(ABLATIONS if ablation else ()))
        results = evaluate(catalogue, splits, names, progress=status.update if status else None)
    if subset != "every":
        results = [r for r in results if r["subset"] == subset]
    if as_json:
        print(json.dumps({"protocol": name, "results": results}, indent=2))
        return
    columns = ("ranker", "target", "subset", *METRICS, "n", *DIVERSITY)
    table = Table(title=f"Evaluation ({name})")
    for column in columns:
        table.add_column(column, justify="left" if column in ("ranker", "target", "subset") else "right")
    for row in results:
        table.add_row(*("" if row.get(c) is None else str(row[c]) for c in columns))
    console.print(table)


def _status(message: str) -> AbstractContextManager[Status | None]:
    """A spinner on a terminal, nothing when piped."""
    return console.status(message) if sys.stdout.isatty() else nullcontext()


def _fail(message: str) -> NoReturn:
    errors.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    raise typer.Exit(code=2)


keys_app = typer.Typer(help="Create and revoke API keys (shown once, stored as hashes).")
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    role: Role = typer.Option(..., help="country_office, helpdesk, data_scientist or admin."),
    country: str | None = typer.Option(None, help="ISO3 of a country office's country."),
    label: str = typer.Option("", help="Who the key is for."),
    database_url: str | None = DatabaseOption,
) -> None:
    """Create a key; it is printed once, alone on the last line."""
    engine = get_engine(_database_url(database_url))
    create_tables(engine)
    if country is not None:
        resolved = load_catalogue(engine).countries_resolver.resolve(country)
        if resolved.id is None:
            _fail(f"--country: {resolved.describe()}")
        country = resolved.id
    try:
        row, key = create_key(engine, role, country, label)
    except ValueError as exc:
        _fail(str(exc))
    console.print(
        f"key {row.id} for {role.value}{' of ' + country if country else ''} (store it now):", highlight=False
    )
    print(key)


@keys_app.command("revoke")
def keys_revoke(
    key_id: int = typer.Argument(..., help="The key's id."), database_url: str | None = DatabaseOption
) -> None:
    """Revoke a key at once."""
    try:
        row = revoke_key(get_engine(_database_url(database_url)), key_id)
    except LookupError as exc:
        _fail(str(exc))
    console.print(f"key {row.id} revoked at {row.revoked_at}", highlight=False)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port."),
    workers: int = typer.Option(1, help="Worker processes."),
    database_url: str | None = DatabaseOption,
) -> None:
    """Run the HTTP service (trains and activates a first model if none is active)."""
    import os

    import uvicorn

    url = _database_url(database_url)
    os.environ["DATABASE_URL"] = url
    engine = get_engine(url)
    create_tables(engine)
    if active_version(engine) is None:
        try:
            with _status("training the first model…"):
                train_version(engine, get_settings().model_dir)
        except EmptyCatalogueError as exc:
            errors.print(
                f"[yellow]no model yet:[/yellow] {exc}. The service starts: /readyz answers 'not ready' "
                f"and /api/v1/match 503 until a catalogue is loaded ({LOAD_CATALOGUE_HINT}) and a model "
                "is trained (`sstc train`, or POST /api/v1/models/train).",
                highlight=False,
            )
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        # A spawned worker imports this module (the whole engine) before it can answer the
        # supervisor's first health ping; on a busy machine that takes more than uvicorn's 5 s,
        # and the supervisor would kill and respawn it for ever.
        timeout_worker_healthcheck=60,
    )


if __name__ == "__main__":
    app()
