"""Request and response bodies of the HTTP API (the tables live beside them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from models.follow_up import NeedOutcome
from models.vocab import Decision, ModelStatus, NeedStatus, Role

Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    data: list[Item]
    count: int


class UnmatchedTermPublic(BaseModel):
    """A sector or modality word that matched no taxonomy term: kept with the need, in its text."""

    field: str = Field(description="The field and the word's position in it", examples=["sector.1"])
    word: str
    closest: list[str] = Field(description="The closest terms, 'Name (code)', best first")


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
    unmatched_terms: list[UnmatchedTermPublic] = []


class Contribution(BaseModel):
    feature: str
    label: str = Field(default="", description="The feature in plain words")
    group: str
    value: float
    contribution: float
    reason: str  # worded as a help when the contribution raises the score, as a caveat when it lowers it
    effect: Literal["raises", "lowers", "none"] = "none"


class Party(BaseModel):
    id: str
    name: str
    country: str | None = None


class AlternativePublic(BaseModel):
    """Another facilitator for the same provider: base + the sum of its contributions = score."""

    facilitator: Party
    score: float
    base: float = Field(description="The provider leg's score plus the facilitator ranker's prior")
    match_strength: float = Field(ge=0, le=1)
    contributions: list[Contribution]


class SuggestionPublic(BaseModel):
    id: int | None = None
    rank: int
    score: float = Field(description="Log-odds: prior + the sum of the contributions; orders the list")
    provider: Party
    facilitator: Party | None
    prior: float
    match_strength: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of the real partnerships learned from that scored no higher",
    )
    contributions: list[Contribution]
    reasons: list[str]
    alternatives: list[AlternativePublic] = []
    decision: Decision | None = None


class SectorName(BaseModel):
    code: str
    name: str


class NeedAnswer(BaseModel):
    """The need as the engine read it: codes resolved from the words, and the words it kept."""

    country: str
    country_name: str
    title: str
    text: str
    sdg: list[int]
    sector: list[SectorName]
    modality: list[str]
    language: list[str]
    budget_usd: int | None
    k: int
    tagged: dict[str, list[str]] = Field(description="Codes found in the title and text")
    unmatched_terms: list[UnmatchedTermPublic]


class SemanticStatus(BaseModel):
    """Whether the model's multilingual (semantic) features were computed for this answer."""

    encoder: str
    available: bool
    note: str | None = Field(None, description="Why not: the features then contribute 0")


class MatchAnswer(BaseModel):
    """The engine's answer for one need: the same JSON as `sstc recommend --format json`."""

    need: NeedAnswer
    model_version: str
    data_snapshot: str
    abstained: bool
    message: str | None = None
    semantic: SemanticStatus | None = Field(None, description="Absent for a model without semantic features")
    suggestions: list[SuggestionPublic]


class ReviewCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"decision": "accept", "comment": "Strong track record."}]},
    )

    decision: Decision
    comment: str = Field(default="", max_length=4000)


class NeedCloseRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"outcome": "partnered", "comment": "Agreed with Brazil and WFP."}]},
    )

    outcome: NeedOutcome
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
