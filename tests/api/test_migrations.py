"""The migrations build exactly the tables the models declare, and an upgrade keeps the data."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import Session, SQLModel, func, select

from api.catalogue_store import store_catalogue
from api.db import create_tables, get_engine
from features.catalogue import Catalogue
from models import Partnership, Provider


def test_the_migrations_match_the_models(tmp_path: Path) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'm.db'}")
    create_tables(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_upgrading_again_keeps_every_row(tmp_path: Path, catalogue: Catalogue) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'u.db'}")
    create_tables(engine)
    store_catalogue(engine, catalogue)
    create_tables(engine)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Provider)).one() == len(catalogue.providers)
        assert session.exec(select(func.count()).select_from(Partnership)).one() == len(
            catalogue.partnerships
        )
