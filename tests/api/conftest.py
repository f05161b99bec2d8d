from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text

from api.app import create_app
from api.catalogue_store import store_catalogue
from api.db import create_tables, get_engine
from api.model_registry import train_version
from api.security import create_key
from api.settings import Settings
from features.catalogue import Catalogue
from models import Role


@dataclass
class Service:
    client: TestClient
    keys: dict[str, str]
    settings: Settings

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}


BACKENDS = ["sqlite", "postgresql"]


def database_url(backend: str, directory: Path) -> Iterator[str]:
    """A fresh, empty database of the backend; PostgreSQL from SSTC_TEST_POSTGRES_URL (.ci/run starts one)."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'sstc.db'}"
        return
    server = os.environ.get("SSTC_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("SSTC_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against")
    name = f"sstc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
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


@pytest.fixture(scope="module", params=BACKENDS)
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue
) -> Iterator[Service]:
    directory = tmp_path_factory.mktemp("service")
    for url in database_url(request.param, directory):
        settings = seeded_database(directory, catalogue, url)
        keys = make_keys(settings)
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            yield Service(client, keys, settings)
        get_engine(url).dispose()
