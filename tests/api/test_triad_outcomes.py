"""The loop closes, on both backends: an accepted triad followed to "agreed" becomes one partnership
of the history (however many later stages are recorded), the next training run learns from it and
says so on the Models page, and "dropped" takes it out again while the outcome history stays."""

from __future__ import annotations

from sqlmodel import Session, col, select

from api.catalogue_store import load_catalogue
from api.db import get_engine
from api.model_registry import active_version, load_version, train_version
from matching.training_examples import training_rows
from models import (
    ModelVersion,
    Partnership,
    PartnershipFacilitator,
    PartnershipProvider,
    TriadOutcome,
)
from tests.api.conftest import Service
from tests.api.test_review_carry_over import signed_in, words

TEXT = "Apoio técnico para   cantinas escolares\nabastecidas por agricultores familiares."
SCHOOL_MEALS = {
    "country": "MOZ",
    "title": "School canteens",
    "text": TEXT,
    "sdg": [2, 4],
    "sector": ["school feeding"],
}


def helpdesk_partnerships(service: Service) -> list[Partnership]:
    with Session(get_engine(service.settings.database_url)) as session:
        return list(session.exec(select(Partnership).where(col(Partnership.source_name) == "help desk")))


def test_an_agreed_triad_becomes_one_partnership_the_next_training_run_learns_from(service: Service) -> None:
    engine = get_engine(service.settings.database_url)
    need = service.client.post("/api/v1/needs", json=SCHOOL_MEALS, headers=service.as_("helpdesk")).json()
    made = service.client.post(
        f"/api/v1/needs/{need['id']}/suggestions", headers=service.as_("helpdesk")
    ).json()
    top, second = made[0], made[1]
    before = len(load_catalogue(engine).partnerships)
    with signed_in(service, service.keys["helpdesk"]) as csrf:
        service.client.post(f"/suggestions/{second['id']}/review", data={"decision": "reject", "csrf": csrf})
        refused = service.client.post(
            f"/suggestions/{second['id']}/outcome", data={"stage": "agreed", "csrf": csrf}
        )
        assert refused.status_code == 409
        assert (
            "Only an accepted triad can be followed to its outcome; its current decision is “reject”."
            in words(refused.text)
        )
        page = service.client.get(f"/needs/{need['id']}").text
        assert f'action="/suggestions/{top["id"]}/outcome"' not in page  # not accepted yet: no outcome form

        service.client.post(f"/suggestions/{top['id']}/review", data={"decision": "accept", "csrf": csrf})
        agreed = service.client.post(
            f"/suggestions/{top['id']}/outcome",
            data={"stage": "agreed", "comment": "MoU signed", "csrf": csrf},
        )
        assert agreed.status_code == 200
        assert (
            "Outcome saved for #1: Agreed: the partners agreed to work together. It is now a partnership "
            "of the history, for the next training run." in words(agreed.text)
        )
        service.client.post(f"/suggestions/{top['id']}/outcome", data={"stage": "funded", "csrf": csrf})
        funded = words(service.client.get(f"/needs/{need['id']}").text)
        assert "Outcome: funded by" in funded and "— in the partnership history" in funded

    (made_one,) = helpdesk_partnerships(service)  # agreed, then funded: stored exactly once
    assert made_one.beneficiaries == ["MOZ"]
    assert (
        made_one.description
        == "Apoio técnico para cantinas escolares abastecidas por agricultores familiares."
    )
    assert made_one.title == "School canteens" and made_one.sdgs == [2, 4]
    assert made_one.sectors == need["sectors"] and made_one.sectors
    assert made_one.year_start == 2026
    with Session(engine) as session:
        providers = session.exec(
            select(PartnershipProvider.provider_id).where(PartnershipProvider.partnership_id == made_one.id)
        ).all()
        facilitators = session.exec(
            select(PartnershipFacilitator.facilitator_id).where(
                PartnershipFacilitator.partnership_id == made_one.id
            )
        ).all()
    assert providers == [top["provider"]["id"]]
    assert facilitators == ([top["facilitator"]["id"]] if top["facilitator"] else [])

    # the next training run reads it: it is in the catalogue training loads, and a positive row
    catalogue = load_catalogue(engine)
    assert len(catalogue.partnerships) == before + 1
    position = [r.partnership.id for r in catalogue.partnerships].index(made_one.id)
    active = active_version(engine)
    assert active is not None
    rows = training_rows(load_version(active), catalogue.partnerships, [])
    assert position in set(rows.provider_record[rows.provider_y == 1].tolist())
    version = train_version(engine, service.settings.model_dir, "learned", activate_if_first=False)
    assert version.trained_partnerships == before + 1
    assert version.trained_reviews == 2  # this module's database: #2 rejected, #1 accepted
    with signed_in(service, service.keys["scientist"]):
        models = service.client.get("/models").text
    row = models.split(f'<td class="version">{version.id}</td>')[1].split("</tr>")[0]
    assert f"{before + 1} partnerships<br>{version.trained_reviews} reviews" in row

    # dropped afterwards: out of the history, the steps kept
    with signed_in(service, service.keys["helpdesk"]) as csrf:
        dropped = service.client.post(
            f"/suggestions/{top['id']}/outcome", data={"stage": "dropped", "csrf": csrf}
        )
        assert "It is not a partnership of the history." in words(dropped.text)
        history = words(dropped.text).split("Outcome history")[1]
        assert history.count(" UTC · ") >= 3 and "agreed by" in history and "— “MoU signed”" in history
    assert helpdesk_partnerships(service) == []
    assert len(load_catalogue(engine).partnerships) == before
    with Session(engine) as session:
        steps = session.exec(
            select(TriadOutcome.stage)
            .where(TriadOutcome.need_id == need["id"])
            .order_by(col(TriadOutcome.id))
        ).all()
        assert steps == ["agreed", "funded", "dropped"]
        assert session.get(ModelVersion, version.id) is not None


def test_a_country_office_cannot_record_an_outcome(service: Service) -> None:
    need = service.client.post("/api/v1/needs", json=SCHOOL_MEALS, headers=service.as_("mozambique")).json()
    made = service.client.post(
        f"/api/v1/needs/{need['id']}/suggestions", headers=service.as_("mozambique")
    ).json()
    with signed_in(service, service.keys["mozambique"]) as csrf:
        refused = service.client.post(
            f"/suggestions/{made[0]['id']}/outcome", data={"stage": "agreed", "csrf": csrf}
        )
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
    assert helpdesk_partnerships(service) == []
