"""Exports a person opens in a spreadsheet: a need's triads with their reasons and decisions.

Cells are written by the csv module; a cell that a spreadsheet would run as a formula (starting
with = + - @) is prefixed with an apostrophe, since reasons quote names typed by other people."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlmodel import col, select

from api.deps import RowId, SessionDep
from api.needs_store import latest_decisions, latest_suggestions, visible_need
from api.pages.session import User
from api.pages.triad_view import triad_view
from models import Facilitator, Provider, Review

router = APIRouter(include_in_schema=False)
TRIAD_COLUMNS = ("rank", "provider", "facilitator", "match strength %", "score", "reasons", "caveats",
                 "decision", "decided by (key)", "decided at", "comment", "model version")  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_download(rows: list[list[Any]], header: tuple[str, ...], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[safe_cell(v) for v in row] for row in rows])
    disposition = f'attachment; filename="{filename}"'
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": disposition})  # fmt: skip


@router.get("/needs/{need_id}/triads.csv")
def need_triads_csv(need_id: RowId, user: User, session: SessionDep) -> Response:
    """The latest run's triads of a need, for whoever may see the need."""
    visible_need(session, user, need_id)
    suggestions = latest_suggestions(session, need_id)
    decided = latest_decisions(session, [s.id for s in suggestions if s.id is not None])
    names = {p.id: p.name for p in session.exec(select(Provider).where(
        col(Provider.id).in_({s.provider_id for s in suggestions})))}  # fmt: skip
    names |= {f.id: f.name for f in session.exec(select(Facilitator).where(
        col(Facilitator.id).in_({s.facilitator_id for s in suggestions if s.facilitator_id})))}  # fmt: skip
    rows = []
    for s in suggestions:
        view = triad_view(s.contributions, s.reasons, s.match_strength, s.alternatives)
        review: Review | None = decided.get(s.id or 0)
        rows.append([
            s.rank, names.get(s.provider_id, s.provider_id),
            names.get(s.facilitator_id, s.facilitator_id) if s.facilitator_id else "(bilateral)",
            view.percent if view.percent is not None else "", round(s.score, 4),
            " | ".join(r.text for r in view.reasons), " | ".join(r.text for r in view.caveats),
            review.decision.value if review else "", review.reviewer_id if review else "",
            review.created_at.isoformat(timespec="seconds") if review else "",
            review.comment if review else "", s.model_version,
        ])  # fmt: skip
    return csv_download(rows, TRIAD_COLUMNS, f"need-{need_id}-triads.csv")
