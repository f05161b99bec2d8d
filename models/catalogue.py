"""Countries, providers and facilitators: the catalogue the engine matches against.

Providers and facilitators are two tables, not one organisation table with roles: they carry
different facts (a provider has capabilities and regions served; a facilitator has eligibility
rules and a funding window) and the engine scores them differently. An organisation that plays
both parts in the history (a WFP centre of excellence, say) has one row in each.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import ConfigDict
from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.vocab import (
    ISO3,
    SDG,
    Alias,
    Description,
    FacilitatorKind,
    IncomeGroup,
    LanguageCode,
    Modality,
    ProviderKind,
    SectorCode,
    ShortText,
    Url,
)

# The IATI rule for organisation identifiers: no spaces, slashes, '?', '#' or '&'.
IATI_ORG_ID = r"^[A-Za-z0-9][^\s/?#&]*$"


class CountryBase(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    iso3: ISO3 = Field(primary_key=True, max_length=3)
    iso2: str = Field(max_length=2, regex=r"^[A-Z]{2}$")
    m49: int | None = Field(default=None, ge=0, le=999)  # Kosovo has none
    name: ShortText = Field(max_length=200)
    official_name: str = Field(default="", max_length=300)
    aliases: list[Alias] = Field(default_factory=list, sa_column=Column(JSON))
    region: str = Field(default="", max_length=60)
    sub_region: str = Field(default="", max_length=60)
    intermediate_region: str = Field(default="", max_length=60)
    income_group: IncomeGroup | None = None
    languages: list[LanguageCode] = Field(default_factory=list, sa_column=Column(JSON))
    capital: str = Field(default="", max_length=100)
    capital_lat: float | None = Field(default=None, ge=-90, le=90)
    capital_lon: float | None = Field(default=None, ge=-180, le=180)
    ldc: bool = False
    lldc: bool = False
    sids: bool = False
    g7plus: bool = False
    fragile: bool = False
    dac_member: bool = False  # OECD DAC member: a Northern donor, never a Southern provider
    un_member: bool = False


class Country(CountryBase, table=True):
    pass


class ProviderBase(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    id: str = Field(primary_key=True, max_length=40, regex=r"^[A-Z]{3}(-[A-Z0-9-]{1,36})?$")
    name: ShortText = Field(max_length=200)
    kind: ProviderKind
    country: ISO3 = Field(foreign_key="country.iso3", max_length=3, index=True)
    parent: str | None = Field(default=None, foreign_key="provider.id", max_length=40)
    acronym: str | None = Field(default=None, max_length=40)
    aliases: list[Alias] = Field(default_factory=list, sa_column=Column(JSON))
    sdgs: list[SDG] = Field(default_factory=list, sa_column=Column(JSON))
    sectors: list[SectorCode] = Field(default_factory=list, sa_column=Column(JSON))
    modalities: list[Modality] = Field(default_factory=list, sa_column=Column(JSON))
    languages: list[LanguageCode] = Field(default_factory=list, sa_column=Column(JSON))
    regions: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    description: Description = Field(default="", max_length=4000)
    website: Url | None = Field(default=None, max_length=500)
    # IATI organisation identifier ("XM-DAC-41114") and OECD CRS channel code ("41114"), where known.
    iati_org_id: str | None = Field(default=None, max_length=100, regex=IATI_ORG_ID)
    crs_channel_code: str | None = Field(default=None, max_length=5, regex=r"^[0-9]{5}$")


class Provider(ProviderBase, table=True):
    pass


class FacilitatorBase(SQLModel):
    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]

    id: str = Field(primary_key=True, max_length=40, regex=r"^[A-Z0-9][A-Z0-9-]{0,39}$")
    name: ShortText = Field(max_length=200)
    acronym: str | None = Field(default=None, max_length=40)
    aliases: list[Alias] = Field(default_factory=list, sa_column=Column(JSON))
    kind: FacilitatorKind
    sdgs: list[SDG] = Field(default_factory=list, sa_column=Column(JSON))
    sectors: list[SectorCode] = Field(default_factory=list, sa_column=Column(JSON))
    regions: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    countries: list[ISO3] = Field(default_factory=list, sa_column=Column(JSON))
    income_groups: list[IncomeGroup] = Field(default_factory=list, sa_column=Column(JSON))
    modalities: list[Modality] = Field(default_factory=list, sa_column=Column(JSON))
    funding_min_usd: int | None = Field(default=None, ge=0)
    funding_max_usd: int | None = Field(default=None, ge=0)
    languages: list[LanguageCode] = Field(default_factory=list, sa_column=Column(JSON))
    description: Description = Field(default="", max_length=4000)
    website: Url | None = Field(default=None, max_length=500)
    # IATI organisation identifier ("XM-DAC-41114") and OECD CRS channel code ("41114"), where known.
    iati_org_id: str | None = Field(default=None, max_length=100, regex=IATI_ORG_ID)
    crs_channel_code: str | None = Field(default=None, max_length=5, regex=r"^[0-9]{5}$")


class Facilitator(FacilitatorBase, table=True):
    pass


class CatalogueChange(SQLModel, table=True):
    """Audit trail of the catalogue: every update of a provider or facilitator, before and after."""

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=20, index=True)  # provider, facilitator
    entity_id: str = Field(max_length=40, index=True)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    changed_by: str = Field(max_length=60)  # "key 3 (admin)" or "seed"
    changed_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
