"""Suggestions the engine made for a need, and the help desk's append-only reviews of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.needs import utcnow
from models.vocab import Decision


class Suggestion(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="need.id", index=True)
    run_id: str = Field(max_length=40, index=True)  # one engine run: the list it stored together
    rank: int = Field(ge=1)
    score: float
    prior: float
    provider_id: str = Field(foreign_key="provider.id", max_length=40)
    facilitator_id: str | None = Field(default=None, foreign_key="facilitator.id", max_length=40)
    contributions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    match_strength: float = Field(default=0.0, ge=0, le=1)
    alternatives: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    model_version: str = Field(max_length=80)
    data_snapshot: str = Field(max_length=80)
    abstained: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class Review(SQLModel, table=True):
    """Never updated or deleted: the latest row per suggestion is its current decision."""

    id: int | None = Field(default=None, primary_key=True)
    suggestion_id: int = Field(foreign_key="suggestion.id", index=True)
    decision: Decision
    comment: str = Field(default="", max_length=4000)
    reviewer_id: int | None = Field(default=None, foreign_key="apikey.id")
    created_at: datetime = Field(default_factory=utcnow)
