"""Model versions, API keys and background jobs: what the service runs, who may call it, what it is doing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.needs import utcnow
from models.vocab import ModelStatus, Role


class ModelVersion(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=80)
    status: ModelStatus = Field(default=ModelStatus.candidate, index=True)
    path: str = Field(max_length=500)
    sha256: str = Field(min_length=64, max_length=64, regex=r"^[0-9a-f]{64}$")
    ranker: str = Field(max_length=40)
    data_snapshot: str = Field(max_length=80)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    metrics: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    # what it learned from, counted at training time (None: trained before the counts were kept)
    trained_partnerships: int | None = None
    trained_reviews: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    activated_at: datetime | None = None


class ModelActivation(SQLModel, table=True):
    """One activation of a model version, in order. Rolling back undoes the latest activation and
    restores the one before it, so repeated roll-backs walk back through the history, never
    between the last two versions."""

    id: int | None = Field(default=None, primary_key=True)
    version_id: str = Field(foreign_key="modelversion.id", max_length=80, index=True)
    activated_at: datetime = Field(default_factory=utcnow)
    activated_by: int | None = Field(default=None, foreign_key="apikey.id")
    undone_at: datetime | None = None


class ApiKey(SQLModel, table=True):
    """Only a SHA-256 of the key is stored; the key itself is shown once at creation."""

    id: int | None = Field(default=None, primary_key=True)
    prefix: str = Field(max_length=12, index=True)
    key_hash: str = Field(max_length=64, unique=True)
    role: Role
    country: str | None = Field(default=None, foreign_key="country.iso3", max_length=3)
    label: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class KeyRevision(SQLModel, table=True):
    """One row, counting every change to the API keys: a worker keeps the keys it has looked up
    while this number is the one it last read, so a revocation reaches every worker at once."""

    id: int = Field(default=1, primary_key=True)
    revision: int = 0


class PageSession(SQLModel, table=True):
    """A signed-in page session. The cookie carries only its random id; only a SHA-256 of the id is
    stored. Logging out ends it; revoking its key ends it too (the key is checked on every request)."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    key_id: int = Field(foreign_key="apikey.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None


class TrainingJob(SQLModel, table=True):
    """A background training or evaluation run, polled by the data scientist who started it."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="train", max_length=20)  # train, evaluate
    status: str = Field(default="queued", max_length=20)  # queued, running, done, failed
    ranker: str = Field(max_length=40)
    model_version: str | None = Field(default=None, max_length=80)
    error: str = Field(default="", max_length=2000)
    started_by: int | None = Field(default=None, foreign_key="apikey.id")
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class ImportJob(SQLModel, table=True):
    """An uploaded IATI or CSV file imported in the background (`POST /api/v1/imports`). `report`
    is the import's report when done; `errors` say what stopped it (file, line, element or field)."""

    id: int | None = Field(default=None, primary_key=True)
    format: str = Field(max_length=10)  # iati, csv
    file_name: str = Field(max_length=200)
    dry_run: bool = False
    status: str = Field(default="queued", max_length=20)  # queued, running, done, failed
    report: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    errors: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    started_by: int | None = Field(default=None, foreign_key="apikey.id")
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class ImportJobPublic(BaseModel):
    id: int
    format: str
    file_name: str
    dry_run: bool
    status: str
    report: dict[str, Any] | None
    errors: list[dict[str, Any]]
    created_at: datetime
    finished_at: datetime | None
