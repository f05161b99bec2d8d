from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from sqlmodel import col, select

from api.deps import CurrentKey, RowId, SessionDep, require
from api.needs_store import visible_suggestion
from models import ApiKey, Review, Role
from models.schemas import ReviewCreate, ReviewPublic

router = APIRouter(prefix="/api/v1", tags=["reviews"])
Reviewer = Annotated[ApiKey, Depends(require(Role.helpdesk))]


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
    suggestion = visible_suggestion(session, key, suggestion_id)
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
    visible_suggestion(session, key, suggestion_id)
    rows = session.exec(
        select(Review).where(Review.suggestion_id == suggestion_id).order_by(col(Review.id))
    ).all()
    return [_public(r) for r in rows]
