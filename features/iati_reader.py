"""Read IATI activity files (activity standard 2.01-2.03) into partnerships of the history.

An activity is a triangular partnership when its collaboration type is 8 ("bilateral, triangular
co-operation"), or when a Southern organisation implements it (participating-org role 4, from a
country other than the recipients) and a separate organisation funds (role 1) or extends (role 3)
it. Every other activity is skipped with its reason. Organisations are found by identifier first,
then by any of their narrative names; what matches nothing is kept on the partnership as
`unresolved` ("provider: <name>"), like the history file's reader does.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote
from xml.etree.ElementTree import Element

from features.catalogue import Catalogue, catalogue_vocabulary
from features.iati_xml import XmlDocument, parse_xml
from features.taxonomy import Taxonomy
from features.vocabulary import validate_row
from models.history import PartnershipBase, PartnershipRecord

TRIANGULAR = "8"
FUNDING, EXTENDING, IMPLEMENTING = "1", "3", "4"
SECTOR_VOCABULARIES = {"1": "dac-5", "2": "dac-3", "7": "sdg-goal", "8": "sdg-target"}
SDG_TAG_VOCABULARIES = ("2", "3")  # UN SDG goals, UN SDG targets ("2.4" -> goal 2)
ACTIVITY_URL = "https://d-portal.org/ctrack.html#view=act&aid={}"
_GOAL = re.compile(r"^\s*(\d{1,2})(?:\.\w+)?\s*$")


@dataclass(frozen=True)
class Skipped:
    id: str
    why: str


@dataclass
class IatiBatch:
    records: list[PartnershipRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True)
class Participant:
    role: str
    identifiers: tuple[str, ...]
    names: tuple[str, ...]

    @property
    def label(self) -> str:
        return next(iter(self.names or self.identifiers), "")


@dataclass(frozen=True)
class Found:
    """What a participating organisation is in the catalogue, seen from one activity."""

    southern: str | None  # a provider from a Southern country that is not a recipient
    facilitator: str | None
    country: str | None  # the provider's country, when it is a provider at all
    local: bool  # a provider of a recipient country: the beneficiary side, not a partner


def _not_triangular(collaboration: str, implementers: list[Found], funders: list[Found]) -> str:
    """Why an activity without collaboration-type 8 is not triangular; empty when it is."""
    kind = f"collaboration-type {collaboration}" if collaboration else "no collaboration-type"
    countries = {org.country for org in implementers if org.southern}
    if not countries:
        return f"{kind} and no Southern implementing organisation from outside the recipient countries"
    if any(org.country not in countries and not org.local for org in funders):
        return ""
    outside = "from outside the implementer's and the recipients' countries"
    return f"{kind} and no funding or extending organisation {outside}"


def partnership_id(iati_identifier: str) -> str:
    """A stable id within the 40 characters of the table, whatever the identifier's length."""
    return "IATI-" + hashlib.sha256(iati_identifier.encode()).hexdigest()[:12].upper()


