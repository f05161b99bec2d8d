"""A hand-made catalogue of a few rows (real countries, made-up organisations) for contract tests.

Brazil is planted as the school-feeding provider of Mozambique and Angola with the fund SFF;
India as the solar provider of Kenya and Ethiopia with the bank SOLB.
"""

from __future__ import annotations

from features.catalogue import Catalogue
from models.catalogue import CountryBase, FacilitatorBase, ProviderBase
from models.history import PartnershipBase, PartnershipRecord


def _provider(
    iso3: str, name: str, sectors: list[str], sdgs: list[int], text: str, **extra: object
) -> ProviderBase:
    return ProviderBase.model_validate(
        {"id": iso3, "name": name, "kind": "country", "country": iso3, "sectors": sectors, "sdgs": sdgs,
         "languages": extra.get("languages", ["en"]), "regions": extra.get("regions", []),
         "modalities": ["technical_assistance", "training"], "description": text}
    )  # fmt: skip


def _facilitator(fid: str, name: str, sectors: list[str], text: str) -> FacilitatorBase:
    return FacilitatorBase.model_validate(
        {"id": fid, "name": name, "kind": "trust_fund", "sectors": sectors, "languages": ["en", "pt"],
         "description": text}
    )  # fmt: skip


PROVIDERS = [
    _provider("BRA", "Brazil", ["112"], [2, 4], "School feeding programmes buying food from smallholder "
              "family farmers for school meals.", languages=["pt", "en"], regions=["Sub-Saharan Africa"]),
    _provider("IND", "India", ["232"], [7], "Solar energy, off-grid solar mini-grids and rural "
              "electrification training.", regions=["Eastern Africa"]),
    _provider("CHL", "Chile", ["740"], [11], "Disaster risk management, earthquake early warning."),
    _provider("VNM", "Viet Nam", ["311"], [2], "Rice farming and irrigation for smallholder farmers."),
    _provider("EGY", "Egypt", ["121"], [3], "Primary health care and hospital management."),
    _provider("MEX", "Mexico", ["151"], [16], "Public administration, tax collection, statistics."),
]  # fmt: skip
FACILITATORS = [
    _facilitator("SFF", "School Food Fund", ["112"], "A fund for school meals and nutrition."),
    _facilitator("SOLB", "Solar Bank", ["232"], "A bank lending for solar energy and electrification."),
    _facilitator("GOVF", "Governance Facility", ["151"], "Support for public administration reform."),
]


def _partnership(
    pid: str, year: int, beneficiary: str, provider: str, facilitator: str, sectors: list[str], text: str
) -> PartnershipRecord:
    p = PartnershipBase(id=pid, title=text[:40], year_start=year, beneficiaries=[beneficiary],
                        sectors=sectors, description=text)  # fmt: skip
    return PartnershipRecord(p, [provider], [facilitator])


PARTNERSHIPS = [
    _partnership("T-01", 2010, "MOZ", "BRA", "SFF", ["112"], "School meals bought from smallholder farmers."),
    _partnership("T-02", 2012, "AGO", "BRA", "SFF", ["112"], "National school feeding with family farming."),
    _partnership("T-03", 2014, "GNB", "BRA", "SFF", ["112"], "School feeding and local food purchase."),
    _partnership("T-04", 2011, "KEN", "IND", "SOLB", ["232"], "Solar mini-grids for rural villages."),
    _partnership("T-05", 2013, "ETH", "IND", "SOLB", ["232"], "Off-grid solar electrification training."),
    _partnership("T-06", 2015, "TZA", "IND", "SOLB", ["232"], "Solar home systems and technicians."),
    _partnership("T-07", 2012, "HTI", "CHL", "GOVF", ["740"], "Earthquake early warning and preparedness."),
    _partnership("T-08", 2014, "LAO", "VNM", "GOVF", ["311"], "Irrigated rice farming for smallholders."),
    _partnership("T-09", 2016, "SDN", "EGY", "GOVF", ["121"], "Primary health care centres."),
    _partnership("T-10", 2016, "GTM", "MEX", "GOVF", ["151"], "Tax administration and statistics."),
]  # fmt: skip

STRONG_NEED = {
    "country": "MWI",
    "text": "School meals bought from smallholder farmers: national school feeding with family farming.",
    "sdg": [2, 4],
    "sector": ["basic education"],
}
WEAK_NEED = {"country": "MWI", "text": "Zyxwv qoplk"}


def tiny_catalogue(countries: list[CountryBase]) -> Catalogue:
    """The rows above, with the real country facts of the fixture catalogue."""
    return Catalogue(countries, list(PROVIDERS), list(FACILITATORS), list(PARTNERSHIPS))
