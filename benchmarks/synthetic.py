"""A seeded synthetic catalogue of any size: real countries and taxonomy words, fake organisations.

Descriptions are 40-70 words drawn from the taxonomy's English keywords of 2-3 sectors plus common
words, so text, tags and history behave like the real catalogue at a larger scale.
"""

from __future__ import annotations

import numpy as np

from features.catalogue import Catalogue
from features.catalogue_files import read_countries
from features.paths import fixtures_dir
from features.taxonomy import default_taxonomy
from models.catalogue import FacilitatorBase, ProviderBase
from models.history import PartnershipBase, PartnershipRecord

FILLER = [
    "programme",
    "national",
    "support",
    "capacity",
    "institutions",
    "local",
    "communities",
    "experience",
    "results",
    "partners",
    "strengthen",
    "improve",
    "develop",
    "systems",
    "access",
    "services",
    "rural",
    "urban",
    "women",
    "youth",
    "policy",
    "training",
    "management",
    "quality",
    "planning",
    "data",
    "public",
    "private",
    "model",
    "pilot",
    "scale",
    "regional",
]
MODALITIES = ["technical_assistance", "training", "study_visit", "expert_deployment", "volunteers",
              "knowledge_exchange", "technology_transfer", "financing"]  # fmt: skip
REGIONS = ["Sub-Saharan Africa", "Latin America and the Caribbean", "Southern Asia", "South-eastern Asia",
           "Western Asia", "Northern Africa", "Melanesia", "Central Asia"]  # fmt: skip


def _text(rng: np.random.Generator, sectors: list[str], keywords: dict[str, list[str]], words: int) -> str:
    pool = [k for s in sectors for k in keywords[s]]
    chosen = list(rng.choice(pool, size=min(len(pool), 8), replace=False)) + list(
        rng.choice(FILLER, size=words)
    )
    rng.shuffle(chosen)
    return " ".join(chosen).capitalize() + "."


def synthetic_catalogue(
    providers: int, facilitators: int = 500, partnerships: int = 1000, seed: int = 0
) -> Catalogue:
    rng = np.random.default_rng(seed)
    taxonomy = default_taxonomy()
    sectors = [c for c in taxonomy.codes("sector") if c not in ("510", "530", "600", "910", "930", "998")]
    keywords: dict[str, list[str]] = {}
    for code in sectors:
        term = taxonomy.terms["sector"][code]
        keywords[code] = sorted({k for k, t in taxonomy._index.items() if term in t and len(k) > 3})[:40] or [
            term.name
        ]
    countries = read_countries(fixtures_dir() / "countries.csv")
    south = [c.iso3 for c in countries if not c.dac_member and c.un_member]

    def pick_sectors() -> list[str]:
        return sorted(rng.choice(sectors, size=int(rng.integers(2, 4)), replace=False).tolist())

    provider_rows = []
    for i in range(providers):
        chosen = pick_sectors()
        iso3 = str(rng.choice(south))
        provider_rows.append(
            ProviderBase(
                id=f"{iso3}-S{i:06d}",
                name=f"Synthetic provider {i}",
                kind="public_agency",
                country=iso3,
                sdgs=sorted({g for s in chosen for g in taxonomy.terms["sector"][s].sdgs}),
                sectors=chosen,
                modalities=sorted(rng.choice(MODALITIES, size=3, replace=False).tolist()),
                languages=sorted(rng.choice(["en", "fr", "es", "pt", "ar"], size=2, replace=False).tolist()),
                regions=sorted(rng.choice(REGIONS, size=2, replace=False).tolist()),
                description=_text(rng, chosen, keywords, int(rng.integers(40, 70))),
            )
        )
    facilitator_rows = []
    for i in range(facilitators):
        chosen = pick_sectors()
        restricted = rng.random() < 0.3
        facilitator_rows.append(
            FacilitatorBase(
                id=f"SYN-F{i:04d}",
                name=f"Synthetic facilitator {i}",
                kind="trust_fund",
                sdgs=sorted({g for s in chosen for g in taxonomy.terms["sector"][s].sdgs}),
                sectors=chosen,
                regions=sorted(rng.choice(REGIONS, size=2, replace=False).tolist()) if restricted else [],
                modalities=sorted(rng.choice(MODALITIES, size=4, replace=False).tolist()),
                languages=["en", "fr"],
                description=_text(rng, chosen, keywords, int(rng.integers(40, 70))),
            )
        )
    history = []
    for i in range(partnerships):
        provider = provider_rows[int(rng.integers(0, providers))]
        facilitator = facilitator_rows[int(rng.integers(0, facilitators))]
        beneficiary = str(rng.choice([c for c in south[:120] if c != provider.country]))
        history.append(
            PartnershipRecord(
                PartnershipBase(
                    id=f"SYN-{i:06d}",
                    title=f"Synthetic partnership {i}",
                    year_start=int(rng.integers(2000, 2025)),
                    beneficiaries=[beneficiary],
                    sectors=provider.sectors[:2],
                    sdgs=provider.sdgs[:2],
                    modalities=provider.modalities[:1],
                    description=_text(rng, provider.sectors, keywords, 25),
                ),
                [provider.id],
                [facilitator.id] if rng.random() < 0.8 else [],
            )
        )
    return Catalogue(countries, provider_rows, facilitator_rows, history)
