"""Find a catalogue organisation by the identifiers sources carry, then by its name.

An IATI file names an organisation by `ref` (an IATI organisation identifier, "XM-DAC-41114"),
sometimes by `crs-channel-code`, and by narrative names in any language. Identifiers are matched
exactly, never fuzzily: "XM-DAC-41119" (UNFPA) is one digit away from UNDP's "XM-DAC-41114".
The identifier of a multilateral is, by IATI's rule, "XM-DAC-" and its CRS channel code, and some
publishers write the bare code: a channel code answers for both forms.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from features.names import Candidate, NameResolver, Resolution
from models.catalogue import FacilitatorBase, ProviderBase

Organisation = ProviderBase | FacilitatorBase


def organisation_names(org: Organisation) -> list[str]:
    """Every name an organisation is written by: its name, acronym and aliases."""
    return [org.name, *([org.acronym] if org.acronym else []), *org.aliases]


def identifiers_of(org: Organisation) -> list[str]:
    """The identifier forms that mean this organisation, in a canonical case."""
    forms = [org.iati_org_id] if org.iati_org_id else []
    if org.crs_channel_code:
        forms += [org.crs_channel_code, f"XM-DAC-{org.crs_channel_code}"]
    return [canonical(form) for form in forms]


def canonical(identifier: str) -> str:
    return identifier.strip().upper()


class OrganisationIds:
    """Organisations by identifier first, then by name (the `NameResolver` rules for names)."""

    def __init__(self, orgs: Sequence[Organisation]) -> None:
        self._by_identifier: dict[str, str] = {}
        for org in orgs:
            for identifier in identifiers_of(org):
                self._by_identifier.setdefault(identifier, org.id)
        self.names = NameResolver({o.id: organisation_names(o) for o in orgs})

    def by_identifier(self, identifier: str) -> str | None:
        return self._by_identifier.get(canonical(identifier)) if identifier.strip() else None

    def resolve(self, identifiers: Iterable[str] = (), names: Iterable[str] = ()) -> str | None:
        """The first identifier that is known, else the first name that resolves, else None."""
        for identifier in identifiers:
            if found := self.by_identifier(identifier):
                return found
        for name in names:
            if name.strip() and (found := self.resolve_organisation(name).id):
                return found
        return None

    def resolve_organisation(self, text: str) -> Resolution:
        """A name as a person writes it ("UNDP / PNUD"), or an identifier typed as the name."""
        found = self.by_identifier(text)
        if found is not None:
            return Resolution(text, found, 1.0)
        return self.names.resolve_organisation(text)

    def closest(self, query: str, limit: int = 5) -> list[Candidate]:
        return self.names.closest(query, limit)
