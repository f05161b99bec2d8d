"""Request and response bodies of the HTTP API (the tables live beside them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from models.vocab import Decision, ModelStatus, NeedStatus, Role

Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    data: list[Item]
    count: int


class NeedPublic(BaseModel):
    id: int
    status: NeedStatus
    created_at: datetime
    country: str
    title: str
    text: str
    sdgs: list[int]
    sectors: list[str]
    modalities: list[str]
    languages: list[str]
    budget_usd: int | None


class Contribution(BaseModel):
    feature: str
    group: str
    value: float
    contribution: float
    reason: str


class Party(BaseModel):
    id: str
    name: str
    country: str | None = None


class SuggestionPublic(BaseModel):
    id: int | None = None
    rank: int
    score: float
    provider: Party
    facilitator: Party | None
    prior: float
    contributions: list[Contribution]
    reasons: list[str]
    decision: Decision | None = None


class MatchAnswer(BaseModel):
    """The engine's answer for one need: the same JSON as `sstc recommend --format json`."""

    need: dict[str, Any]
    model_version: str
    data_snapshot: str
    abstained: bool
    message: str | None = None
    suggestions: list[SuggestionPublic]


class ReviewCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"decision": "accept", "comment": "Strong track record."}]},
    )

    decision: Decision
    comment: str = Field(default="", max_length=4000)


class ReviewPublic(BaseModel):
    id: int
    suggestion_id: int
    decision: Decision
    comment: str
    reviewer_id: int | None
    created_at: datetime


class ModelVersionPublic(BaseModel):
    id: str
    status: ModelStatus
    ranker: str
    sha256: str
    data_snapshot: str
    metrics: dict[str, Any]
    created_at: datetime
    activated_at: datetime | None


class TrainRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"ranker": "learned"}]})

    ranker: str = Field(default="learned", pattern=r"^(learned|prior|popularity|text-only|random)$")


class TrainingJobPublic(BaseModel):
    id: int
    kind: str
    status: str
    ranker: str
    model_version: str | None
    error: str
    created_at: datetime
    finished_at: datetime | None


class KeyPublic(BaseModel):
    id: int
    prefix: str
    role: Role
    country: str | None
