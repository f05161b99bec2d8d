"""The side-by-side page: two triads of a need's latest run, picked on the need page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import col, select

from api.deps import RowId, SessionDep
from api.needs_store import latest_suggestions, visible_need
from api.pages.errors import page_error
from api.pages.page_language import N_, gettext
from api.pages.rendering import engine_wording, render
from api.pages.session import User
from api.pages.triad_comparison import compare_triads
from models import Facilitator, Provider

router = APIRouter(include_in_schema=False)


@router.get("/needs/{need_id}/compare")
def compare_page(request: Request, need_id: RowId, user: User, session: SessionDep) -> Response:
    need = visible_need(session, user, need_id)
    rows = {str(r.id): r for r in latest_suggestions(session, need_id)}
    back = (f"/needs/{need_id}", N_("Back to the need"))
    picked = [request.query_params.get(name, "").strip() for name in ("first", "second")]
    if not all(picked):
        return page_error(request, 400, gettext("Pick two triads to compare."), link=back)
    if picked[0] == picked[1]:
        return page_error(request, 400, gettext("Pick two different triads to compare."), link=back)
    if any(p not in rows for p in picked):
        return page_error(request, 404, gettext("That triad is not in this need's latest list."), link=back)
    first, second = rows[picked[0]], rows[picked[1]]
    names = {p.id: p.name for p in session.exec(
        select(Provider).where(col(Provider.id).in_({first.provider_id, second.provider_id})))}  # fmt: skip
    facilitators = {first.facilitator_id, second.facilitator_id}
    names |= {f.id: f.name for f in session.exec(
        select(Facilitator).where(col(Facilitator.id).in_(facilitators)))}  # fmt: skip
    comparison = compare_triads(first, second, engine_wording(session), names)
    triads = [(first, comparison.first), (second, comparison.second)]
    return render(request, "compare.html", user, need=need, triads=triads, rows=comparison.rows, names=names)
