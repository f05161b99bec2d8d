"""Real past partnerships: who helped whom, with whose support, on what, when."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ConfigDict
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.vocab import ISO3, SDG, Description, Modality, SectorCode, ShortText


class PartnershipBase(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    id: str = Field(primary_key=True, max_length=40)
    title: ShortText = Field(max_length=300)
    year_start: int | None = Field(default=None, ge=1950, le=2100)
    beneficiaries: list[ISO3] = Field(default_factory=list, sa_column=Column(JSON))
    beneficiary_region: str = Field(default="", max_length=200)
    sectors: list[SectorCode] = Field(default_factory=list, sa_column=Column(JSON))
    sector_words: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    sdgs: list[SDG] = Field(default_factory=list, sa_column=Column(JSON))
    modalities: list[Modality] = Field(default_factory=list, sa_column=Column(JSON))
    description: Description = Field(default="", max_length=4000)
    source_url: str = Field(default="", max_length=500)
    source_name: str = Field(default="", max_length=300)
    # Brought in by `sstc import`: "iati:<file name>" or "csv:<file name>"; empty for the seeded history.
    imported_from: str = Field(default="", max_length=300)
    # The activity's own key in an IATI file; the partnership id is derived from it.
    iati_identifier: str | None = Field(default=None, max_length=200)
    # Names in the source that matched nothing in the catalogue; kept so they are never lost.
    unresolved: list[str] = Field(default_factory=list, sa_column=Column(JSON))


class Partnership(PartnershipBase, table=True):
    pass


class PartnershipProvider(SQLModel, table=True):
    """One provider of a partnership: the country profile, and the institution when named."""

    partnership_id: str = Field(foreign_key="partnership.id", primary_key=True, max_length=40)
    provider_id: str = Field(foreign_key="provider.id", primary_key=True, max_length=40)


class PartnershipFacilitator(SQLModel, table=True):
    partnership_id: str = Field(foreign_key="partnership.id", primary_key=True, max_length=40)
    facilitator_id: str = Field(foreign_key="facilitator.id", primary_key=True, max_length=40)


@dataclass
class PartnershipRecord:
    """A partnership of the history with the catalogue ids of its providers and facilitators."""

    partnership: PartnershipBase
    provider_ids: list[str] = field(default_factory=list)
    facilitator_ids: list[str] = field(default_factory=list)
