"""Admins edit the catalogue; nothing is overwritten without a trace."""

from __future__ import annotations

from tests.api.conftest import Service

NEW_PROVIDER = {
    "id": "KEN-TESTLAB",
    "name": "Nairobi Test Laboratory",
    "kind": "research_institute",
    "country": "KEN",
    "parent": "KEN",
    "sectors": ["121"],
    "sdgs": [3],
    "description": "Diagnostics training for East African laboratories.",
}


def test_admin_adds_and_updates_a_provider_with_an_audit_trail(service: Service) -> None:
    admin = service.as_("admin")
    created = service.client.post("/api/v1/providers", json=NEW_PROVIDER, headers=admin)
    assert created.status_code == 201, created.text
    again = service.client.post("/api/v1/providers", json=NEW_PROVIDER, headers=admin)
    assert again.status_code == 409
    assert again.json() == {"detail": "provider KEN-TESTLAB already exists; update it instead"}
    updated = service.client.patch(
        "/api/v1/providers/KEN-TESTLAB", json={"description": "Now also genomics."}, headers=admin
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["description"] == "Now also genomics." and updated.json()["sectors"] == ["121"]
    trail = service.client.get(
        "/api/v1/catalogue/changes", params={"entity_id": "KEN-TESTLAB"}, headers=service.as_("helpdesk")
    ).json()
    assert [c["before"] is None for c in trail] == [False, True]
    assert trail[0]["before"]["description"] == NEW_PROVIDER["description"]
    assert trail[0]["after"]["description"] == "Now also genomics."
    assert trail[0]["changed_by"].endswith("(admin)")


def test_bad_catalogue_values_name_the_field(service: Service) -> None:
    admin = service.as_("admin")
    bad = service.client.post(
        "/api/v1/providers", json={**NEW_PROVIDER, "id": "KEN-X", "sectors": ["999"]}, headers=admin
    )
    assert bad.status_code == 422
    assert bad.json() == {
        "detail": [
            {
                "field": "sectors.0",
                "message": "'999' is not a DAC sector code of the taxonomy",
                "type": "value_error",
                "loc": ["body", "sectors", "0"],
                "msg": "'999' is not a DAC sector code of the taxonomy",
            }
        ]
    }
    renamed = service.client.patch("/api/v1/facilitators/UNDP", json={"id": "NEW"}, headers=admin)
    assert renamed.status_code == 422 and renamed.json()["detail"][0]["field"] == "id"
    region = service.client.patch("/api/v1/facilitators/UNDP", json={"regions": ["Atlantis"]}, headers=admin)
    assert region.json()["detail"][0] == {
        "field": "regions.0",
        "message": "'Atlantis' is not a UN M49 region name",
        "type": "value_error",
        "loc": ["body", "regions", "0"],
        "msg": "'Atlantis' is not a UN M49 region name",
    }
