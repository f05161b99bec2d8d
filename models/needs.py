"""A need: one request from a beneficiary country, in the shape used by CLI, API and notebooks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import ConfigDict
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.vocab import ISO3, SDG, LanguageCode, Modality, NeedStatus, Printable, SectorCode, Word


def utcnow() -> datetime:
    return datetime.now(UTC)


class NeedCreate(SQLModel):
    """A need as a country office writes it: free words, resolved by the engine."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "country": "MOZ",
                    "title": "School feeding from smallholder farms",
                    "text": "Programa nacional de alimentação escolar com compras locais.",
                    "sdg": [2, 4],
                    "sector": ["school feeding"],
                    "modality": ["technical assistance"],
                    "language": ["pt"],
                    "budget_usd": 250000,
                    "k": 10,
                }
            ]
        },
    )  # type: ignore[assignment]

    country: Annotated[str, Printable] = Field(
        min_length=2, max_length=100, description="ISO3 code or country name"
    )
    title: Annotated[str, Printable] = Field(default="", max_length=300)
    text: Annotated[str, Printable] = Field(min_length=1, max_length=20000)
    sdg: list[SDG] = Field(default_factory=list, max_length=17)
    sector: list[Word] = Field(default_factory=list, max_length=20)
    modality: list[Word] = Field(default_factory=list, max_length=8)
    language: list[Word] = Field(
        default_factory=list, max_length=10, description="ISO 639-1 codes or names ('pt', 'português')"
    )
    budget_usd: int | None = Field(default=None, ge=0, le=10_000_000_000)
    k: int = Field(default=10, ge=1, le=100)


class NeedBase(SQLModel):
    """A need as resolved: codes, not words."""

    country: ISO3 = Field(foreign_key="country.iso3", max_length=3, index=True)
    title: str = Field(default="", max_length=300)
    text: str = Field(max_length=20000)
    sdgs: list[SDG] = Field(default_factory=list, sa_column=Column(JSON))
    sectors: list[SectorCode] = Field(default_factory=list, sa_column=Column(JSON))
    modalities: list[Modality] = Field(default_factory=list, sa_column=Column(JSON))
    languages: list[LanguageCode] = Field(default_factory=list, sa_column=Column(JSON))
    budget_usd: int | None = Field(default=None, ge=0)
    # sector and modality words that matched no term: {"field", "word", "closest"}, kept with the need
    unmatched_terms: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))


class Need(NeedBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    status: NeedStatus = Field(default=NeedStatus.open, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    created_by: int | None = Field(default=None, foreign_key="apikey.id")
