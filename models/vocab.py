"""Enumerations and constrained field types shared by every table and schema."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

CONTROL_CHARACTERS = frozenset(chr(c) for c in range(32)) - {"\t", "\n", "\r"}


def printable(value: str) -> str:
    """Text a person typed holds no NUL or other control characters (tabs and line breaks aside)."""
    bad = next((ch for ch in value if ch in CONTROL_CHARACTERS), None)
    if bad is not None:
        raise ValueError(f"holds the control character U+{ord(bad):04X}, which no text may contain")
    return value


Printable = AfterValidator(printable)
ISO3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
SDG = Annotated[int, Field(ge=1, le=17)]
SectorCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{3}$")]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), Printable]
Alias = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), Printable]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000), Printable]
Word = Annotated[str, StringConstraints(max_length=100), Printable]  # a sector, modality or language word
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=500)]


class Modality(StrEnum):
    technical_assistance = "technical_assistance"
    training = "training"
    study_visit = "study_visit"
    expert_deployment = "expert_deployment"
    volunteers = "volunteers"
    knowledge_exchange = "knowledge_exchange"
    technology_transfer = "technology_transfer"
    financing = "financing"


class IncomeGroup(StrEnum):
    LIC = "LIC"
    LMC = "LMC"
    UMC = "UMC"
    HIC = "HIC"


class ProviderKind(StrEnum):
    country = "country"
    cooperation_agency = "cooperation_agency"
    centre_of_excellence = "centre_of_excellence"
    research_institute = "research_institute"
    public_agency = "public_agency"
    ngo = "ngo"
    fund = "fund"


class FacilitatorKind(StrEnum):
    un_entity = "un_entity"
    trust_fund = "trust_fund"
    development_bank = "development_bank"
    donor_agency = "donor_agency"
    regional_org = "regional_org"
    foundation = "foundation"
    southern_government = "southern_government"
    global_fund = "global_fund"


class NeedStatus(StrEnum):
    open = "open"
    closed = "closed"


class Decision(StrEnum):
    accept = "accept"
    reject = "reject"
    shortlist = "shortlist"
    unsure = "unsure"


class ModelStatus(StrEnum):
    candidate = "candidate"
    active = "active"
    retired = "retired"


class Role(StrEnum):
    country_office = "country_office"
    helpdesk = "helpdesk"
    data_scientist = "data_scientist"
    admin = "admin"
