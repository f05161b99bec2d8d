"""SQLModel tables and request/response schemas. No logic lives here."""

from models.catalogue import CatalogueChange, Country, Facilitator, Provider
from models.follow_up import NeedClosure, NeedOutcome, TriadOutcome, TriadStage, UsedFormToken
from models.history import Partnership, PartnershipFacilitator, PartnershipProvider
from models.needs import Need, NeedCreate
from models.operations import ApiKey, KeyRevision, ModelActivation, ModelVersion, PageSession, TrainingJob
from models.suggestions import Review, Suggestion
from models.vocab import (
    Decision,
    FacilitatorKind,
    IncomeGroup,
    Modality,
    ModelStatus,
    NeedStatus,
    ProviderKind,
    Role,
)

__all__ = [
    "ApiKey",
    "CatalogueChange",
    "Country",
    "Decision",
    "Facilitator",
    "FacilitatorKind",
    "IncomeGroup",
    "KeyRevision",
    "Modality",
    "ModelActivation",
    "ModelStatus",
    "ModelVersion",
    "Need",
    "NeedClosure",
    "NeedCreate",
    "NeedOutcome",
    "NeedStatus",
    "PageSession",
    "Partnership",
    "PartnershipFacilitator",
    "PartnershipProvider",
    "Provider",
    "ProviderKind",
    "Review",
    "Role",
    "Suggestion",
    "TrainingJob",
    "TriadOutcome",
    "TriadStage",
    "UsedFormToken",
]
