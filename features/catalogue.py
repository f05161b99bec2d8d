"""The catalogue in memory: countries, providers, facilitators and the partnership history.

Read from catalogue files (`load_catalogue_files`) or from the database (`api/`), it is what the
engine fits on. `snapshot()` names its exact content, for a model's provenance.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from features.catalogue_files import read_countries, read_facilitators, read_providers
from features.errors import EmptyCatalogueError
from features.names import NameResolver
from features.organisation_ids import OrganisationIds
from features.partnership_reader import PartnershipReader
from features.paths import fixtures_dir
from features.taxonomy import Taxonomy
from features.vocabulary import Vocabulary
from models.catalogue import CountryBase, FacilitatorBase, ProviderBase
from models.history import PartnershipRecord


@dataclass
class Catalogue:
    countries: list[CountryBase]
    providers: list[ProviderBase]
    facilitators: list[FacilitatorBase]
    partnerships: list[PartnershipRecord] = field(default_factory=list)

    @cached_property
    def country_by_iso3(self) -> dict[str, CountryBase]:
        return {c.iso3: c for c in self.countries}

    @cached_property
    def provider_by_id(self) -> dict[str, ProviderBase]:
        return {p.id: p for p in self.providers}

    @cached_property
    def facilitator_by_id(self) -> dict[str, FacilitatorBase]:
        return {f.id: f for f in self.facilitators}

    @cached_property
    def countries_resolver(self) -> NameResolver:
        return country_resolver(self.countries)

    @cached_property
    def facilitator_lookup(self) -> OrganisationIds:
        return organisation_resolver(self.facilitators)

    @cached_property
    def provider_lookup(self) -> OrganisationIds:
        return organisation_resolver(self.providers)

    def require_trainable(self) -> None:
        """Raise `EmptyCatalogueError` naming every part a model cannot be trained without."""
        parts = {
            "providers": self.providers,
            "facilitators": self.facilitators,
            "partnerships": self.partnerships,
        }
        if missing := [name for name, rows in parts.items() if not rows]:
            raise EmptyCatalogueError(missing)

    def snapshot(self) -> str:
        """A short content hash: equal catalogues give equal snapshots, whatever their order."""
        content = {
            "countries": sorted((c.model_dump(mode="json") for c in self.countries), key=lambda c: c["iso3"]),
            "providers": sorted((p.model_dump(mode="json") for p in self.providers), key=lambda p: p["id"]),
            "facilitators": sorted(
                (f.model_dump(mode="json") for f in self.facilitators), key=lambda f: f["id"]
            ),
            "partnerships": sorted(
                (
                    r.partnership.id,
                    r.partnership.model_dump(mode="json"),
                    sorted(r.provider_ids),
                    sorted(r.facilitator_ids),
                )
                for r in self.partnerships
            ),
        }
        digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
        return f"catalogue-{digest[:16]}"


def country_resolver(countries: list[CountryBase]) -> NameResolver:
    return NameResolver({c.iso3: [c.name, c.iso2, c.official_name, *c.aliases] for c in countries})


def organisation_resolver(orgs: Sequence[ProviderBase | FacilitatorBase]) -> OrganisationIds:
    """Organisations by identifier ("XM-DAC-41114") or by name ("UNDP / PNUD")."""
    return OrganisationIds(orgs)


def catalogue_vocabulary(countries: Sequence[CountryBase], taxonomy: Taxonomy) -> Vocabulary:
    return Vocabulary(
        countries=frozenset(c.iso3 for c in countries),
        sectors=frozenset(taxonomy.codes("sector")),
    )


def partnership_reader(catalogue: Catalogue, taxonomy: Taxonomy) -> PartnershipReader:
    """Reads rows in the history file's columns onto this catalogue's ids."""
    resolver = catalogue.countries_resolver
    return PartnershipReader(
        vocab=catalogue_vocabulary(catalogue.countries, taxonomy),
        taxonomy=taxonomy,
        providers=catalogue.providers,
        facilitators=catalogue.facilitator_lookup,
        resolve_country=lambda name: resolver.resolve(name).id,
    )


def load_catalogue_files(directory: Path | None = None, taxonomy: Taxonomy | None = None) -> Catalogue:
    """Read and validate every catalogue file; the first bad row raises `RowError`."""
    directory = directory or fixtures_dir()
    taxonomy = taxonomy or Taxonomy.load(directory / "taxonomy")
    countries = read_countries(directory / "countries.csv")
    vocab = catalogue_vocabulary(countries, taxonomy)
    providers = read_providers(directory / "providers.jsonl", vocab)
    facilitators = read_facilitators(directory / "facilitators.jsonl", vocab)
    catalogue = Catalogue(countries, providers, facilitators)
    catalogue.partnerships = partnership_reader(catalogue, taxonomy).read(directory / "partnerships.csv")
    return catalogue
