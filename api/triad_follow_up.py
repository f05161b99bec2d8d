"""After the review: closing a need with its outcome, and following an accepted triad to its outcome.

"Agreed" or a later stage makes the triad a partnership of the history (source: the help desk), so
the next training run learns from it. The partnership's id is derived from (need, provider,
facilitator), so it is stored once however many stages are recorded. "Dropped" removes it again:
the history holds cooperations that happened, and a dropped triad would teach the ranker a partner
that was not one; the triad's outcome rows keep every step, so nothing recorded is lost."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlmodel import Session, col, delete, select

from api.catalogue_store import StoreReport, store_partnership
from api.needs_store import latest_decisions
from api.review_carry_over import Triad, triad_of
from features.errors import SSTCError
from models import (
    ApiKey,
    Decision,
    Need,
    NeedClosure,
    NeedOutcome,
    NeedStatus,
    Partnership,
    PartnershipFacilitator,
    PartnershipProvider,
    Suggestion,
    TriadOutcome,
    TriadStage,
)
from models.history import PartnershipBase, PartnershipRecord

HELP_DESK = "help desk"
MAKES_A_PARTNERSHIP = (TriadStage.agreed, TriadStage.funded, TriadStage.completed)


class FollowUpRefused(SSTCError):
    """A closure or an outcome that cannot be recorded as asked; the message says why."""


class NeedAlreadyClosed(FollowUpRefused):
    def __init__(self, need_id: int | None) -> None:
        self.need_id = need_id
        super().__init__(f"Need {need_id} is already closed; it was not closed again.")


class NotAccepted(FollowUpRefused):
    """Only an accepted triad is followed to its outcome; `decision` is the triad's current one."""

    def __init__(self, decision: Decision | None) -> None:
        self.decision = decision
        now = f"its current decision is “{decision.value}”" if decision else "it has no decision yet"
        super().__init__(f"Only an accepted triad can be followed to its outcome; {now}.")


def close_need(session: Session, need: Need, outcome: NeedOutcome, comment: str, by: ApiKey) -> NeedClosure:
    """Close an open need with its outcome: it leaves the pending queue; the closure is kept."""
    if need.status == NeedStatus.closed:
        raise NeedAlreadyClosed(need.id)
    assert need.id is not None
    closure = NeedClosure(need_id=need.id, outcome=outcome.value, comment=comment.strip(), closed_by=by.id)
    need.status = NeedStatus.closed
    session.add_all([need, closure])
    session.commit()
    session.refresh(closure)
    return closure


def latest_closure(session: Session, need_id: int) -> NeedClosure | None:
    return session.exec(
        select(NeedClosure).where(NeedClosure.need_id == need_id).order_by(col(NeedClosure.id).desc())
    ).first()


def record_outcome(
    session: Session, need: Need, suggestion: Suggestion, stage: TriadStage, comment: str, by: ApiKey
) -> TriadOutcome:
    """Append one step of an accepted triad's follow-up and bring its partnership in line, in one
    transaction."""
    decision = latest_decisions(session, [suggestion.id or 0]).get(suggestion.id or 0)
    if decision is None or decision.decision != Decision.accept:
        raise NotAccepted(decision.decision if decision else None)
    triad = triad_of(suggestion)
    partnership_id = helpdesk_partnership_id(triad)
    step = TriadOutcome(
        need_id=triad[0], provider_id=triad[1], facilitator_id=triad[2], stage=stage.value,
        comment=comment.strip(), recorded_by=by.id,
        partnership_id=partnership_id if stage in MAKES_A_PARTNERSHIP else None,
    )  # fmt: skip
    session.add(step)
    if stage in MAKES_A_PARTNERSHIP:
        if session.get(Partnership, partnership_id) is None:
            store_partnership(session, helpdesk_partnership(need, triad, partnership_id), StoreReport())
    else:
        _remove_partnership(session, partnership_id)
    session.commit()
    session.refresh(step)
    return step


def triad_outcomes(session: Session, need_id: int) -> dict[Triad, list[TriadOutcome]]:
    """Each triad's follow-up steps, oldest first."""
    rows = session.exec(
        select(TriadOutcome).where(TriadOutcome.need_id == need_id).order_by(col(TriadOutcome.id))
    ).all()
    found: dict[Triad, list[TriadOutcome]] = {}
    for row in rows:
        found.setdefault((row.need_id, row.provider_id, row.facilitator_id), []).append(row)
    return found


def helpdesk_partnership_id(triad: Triad) -> str:
    digest = hashlib.sha256(repr(triad).encode()).hexdigest()[:16]
    return f"helpdesk-{triad[0]}-{digest}"[:40]


def helpdesk_partnership(need: Need, triad: Triad, partnership_id: str) -> PartnershipRecord:
    """The need as the partnership it became: its text, SDGs, sectors and modalities, the recipient
    country, the provider and the facilitator, dated by the year it was agreed."""
    text = " ".join(need.text.split())
    partnership = PartnershipBase(
        id=partnership_id,
        title=(need.title.strip() or text)[:200],
        year_start=datetime.now(UTC).year,
        beneficiaries=[need.country],
        sectors=list(need.sectors),
        sdgs=list(need.sdgs),
        modalities=list(need.modalities),
        description=text[:4000],
        source_name=HELP_DESK,
    )
    return PartnershipRecord(partnership, [triad[1]], [triad[2]] if triad[2] else [])


def _remove_partnership(session: Session, partnership_id: str) -> None:
    for link in (PartnershipProvider, PartnershipFacilitator):
        session.exec(delete(link).where(col(link.partnership_id) == partnership_id))
    session.exec(delete(Partnership).where(col(Partnership.id) == partnership_id))
