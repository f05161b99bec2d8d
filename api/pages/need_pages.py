"""Pages of needs: the list, the form, one need with its suggestions and their reviews."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import col, select

from api.deps import RowId, SessionDep
from api.need_form_tokens import FormAlreadyUsed, store_need_once
from api.needs_store import (
    latest_decisions,
    latest_suggestions,
    resolved_need,
    store_suggestions,
    visible_need,
    visible_suggestion,
)
from api.pages.charts import waterfall
from api.pages.engine_wording import Parties
from api.pages.enum_words import DECISIONS, NEED_OUTCOMES, STAGE_CHOICES, key_role, said
from api.pages.errors import in_words_all, page_error
from api.pages.page_filters import shown
from api.pages.page_language import N_, gettext
from api.pages.rendering import engine_wording, redirect, render
from api.pages.review_loop_pages import changes_in_words, flash
from api.pages.session import (
    CSRF,
    User,
    allow,
    already_sent,
    form_token_pending,
    issue_form_token,
    spend_form_token,
)
from api.pages.text_language import text_language
from api.pages.triad_view import triad_view
from api.review_carry_over import key_names, latest_changes, triad_of, triad_reviews
from api.triad_follow_up import latest_closure, triad_outcomes
from features.errors import SSTCError, UnknownNameError
from models import Country, Decision, Facilitator, Need, NeedCreate, Provider, Review, Role

router = APIRouter(include_in_schema=False)
NEED_FORM = "need"
NAMED_FIELDS = {"country": N_("country"), "sector": N_("sector"), "modality": N_("modality"),
                "language": N_("language")}  # fmt: skip
ALREADY_STORED = N_("This form was already sent, and its need was stored once; it was not stored again.")


@router.get("/needs")
def my_needs(request: Request, user: User, session: SessionDep) -> HTMLResponse:
    query = select(Need).order_by(col(Need.id).desc())
    if user.role == Role.country_office:
        query = query.where(Need.country == user.country)
    return render(request, "needs.html", user, needs=session.exec(query.limit(200)).all())


@router.get("/needs/new")
def new_need_page(request: Request, user: User) -> HTMLResponse:
    allow(user, Role.country_office, Role.helpdesk)
    return _need_form(request, user, {})


def _need_form(
    request: Request, user: User, form: dict[str, Any], error: str = "", token: str = ""
) -> HTMLResponse:
    token = token or issue_form_token(request, NEED_FORM)
    return render(request, "need_form.html", user, status_code=422 if error else 200, form=form,
                  error=error, form_token=token)  # fmt: skip


@router.post("/needs/new")
def new_need(
    request: Request,
    user: User,
    session: SessionDep,
    text: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    country: Annotated[str, Form()] = "",
    sdg: Annotated[list[str] | None, Form()] = None,
    sectors: Annotated[str, Form()] = "",
    modality: Annotated[list[str] | None, Form()] = None,
    language: Annotated[str, Form()] = "",
    budget_usd: Annotated[str, Form()] = "",
    form_token: Annotated[str, Form()] = "",
    _: None = CSRF,
) -> Response:
    """Post/redirect/get with a one-time token: sending the same form, or the same need, twice in
    one session stores one need."""
    allow(user, Role.country_office, Role.helpdesk)
    form = {"title": title, "text": text, "country": country, "sdg": sdg or [], "sectors": sectors,
            "modality": modality or [], "language": language, "budget_usd": budget_usd}  # fmt: skip
    if (sent := already_sent(request, NEED_FORM, form_token, form)) is not None:
        return page_error(request, 409, ALREADY_STORED, link=(sent, N_("Open the need you sent")))
    if not form_token_pending(request, NEED_FORM, form_token):
        stale = gettext(
            "This form was opened too long ago to be sent safely. Check what you typed and send it again."
        )
        return _need_form(request, user, form, stale)
    matcher = request.app.state.matcher.get()
    try:
        raw = _need_create(user, form)
        resolved = matcher.resolve(raw)
    except ValidationError as exc:
        return _need_form(request, user, form, in_words_all(exc.errors()), form_token)
    except UnknownNameError as exc:
        return _need_form(request, user, form, unknown_in_words(exc), form_token)
    except (SSTCError, ValueError) as exc:
        return _need_form(request, user, form, str(exc), form_token)
    try:
        need = store_need_once(session, user, resolved, form_token)
    except FormAlreadyUsed as used:  # a second sending of the same form arrived at the same moment
        spend_form_token(request, NEED_FORM, form_token, form, f"/needs/{used.need_id}")
        return page_error(
            request, 409, ALREADY_STORED, link=(f"/needs/{used.need_id}", N_("Open the need you sent"))
        )
    assert need.id is not None
    store_suggestions(session, need.id, matcher.recommend([resolved_need(need)])[0])
    spend_form_token(request, NEED_FORM, form_token, form, f"/needs/{need.id}")
    return redirect(f"/needs/{need.id}")


def _need_create(user: User, form: dict[str, Any]) -> NeedCreate:
    """The need as typed; a number that is not one raises ValueError in words."""
    budget, sdgs = form["budget_usd"].strip().replace(",", ""), form["sdg"]
    if budget and not (budget.isascii() and budget.isdigit()):
        raise ValueError(
            gettext("The budget must be a whole number of US dollars; {typed} is not.").format(
                typed=shown(budget)
            )
        )
    if not all(s.isascii() and s.isdigit() for s in sdgs):
        raise ValueError(gettext("Choose the SDGs from the list."))
    if not form["text"].strip():
        raise ValueError(gettext("Please write what you need."))
    return NeedCreate(
        country=(user.country or "") if user.role == Role.country_office else form["country"],
        title=form["title"],
        text=form["text"],
        sdg=[int(s) for s in sdgs],
        sector=[s.strip() for s in form["sectors"].split(",") if s.strip()],
        modality=form["modality"],
        language=[lang.strip() for lang in form["language"].split(",") if lang.strip()],
        budget_usd=int(budget) if budget else None,
    )


def unknown_in_words(exc: UnknownNameError) -> str:
    """A name that matched nothing, said as the form labels the field."""
    field = exc.field.split(".")[0]
    label = said(NAMED_FIELDS, field)
    listed = ", ".join(exc.closest[:3])
    if f"{exc.value!r} is ambiguous" in str(exc):  # the error keeps no flag, only its message
        ambiguous = gettext("{value} names more than one {label}: {listed}. Type the one you mean.")
        return ambiguous.format(value=shown(exc.value), label=label, listed=listed)
    unknown = gettext("We could not understand the {label} {value}.").format(
        label=label, value=shown(exc.value)
    )
    return unknown + (" " + gettext("Did you mean: {listed}?").format(listed=listed) if listed else "")


@router.get("/needs/{need_id}")
def need_page(request: Request, need_id: RowId, user: User, session: SessionDep) -> HTMLResponse:
    need = visible_need(session, user, need_id)
    rows = latest_suggestions(session, need_id)
    ids = [r.id for r in rows if r.id is not None]
    decisions = latest_decisions(session, ids)
    history = triad_reviews(session, {need_id})
    outcomes = triad_outcomes(session, need_id)
    changes = latest_changes(session, need_id)
    shown_rows = [*rows, *(changes.dropped if changes else [])]
    names = {
        p.id: p.name
        for p in session.exec(
            select(Provider).where(col(Provider.id).in_({r.provider_id for r in shown_rows}))
        )
    }
    names |= {f.id: f.name for f in session.exec(select(Facilitator))}
    wording = engine_wording(session)
    items = []
    for r in rows:
        provider, facilitator = names.get(r.provider_id, r.provider_id), names.get(r.facilitator_id or "")
        suggestion = {"prior": r.prior, "score": r.score, "contributions": r.contributions}
        items.append({
            "row": r, "provider": provider, "facilitator": facilitator,
            "decision": decisions.get(r.id or 0),
            "history": history.get(triad_of(r), []),
            "outcomes": outcomes.get(triad_of(r), []),
            "chart": waterfall(suggestion, wording=wording),
            "view": triad_view(r.contributions, r.reasons, r.match_strength, r.alternatives, wording,
                               Parties(provider, facilitator or "")),
        })  # fmt: skip
    dropped = {triad_of(r): history.get(triad_of(r), []) for r in changes.dropped} if changes else {}
    closure = latest_closure(session, need_id)
    who = key_names(
        session,
        [h.reviewer_id for reviews in history.values() for h in reviews]
        + [o.recorded_by for steps in outcomes.values() for o in steps]
        + [closure.closed_by if closure else None],
        key_role(),
    )
    country = session.get(Country, need.country)
    return render(
        request,
        "need.html",
        user,
        need=need,
        need_language=text_language(need.text, need.languages),
        country=country,
        items=items,
        decisions=[d.value for d in Decision],
        can_review=user.role in (Role.helpdesk, Role.admin),
        who=who,
        changes=changes,
        changes_said=changes_in_words(changes) if changes else "",
        dropped=dropped,
        names=names,
        closure=closure,
        need_outcomes=NEED_OUTCOMES,
        stages=STAGE_CHOICES,
        flash=request.session.pop("flash", None),
    )


@router.post("/suggestions/{suggestion_id}/review")
def review(
    request: Request,
    suggestion_id: RowId,
    user: User,
    session: SessionDep,
    decision: Annotated[Decision, Form()],
    comment: Annotated[str, Form(max_length=4000)] = "",
    _: None = CSRF,
) -> Response:
    allow(user, Role.helpdesk)
    suggestion = visible_suggestion(session, user, suggestion_id)
    session.add(Review(suggestion_id=suggestion_id, decision=decision, comment=comment, reviewer_id=user.id))
    session.commit()
    flash(
        request,
        gettext("Decision saved on #{rank}: {decision}.").format(
            rank=suggestion.rank, decision=said(DECISIONS, decision.value)
        ),
    )
    return redirect(f"/needs/{suggestion.need_id}#suggestion-{suggestion_id}")
