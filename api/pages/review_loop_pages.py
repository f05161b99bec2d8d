"""Pages that keep review work: running the engine again after a confirmation, a "saved" message
after each decision, closing a need with its outcome, and following an accepted triad to its outcome."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import RowId, SessionDep
from api.needs_store import (
    latest_suggestions,
    resolved_need,
    store_suggestions,
    visible_need,
    visible_suggestion,
)
from api.pages.enum_words import DECISIONS, NEED_OUTCOMES, STAGE_CHOICES, said
from api.pages.errors import page_error
from api.pages.page_language import N_, gettext, local_number, ngettext
from api.pages.rendering import redirect, render
from api.pages.session import CSRF, User, allow
from api.review_carry_over import RunChanges, latest_changes, triad_reviews
from api.triad_follow_up import NeedAlreadyClosed, NotAccepted, close_need, record_outcome
from models import NeedOutcome, Role, TriadStage

router = APIRouter(include_in_schema=False)


def flash(request: Request, message: str) -> None:
    """A message shown once, on the page the post redirects to."""
    request.session["flash"] = message


def changes_in_words(changes: RunChanges) -> str:
    """What the latest run changed: "1 new, 1 dropped, 2 moved, 0 at the same rank"."""
    parts = [
        ngettext("{count} new", "{count} new", len(changes.new)),
        ngettext("{count} dropped", "{count} dropped", len(changes.dropped)),
        ngettext("{count} moved", "{count} moved", len(changes.moved)),
        ngettext("{count} at the same rank", "{count} at the same rank", changes.kept),
    ]
    counts = (len(changes.new), len(changes.dropped), len(changes.moved), changes.kept)
    return ", ".join(part.format(count=local_number(n)) for part, n in zip(parts, counts, strict=True))


@router.get("/needs/{need_id}/run-again")
def run_again_page(request: Request, need_id: RowId, user: User, session: SessionDep) -> HTMLResponse:
    """Before a new run: how many decisions the need holds, and that they carry over."""
    allow(user, Role.country_office, Role.helpdesk)
    need = visible_need(session, user, need_id)
    reviews = triad_reviews(session, {need_id})
    total = sum(len(h) for h in reviews.values())
    listed = len(latest_suggestions(session, need_id))
    return render(
        request, "run_again.html", user, need=need, decided=len(reviews), reviews=total, listed=listed
    )


@router.post("/needs/{need_id}/suggest")
def suggest(
    request: Request,
    need_id: RowId,
    user: User,
    session: SessionDep,
    confirm: Annotated[str, Form()] = "",
    _: None = CSRF,
) -> Response:
    """Run the engine; a need that already has a list is run again only once confirmed."""
    allow(user, Role.country_office, Role.helpdesk)
    need = visible_need(session, user, need_id)
    had_list = bool(latest_suggestions(session, need_id))
    if had_list and confirm != "yes":
        return redirect(f"/needs/{need_id}/run-again")
    store_suggestions(session, need_id, request.app.state.matcher.get().recommend([resolved_need(need)])[0])
    changes = latest_changes(session, need_id)
    if changes is not None:
        flash(
            request,
            gettext(
                "The engine ran again: {summary}. Decisions carried over to the triads proposed again."
            ).format(summary=changes_in_words(changes)),
        )
    return redirect(f"/needs/{need_id}" + ("#changes" if changes is not None else ""))


@router.post("/needs/{need_id}/close")
def close(
    request: Request,
    need_id: RowId,
    user: User,
    session: SessionDep,
    outcome: Annotated[str, Form()] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
    _: None = CSRF,
) -> Response:
    allow(user, Role.helpdesk)
    need = visible_need(session, user, need_id)
    if outcome not in {o.value for o in NeedOutcome}:
        return page_error(request, 422, N_("Choose why the need is closed: one of the outcomes listed."),
                          link=(f"/needs/{need_id}#close", N_("Back to the need")))  # fmt: skip
    try:
        close_need(session, need, NeedOutcome(outcome), comment, user)
    except NeedAlreadyClosed:
        refused = gettext("Need {id} is already closed; it was not closed again.").format(id=need_id)
        return page_error(request, 409, refused, link=(f"/needs/{need_id}", N_("Open the need")))
    words = said(NEED_OUTCOMES, outcome)
    flash(request, gettext("Need closed: {outcome}. It has left the review queue.").format(outcome=words))
    return redirect(f"/needs/{need_id}")


@router.post("/suggestions/{suggestion_id}/outcome")
def outcome(
    request: Request,
    suggestion_id: RowId,
    user: User,
    session: SessionDep,
    stage: Annotated[str, Form()] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
    _: None = CSRF,
) -> Response:
    allow(user, Role.helpdesk)
    suggestion = visible_suggestion(session, user, suggestion_id)
    need = visible_need(session, user, suggestion.need_id)
    back = (f"/needs/{need.id}#suggestion-{suggestion_id}", N_("Back to the triad"))
    if stage not in {s.value for s in TriadStage}:
        return page_error(
            request, 422, N_("Choose what became of the triad: one of the outcomes listed."), link=back
        )
    try:
        step = record_outcome(session, need, suggestion, TriadStage(stage), comment, user)
    except NotAccepted as exc:
        now = (
            gettext("its current decision is “{decision}”").format(
                decision=said(DECISIONS, exc.decision.value)
            )
            if exc.decision
            else gettext("it has no decision yet")
        )
        refused = gettext("Only an accepted triad can be followed to its outcome; {now}.").format(now=now)
        return page_error(request, 409, refused, link=back)
    made = gettext("It is now a partnership of the history, for the next training run.")
    removed = gettext("It is not a partnership of the history.")
    after = " " + made if step.partnership_id else " " + removed if stage == TriadStage.dropped else ""
    saved = gettext("Outcome saved for #{rank}: {stage}.").format(
        rank=suggestion.rank, stage=said(STAGE_CHOICES, stage)
    )
    flash(request, saved + after)
    return redirect(f"/needs/{need.id}#suggestion-{suggestion_id}")
