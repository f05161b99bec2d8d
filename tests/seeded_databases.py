"""Seeded databases for the tests: a fresh one of each backend, seeded and keyed, and one template
per backend per session that each test module copies instead of seeding again."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from api.catalogue_store import store_catalogue
from api.db import create_tables, get_engine
from api.model_registry import train_version
from api.security import create_key
from api.settings import Settings
from features.catalogue import Catalogue
from models import Role

BACKENDS = ["sqlite", "postgresql"]


def database_url(backend: str, directory: Path, template: str | None = None) -> Generator[str]:
    """A fresh database of the backend, empty or a copy of the PostgreSQL database `template`;
    PostgreSQL from SSTC_TEST_POSTGRES_URL (.ci/run starts one)."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'sstc.db'}"
        return
    server = os.environ.get("SSTC_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("SSTC_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against")
    name = f"sstc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        )
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seeded_database(directory: Path, catalogue: Catalogue, url: str | None = None) -> Settings:
    url = url or f"sqlite:///{directory / 'sstc.db'}"
    settings = Settings(database_url=url, model_dir=directory / "models", data_dir=directory)
    engine = get_engine(settings.database_url)
    create_tables(engine)
    store_catalogue(engine, catalogue)
    train_version(engine, settings.model_dir, "learned")
    return settings


def make_keys(settings: Settings) -> dict[str, str]:
    engine = get_engine(settings.database_url)
    return {
        "kenya": create_key(engine, Role.country_office, "KEN")[1],
        "mozambique": create_key(engine, Role.country_office, "MOZ")[1],
        "helpdesk": create_key(engine, Role.helpdesk)[1],
        "scientist": create_key(engine, Role.data_scientist)[1],
        "admin": create_key(engine, Role.admin)[1],
    }


@dataclass
class SeededDatabase:
    settings: Settings
    keys: dict[str, str]


class SeededTemplates:
    """One seeded database per backend per test session (seeding trains a model: ~15 s); each test
    module gets its own copy: the SQLite file or `CREATE DATABASE … TEMPLATE`, and the model files."""

    def __init__(self, root: Path, catalogue: Catalogue) -> None:
        self.root, self.catalogue = root, catalogue
        self.made: dict[str, tuple[SeededDatabase, Generator[str]]] = {}

    def template(self, backend: str) -> SeededDatabase:
        if backend not in self.made:
            directory = self.root / backend
            urls = database_url(backend, directory)
            settings = seeded_database(directory, self.catalogue, next(urls))
            self.made[backend] = SeededDatabase(settings, make_keys(settings)), urls
            get_engine(settings.database_url).dispose()  # a template must have no open connection
        return self.made[backend][0]

    def copy(self, backend: str, directory: Path) -> Iterator[SeededDatabase]:
        template = self.template(backend)
        source = template.settings
        shutil.copytree(source.model_dir, directory / "models")
        if backend == "sqlite":  # the backup API copies a consistent database, whatever the journal mode
            original = sqlite3.connect(source.database_url.removeprefix("sqlite:///"))
            with closing(original), closing(sqlite3.connect(directory / "sstc.db")) as copied:
                original.backup(copied)
        for url in database_url(backend, directory, make_url(source.database_url).database):
            settings = Settings(database_url=url, model_dir=directory / "models", data_dir=directory)
            with get_engine(url).begin() as connection:
                connection.execute(
                    text("UPDATE modelversion SET path = replace(path, :old, :new)"),
                    {"old": str(source.model_dir), "new": str(settings.model_dir)},
                )
            yield SeededDatabase(settings, template.keys)
            get_engine(url).dispose()

    def close(self) -> None:
        for _, urls in self.made.values():
            urls.close()
