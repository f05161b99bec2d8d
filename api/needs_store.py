"""Needs and their stored suggestions, scoped to what the caller's key may see."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import HTTPException, status
from sqlmodel import Session, SQLModel, col, select

from api.review_carry_over import triad_of, triad_reviews
from features.needs import ResolvedNeed, UnmatchedTerm
from models import ApiKey, Modality, Need, Review, Role, Suggestion
from models.schemas import NeedPublic, SuggestionPublic, UnmatchedTermPublic


def visible_need(session: Session, key: ApiKey, need_id: int) -> Need:
    """The need, or 404 — also when it belongs to another country (ids are not to be probed)."""
    need = session.get(Need, need_id)
    if need is None or (key.role == Role.country_office and need.country != key.country):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"need {need_id} not found")
    return need


def visible_suggestion(session: Session, key: ApiKey, suggestion_id: int) -> Suggestion:
    """The suggestion, or 404 — also when its need belongs to another country."""
    suggestion = session.get(Suggestion, suggestion_id)
    if suggestion is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"suggestion {suggestion_id} not found")
    try:
        visible_need(session, key, suggestion.need_id)
    except HTTPException:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"suggestion {suggestion_id} not found") from None
    return suggestion


def check_country(key: ApiKey, country: str) -> None:
    if key.role == Role.country_office and country != key.country:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"a country office key for {key.country} may only state needs of {key.country}, not {country}",
        )


def store_need(
    session: Session, key: ApiKey, resolved: ResolvedNeed, also: list[SQLModel] | None = None
) -> Need:
    """Store a resolved need for the caller (a country office: only its own country's); `also` are
    rows stored in the same transaction, each given the need's id as `need_id`."""
    check_country(key, resolved.country)
    need = Need(
        country=resolved.country,
        title=resolved.title,
        text=resolved.text,
        sdgs=resolved.sdgs,
        sectors=resolved.sectors,
        modalities=[Modality(m) for m in resolved.modalities],
        languages=resolved.languages,
        budget_usd=resolved.budget_usd,
        unmatched_terms=[u.to_json() for u in resolved.unmatched],
        created_by=key.id,
    )
    session.add(need)
    if also:
        session.flush()
        for row in also:
            row.need_id = need.id
        session.add_all(also)
    session.commit()
    session.refresh(need)
    return need


def need_public(need: Need) -> NeedPublic:
    assert need.id is not None
    return NeedPublic(
        id=need.id, status=need.status, created_at=need.created_at, country=need.country, title=need.title,
        text=need.text, sdgs=need.sdgs, sectors=need.sectors, modalities=[str(m) for m in need.modalities],
        languages=need.languages, budget_usd=need.budget_usd,
        unmatched_terms=[UnmatchedTermPublic.model_validate(u) for u in need.unmatched_terms or []],
    )  # fmt: skip


def resolved_need(need: Need, k: int = 10) -> ResolvedNeed:
    return ResolvedNeed(
        country=need.country, text=need.text, title=need.title, sdgs=list(need.sdgs),
        sectors=list(need.sectors), modalities=[str(m) for m in need.modalities],
        languages=list(need.languages), budget_usd=need.budget_usd, k=k,
        unmatched=[UnmatchedTerm(**u) for u in need.unmatched_terms or []],
    )  # fmt: skip


def store_suggestions(session: Session, need_id: int, answer: dict[str, Any]) -> list[Suggestion]:
    """Store one engine run's ranked list with its provenance; earlier runs are kept."""
    run_id = uuid.uuid4().hex
    rows = [
        Suggestion(
            need_id=need_id,
            run_id=run_id,
            rank=s["rank"],
            score=s["score"],
            prior=s["prior"],
            provider_id=s["provider"]["id"],
            facilitator_id=s["facilitator"]["id"] if s["facilitator"] else None,
            contributions=s["contributions"],
            reasons=s["reasons"],
            match_strength=s["match_strength"],
            alternatives=s["alternatives"],
            model_version=answer["model_version"],
            data_snapshot=answer["data_snapshot"],
            abstained=answer["abstained"],
        )
        for s in answer["suggestions"]
    ]
    session.add_all(rows)
    session.commit()
    for row in rows:
        session.refresh(row)
    return rows


def latest_suggestions(session: Session, need_id: int) -> list[Suggestion]:
    last = session.exec(
        select(Suggestion).where(Suggestion.need_id == need_id).order_by(col(Suggestion.id).desc())
    ).first()
    if last is None:
        return []
    return list(
        session.exec(
            select(Suggestion).where(Suggestion.run_id == last.run_id).order_by(col(Suggestion.rank))
        ).all()
    )


def latest_decisions(session: Session, suggestion_ids: list[int]) -> dict[int, Review]:
    """The current decision of each suggestion: the most recent review of its triad (need, provider,
    facilitator) in any run, so a decision carries over to a later run that proposes the triad again."""
    rows = session.exec(select(Suggestion).where(col(Suggestion.id).in_(suggestion_ids))).all()
    reviews = triad_reviews(session, {r.need_id for r in rows})
    return {r.id: reviews[triad_of(r)][-1] for r in rows if r.id is not None and triad_of(r) in reviews}


def suggestion_public(
    row: Suggestion, names: dict[str, tuple[str, str | None]], decision: Review | None
) -> SuggestionPublic:
    provider_name, provider_country = names[f"p:{row.provider_id}"]
    facilitator = None
    if row.facilitator_id is not None:
        facilitator = {"id": row.facilitator_id, "name": names[f"f:{row.facilitator_id}"][0]}
    return SuggestionPublic.model_validate(
        {
            "id": row.id,
            "rank": row.rank,
            "score": row.score,
            "prior": row.prior,
            "provider": {"id": row.provider_id, "name": provider_name, "country": provider_country},
            "facilitator": facilitator,
            "contributions": row.contributions,
            "reasons": row.reasons,
            "match_strength": row.match_strength,
            "alternatives": row.alternatives or [],
            "decision": decision.decision if decision else None,
        }
    )
