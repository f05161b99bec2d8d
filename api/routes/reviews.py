from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from sqlmodel import Session, col, select

from api.deps import CurrentKey, RowId, SessionDep, require
from api.needs_store import visible_need
from models import ApiKey, Review, Role, Suggestion
from models.schemas import ReviewCreate, ReviewPublic

router = APIRouter(prefix="/api/v1", tags=["reviews"])
Reviewer = Annotated[ApiKey, Depends(require(Role.helpdesk))]


def _visible_suggestion(session: Session, key: ApiKey, suggestion_id: RowId) -> Suggestion:
    suggestion = session.get(Suggestion, suggestion_id)
    if suggestion is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"suggestion {suggestion_id} not found")
    try:
        visible_need(session, key, suggestion.need_id)
    except HTTPException:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"suggestion {suggestion_id} not found") from None
    return suggestion


def _public(review: Review) -> ReviewPublic:
    return ReviewPublic.model_validate(review.model_dump())


@router.post(
    "/suggestions/{suggestion_id}/reviews",
    operation_id="review_suggestion",
    summary="Accept, reject, shortlist or mark unsure",
    status_code=status.HTTP_201_CREATED,
)
def review(suggestion_id: RowId, body: ReviewCreate, key: Reviewer, session: SessionDep) -> ReviewPublic:
    """Append a decision; earlier decisions stay in the history, the latest one counts."""
    suggestion = _visible_suggestion(session, key, suggestion_id)
    row = Review(
        suggestion_id=suggestion.id or 0, decision=body.decision, comment=body.comment, reviewer_id=key.id
    )
    session.add(row)
    session.commit()
    session.refresh(row)
    return _public(row)


@router.get(
    "/suggestions/{suggestion_id}/reviews",
    operation_id="list_reviews",
    summary="A suggestion's review history",
)
def history(suggestion_id: RowId, key: CurrentKey, session: SessionDep) -> list[ReviewPublic]:
    """Every decision on a suggestion, oldest first."""
    _visible_suggestion(session, key, suggestion_id)
    rows = session.exec(
        select(Review).where(Review.suggestion_id == suggestion_id).order_by(col(Review.id))
    ).all()
    return [_public(r) for r in rows]