@dataclass
class IatiReader:
    catalogue: Catalogue
    taxonomy: Taxonomy

    def __post_init__(self) -> None:
        self._iso3 = {c.iso2: c.iso3 for c in self.catalogue.countries}
        self._sectors = frozenset(self.taxonomy.codes("sector"))
        self._vocab = catalogue_vocabulary(self.catalogue.countries, self.taxonomy)
        # A file names the same few organisations in thousands of activities: resolve each once.
        self._resolved: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str | None, str | None]] = {}

    def read(self, paths: Sequence[Path]) -> IatiBatch:
        """Every file is read before anything is returned: the first malformed one raises `XmlError`."""
        batch = IatiBatch()
        seen: dict[str, str] = {}
        for path in paths:
            document = parse_xml(path)
            for activity in _activities(document):
                identifier = _text(activity.find("iati-identifier"))
                where = f"{document.file}, line {document.line(activity)}"
                if not identifier:
                    batch.skipped.append(Skipped(where, "no iati-identifier"))
                elif identifier in seen:
                    batch.skipped.append(Skipped(identifier, f"read already ({seen[identifier]})"))
                else:
                    seen[identifier] = where
                    read = self.read_activity(document, activity, identifier)
                    if isinstance(read, Skipped):
                        batch.skipped.append(read)
                    else:
                        batch.records.append(read)
        return batch

    def read_activity(
        self, document: XmlDocument, activity: Element, identifier: str
    ) -> PartnershipRecord | Skipped:
        unresolved: list[str] = []
        beneficiaries = []
        for element in _with_transactions(activity, "recipient-country"):
            code = element.get("code", "").strip().upper()
            iso3 = self._iso3.get(code)
            if iso3 is None:
                unresolved.append(f"beneficiary: {code}")
            elif iso3 not in beneficiaries:
                beneficiaries.append(iso3)
        if not beneficiaries:
            return Skipped(identifier, "no recipient-country that is in the catalogue")
        participants = [_participant(org) for org in activity.findall("participating-org")]
        found = {p: self._organisation(p, beneficiaries) for p in participants}
        implementers = [p for p in participants if p.role == IMPLEMENTING]
        funders = [p for p in participants if p.role in (FUNDING, EXTENDING)]
        collaboration = _attribute(activity.find("collaboration-type"), "code")
        if collaboration != TRIANGULAR:
            why = _not_triangular(
                collaboration, [found[p] for p in implementers], [found[p] for p in funders]
            )
            if why:
                return Skipped(identifier, why)
        provider_ids: list[str] = []
        facilitator_ids: list[str] = []
        for participant in [*implementers, *funders]:
            org = found[participant]
            implementing = participant.role == IMPLEMENTING
            if org.southern and (implementing or not org.facilitator):
                _add(provider_ids, org.southern)
            elif org.facilitator:
                _add(facilitator_ids, org.facilitator)
            elif not org.local and participant.label:
                unresolved.append(f"{'provider' if implementing else 'facilitator'}: {participant.label}")
        sector_codes, sdgs, sector_words = self._sectors_and_sdgs(activity, unresolved)
        title = _narrative(activity.find("title"), activity) or identifier
        description = _narrative(_general_description(activity), activity)
        record = {
            "id": partnership_id(identifier),
            "title": title[:300],
            "year_start": _start_year(document, activity),
            "beneficiaries": beneficiaries,
            "sectors": sector_codes,
            "sector_words": sector_words,
            "sdgs": sdgs,
            "modalities": self.taxonomy.tag(f"{title}. {description}").codes("modality"),
            "description": description[:4000],
            "source_url": ACTIVITY_URL.format(quote(identifier, safe="")),
            "source_name": _source_name(document, activity)[:300],
            "imported_from": f"iati:{document.file}"[:300],
            "iati_identifier": identifier,
            "unresolved": unresolved,
        }
        path = Path(document.file)
        partnership = validate_row(PartnershipBase, record, path, document.line(activity), self._vocab)
        return PartnershipRecord(partnership, provider_ids, facilitator_ids)

    def _organisation(self, participant: Participant, beneficiaries: list[str]) -> Found:
        key = (participant.identifiers, participant.names)
        if key not in self._resolved:
            self._resolved[key] = (
                self.catalogue.provider_lookup.resolve(*key),
                self.catalogue.facilitator_lookup.resolve(*key),
            )
        provider, facilitator = self._resolved[key]
        country = self.catalogue.provider_by_id[provider].country if provider else None
        profile = self.catalogue.country_by_iso3.get(country) if country else None
        northern = profile is not None and profile.dac_member
        southern = provider if country and country not in beneficiaries and not northern else None
        return Found(southern, facilitator, country, local=country in beneficiaries)

    def _sectors_and_sdgs(
        self, activity: Element, unresolved: list[str]
    ) -> tuple[list[str], list[int], list[str]]:
        sectors: set[str] = set()
        goals: set[int] = set()
        words: list[str] = []
        for element in _with_transactions(activity, "sector"):
            code = element.get("code", "").strip()
            kind = SECTOR_VOCABULARIES.get(element.get("vocabulary", "1").strip())
            if kind in ("dac-5", "dac-3"):
                category = code[:3]
                if category in self._sectors and code.isdigit() and len(code) == int(kind[-1]):
                    sectors.add(category)
                else:
                    unresolved.append(f"sector: {code}")
            elif kind in ("sdg-goal", "sdg-target"):
                goals.update(_goals([code]))
            if (name := _narrative(element, activity)) and name not in words:
                words.append(name)
        tags = [
            t.get("code", "") for t in activity.findall("tag") if t.get("vocabulary") in SDG_TAG_VOCABULARIES
        ]
        goals.update(_goals(tags))
        return sorted(sectors), sorted(goals), words


