"""`POST /api/v1/match?explain=`: the same ranking, lighter answers, a clear error for a bad mode."""

from __future__ import annotations

from models.schemas import MatchAnswer
from tests.api.conftest import Service

NEED = {"country": "Kenya", "text": "Home-grown school feeding buying from smallholder farmers.", "k": 5}


def test_explain_top_and_none_rank_as_full_does(service: Service) -> None:
    answers = {}
    for mode in ("full", "top", "none"):
        response = service.client.post(
            f"/api/v1/match?explain={mode}", json=NEED, headers=service.as_("helpdesk")
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert MatchAnswer.model_validate(body).model_dump(mode="json", exclude_unset=True) == body
        answers[mode] = body
    full, top, none = (answers[m]["suggestions"] for m in ("full", "top", "none"))
    assert [s["score"] for s in top] == [s["score"] for s in full] == [s["score"] for s in none]
    assert all(len(s["contributions"]) == 6 and s["contributions"][-1]["feature"] == "other" for s in top)
    assert all(s["contributions"] == [] for s in none)
    helpdesk = service.as_("helpdesk")
    sizes = [
        len(service.client.post(f"/api/v1/match?explain={m}", json=NEED, headers=helpdesk).content)
        for m in ("full", "top", "none")
    ]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > 2 * sizes[1]


def test_an_unknown_explain_mode_is_named(service: Service) -> None:
    response = service.client.post("/api/v1/match?explain=most", json=NEED, headers=service.as_("helpdesk"))
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["field"] == "query.explain", error
    assert "full" in error["message"] and "top" in error["message"] and "none" in error["message"], error
