"""The catalogue's names in the page's language: taxonomy terms by their names in the taxonomy's
four languages, countries by Babel's (CLDR) names, UN M49 regions from the pages' catalogue; in
English, as the catalogue holds them."""

from __future__ import annotations

from babel import Locale

from api.pages.page_language import DEFAULT, N_, current_locale, gettext, translations
from api.triad_follow_up import HELP_DESK
from features.regions import m49_regions
from features.taxonomy import Field, default_taxonomy
from models import Country

IMPORTED_FROM = {"iati": N_("IATI file {name}"), "csv": N_("CSV file {name}")}
SOURCES = {HELP_DESK: N_("help desk")}  # the sources the service itself names


def term_name(field: Field, code: object) -> str:
    """An SDG's, sector's or modality's name; a code the taxonomy does not hold is shown as it is."""
    taxonomy, code = default_taxonomy(), str(code)
    return taxonomy.name_in(field, code, current_locale()) if code in taxonomy.terms[field] else code


def country_name(country: Country) -> str:
    return territory(country.iso2, country.name)


def territory(iso2: str, name: str, locale: str | None = None) -> str:
    """A country's name by its ISO alpha-2 code; in English, the catalogue's `name`."""
    locale = locale or current_locale()
    return name if locale == DEFAULT else Locale.parse(locale).territories.get(iso2, name)


def region_name(name: str, locale: str | None = None) -> str:
    return translations(locale or current_locale()).gettext(name) if name in m49_regions() else name


def imported_from(stored: str) -> str:
    """Where an imported partnership came from: 'iati:x.xml' -> 'IATI file x.xml'; empty for the
    seeded history."""
    file_format, _, name = stored.partition(":")
    if not name:
        return ""
    return gettext(IMPORTED_FROM[file_format]).format(name=name) if file_format in IMPORTED_FROM else stored


def source_name(name: str) -> str:
    return gettext(SOURCES[name]) if name in SOURCES else name
