from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

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


def seeded_database(directory: Path, catalogue: Catalogue) -> Settings:
    settings = Settings(database_url=f"sqlite:///{directory / 'sstc.db'}", model_dir=directory / "models")
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


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> Iterator[Service]:
    settings = seeded_database(tmp_path_factory.mktemp("service"), catalogue)
    keys = make_keys(settings)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Service(client, keys, settings)
