from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.seeded_databases import BACKENDS, SeededTemplates


@dataclass
class Service:
    client: TestClient
    keys: dict[str, str]
    settings: Settings

    def as_(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}

    def sign_in_pages(self, who: str) -> None:
        """The test client signed in to the pages with `who`'s key, as the sign-in form does it."""
        csrf = self.client.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
        self.client.post("/login", data={"key": self.keys[who], "csrf": csrf}, follow_redirects=False)


@pytest.fixture(scope="module", params=BACKENDS)
def service(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    seeded_templates: SeededTemplates,
) -> Iterator[Service]:
    for seeded in seeded_templates.copy(request.param, tmp_path_factory.mktemp("service")):
        with TestClient(create_app(seeded.settings), raise_server_exceptions=False) as client:
            yield Service(client, seeded.keys, seeded.settings)