def _activities(document: XmlDocument) -> list[Element]:
    root = document.root
    if root.tag != "iati-activities":
        raise document.error(root, "is not an IATI activity file (the root must be <iati-activities>)")
    version = root.get("version", "").strip()
    if not version.startswith("2.0"):
        raise document.error(root, f"has version {version or 'none'!r}: only the 2.0x standard is read")
    return root.findall("iati-activity")


def _participant(org: Element) -> Participant:
    identifiers = tuple(i for i in (org.get("ref", "").strip(), org.get("crs-channel-code", "").strip()) if i)
    names = tuple(n for n in (_text(n) for n in org.findall("narrative")) if n)
    return Participant(org.get("role", "").strip(), identifiers, names)


def _narrative(element: Element | None, activity: Element) -> str:
    """English if given, else the activity's default language, else the first narrative written."""
    if element is None:
        return ""
    default = activity.get("xml:lang", "").lower()
    texts = [(n.get("xml:lang", default).lower(), _text(n)) for n in element.findall("narrative")]
    texts = [(lang, text) for lang, text in texts if text]
    for wanted in ("en", default):
        if chosen := next((text for lang, text in texts if lang == wanted), ""):
            return chosen
    return texts[0][1] if texts else ""


def _general_description(activity: Element) -> Element | None:
    descriptions = activity.findall("description")
    general = [d for d in descriptions if d.get("type", "1") == "1"]
    return next(iter(general or descriptions), None)


def _start_year(document: XmlDocument, activity: Element) -> int | None:
    """The actual start date (activity-date type 2), else the planned one (type 1)."""
    for wanted in ("2", "1"):
        for element in activity.findall("activity-date"):
            if element.get("type") == wanted:
                iso = element.get("iso-date", "").strip()
                try:
                    return date.fromisoformat(iso).year
                except ValueError as exc:
                    raise document.error(element, f"iso-date {iso!r} is not a date (YYYY-MM-DD)") from exc
    return None


def _source_name(document: XmlDocument, activity: Element) -> str:
    reporter = activity.find("reporting-org")
    name = _narrative(reporter, activity) or _attribute(reporter, "ref")
    return f"IATI activity file {document.file}" + (f", reported by {name}" if name else "")


def _goals(codes: Iterable[str]) -> set[int]:
    return {int(m.group(1)) for c in codes if (m := _GOAL.match(c)) and 1 <= int(m.group(1)) <= 17}


def _with_transactions(activity: Element, tag: str) -> list[Element]:
    """The activity's elements of a kind, and its transactions' (the standard allows either)."""
    return [*activity.findall(tag), *activity.findall(f"transaction/{tag}")]


def _attribute(element: Element | None, name: str) -> str:
    return element.get(name, "").strip() if element is not None else ""


def _text(element: Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def _add(ids: list[str], found: str) -> None:
    if found not in ids:
        ids.append(found)
