"""What the help desk records after the review: a need closed with its outcome, an accepted triad
followed to its outcome, and the one-time tokens of need forms already sent. Every row is appended,
never edited: the latest row is the current state, the earlier ones are the history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.needs import utcnow


class NeedOutcome(StrEnum):
    """Why a need left the queue."""

    partnered = "partnered"  # a triad was agreed
    no_suitable_partner = "no_suitable_partner"
    withdrawn = "withdrawn"  # the country office no longer needs it


class TriadStage(StrEnum):
    """What became of an accepted triad; agreed or later makes it a partnership of the history."""

    agreed = "agreed"
    funded = "funded"
    completed = "completed"
    dropped = "dropped"


class NeedClosure(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="need.id", index=True)
    outcome: str = Field(max_length=40)  # a NeedOutcome
    comment: str = Field(default="", max_length=4000)
    closed_by: int | None = Field(default=None, foreign_key="apikey.id")
    closed_at: datetime = Field(default_factory=utcnow)


class TriadOutcome(SQLModel, table=True):
    """One step of an accepted triad's follow-up, on (need, provider, facilitator) like its review."""

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="need.id", index=True)
    provider_id: str = Field(foreign_key="provider.id", max_length=40)
    facilitator_id: str | None = Field(default=None, foreign_key="facilitator.id", max_length=40)
    stage: str = Field(max_length=20)  # a TriadStage
    comment: str = Field(default="", max_length=4000)
    partnership_id: str | None = Field(default=None, max_length=40)  # the history's row it made
    recorded_by: int | None = Field(default=None, foreign_key="apikey.id")
    recorded_at: datetime = Field(default_factory=utcnow)


class UsedFormToken(SQLModel, table=True):
    """A need form's one-time token, stored with the need it made in the same transaction; its
    primary key (a SHA-256 of the token) lets only one of two simultaneous sendings through."""

    token_hash: str = Field(primary_key=True, min_length=64, max_length=64)
    need_id: int = Field(foreign_key="need.id")
    used_at: datetime = Field(default_factory=utcnow)
