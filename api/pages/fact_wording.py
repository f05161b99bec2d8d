"""The facts a reason quotes (`{f.name}` in a declaration's template), worded in the page's language.

Each fact is read back from the English reason the engine stored, then said again: sectors and
modalities by their taxonomy names, languages and countries by Babel's names for the language,
regions, income groups and country situations from the catalogue. Names of providers, facilitators
and partnerships stay as the catalogue holds them. A fact that cannot be read back stays as it is."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from babel import Locale
from babel.lists import format_list
from babel.numbers import format_decimal

from api.pages.catalogue_words import region_name, territory
from api.pages.page_language import N_, translations
from features.regions import m49_regions
from features.taxonomy import default_taxonomy

# The engine's words for closeness, income groups and country situations
# (features/feature_spec.py CLOSENESS, features/reason_facts.py INCOME_WORDS and FLAG_WORDS).
VOCABULARY = frozenset({
    N_("very close"), N_("close"), N_("loosely related"), N_("barely related"),
    N_("low-income"), N_("lower-middle-income"), N_("upper-middle-income"), N_("high-income"),
    N_("unclassified"), N_("LDCs"), N_("landlocked developing countries"), N_("SIDS"),
    N_("in a fragile situation"), N_("the region"),
})  # fmt: skip
SDGS = N_("SDG {numbers}")
FROM, UP_TO = N_("from {amount}"), N_("up to {amount}")
# Translators: the past partnerships a reason quotes, after the reason's own words
EXAMPLES = N_(": {examples}")
KEPT = frozenset({"provider", "facilitator"})  # names, as the catalogue holds them
EXAMPLE = re.compile(r"(?P<title>.*) \((?P<detail>[^()]*)\)")
FUNDING = re.compile(r"(?:from \$(?P<low>[\d,]+))?(?: ?up to \$(?P<high>[\d,]+))?")


@cache
def _english_languages() -> dict[str, str]:
    """Babel's English language names (how the engine says a language) back to their codes."""
    return {name: code for code, name in Locale("en").languages.items()}


@cache
def _english_sectors() -> dict[str, str]:
    """Each sector's English name as a reason says it (lower case) back to its code, longest first:
    a name may hold a comma ("government and civil society, general")."""
    terms = default_taxonomy().terms["sector"]
    named = {term.name.lower(): code for code, term in terms.items()}
    return dict(sorted(named.items(), key=lambda item: -len(item[0])))


class FactWording:
    """Says the facts of reasons in one language; `countries` maps a country's name in the catalogue
    (as reasons quote it) to its ISO 3166 alpha-2 code. Each way returns None for a text it cannot
    read back, and the reason is then shown as the engine stored it."""

    def __init__(self, locale: str, countries: dict[str, str]) -> None:
        self.locale, self.countries = locale, countries
        self.gettext = translations(locale).gettext
        self.ways: dict[str, Callable[[str], str | None]] = {
            "beneficiary": self.country,
            "region": self.region, "sub_region": self.region, "need_area": self.region,
            "need_sectors": self.sectors, "provider_sectors": self.sectors,
            "facilitator_sectors": self.sectors,
            "provider_sdgs": self.sdgs,
            "provider_languages": self.languages, "official_languages": self.languages,
            "shared_flags": self.flags,
            "need_income": self.word, "facilitator_income": self.words,
            "need_modalities": self.modalities,
            "funding_window": self.funding,
            "provider_examples": self.examples, "facilitator_examples": self.examples,
            "provider_semantic_examples": self.examples, "facilitator_semantic_examples": self.examples,
            "closeness": self.word,
        }  # fmt: skip

    def say(self, fact: str, text: str) -> str | None:
        if fact in KEPT:
            return text
        way = self.ways.get(fact)
        return None if way is None else way(text)

    def word(self, text: str) -> str | None:
        return self.gettext(text) if text in VOCABULARY else None

    def words(self, text: str) -> str | None:
        said = [self.word(w) for w in text.split(", ")] if text else []
        return None if None in said else ", ".join(w for w in said if w is not None)

    def region(self, text: str) -> str | None:
        return region_name(text, self.locale) if text in m49_regions() else self.word(text)

    def country(self, text: str) -> str | None:
        code = self.countries.get(text)
        return None if code is None else territory(code, text, self.locale)

    def sectors(self, text: str) -> str | None:
        taxonomy, said, rest = default_taxonomy(), [], text
        while rest:
            name = next((n for n in _english_sectors() if rest == n or rest.startswith(n + ", ")), None)
            if name is None:
                return None
            said.append(taxonomy.name_in("sector", _english_sectors()[name], self.locale).lower())
            rest = rest[len(name) + 2 :]
        return ", ".join(said)

    def sdgs(self, text: str) -> str | None:
        if not text:
            return text
        found = re.fullmatch(r"SDG (?P<numbers>\d+(?:, \d+)*)", text)
        return self.gettext(SDGS).format(numbers=found["numbers"]) if found else None

    def languages(self, text: str) -> str:
        names = Locale.parse(self.locale).languages
        codes = [_english_languages().get(name, name) for name in text.split(", ")] if text else []
        return ", ".join(names.get(code, code) for code in codes)

    def flags(self, text: str) -> str | None:
        said = [self.word(f) for f in text.split(" and ")] if text else []
        if None in said:
            return None
        return format_list([f for f in said if f is not None], locale=self.locale) if said else text

    def modalities(self, text: str) -> str | None:
        taxonomy, said = default_taxonomy(), []
        for words in text.split(", ") if text else []:
            code = words.replace(" ", "_")
            if code not in taxonomy.terms["modality"]:
                return None
            said.append(taxonomy.name_in("modality", code, self.locale).lower())
        return ", ".join(said)

    def funding(self, text: str) -> str | None:
        found = FUNDING.fullmatch(text)
        if not text or found is None:
            return text if not text else None
        amounts = [(FROM, found["low"]), (UP_TO, found["high"])]
        return " ".join(self.gettext(way).format(amount=self.dollars(n)) for way, n in amounts if n)

    def dollars(self, amount: str) -> str:
        return format_decimal(int(amount.replace(",", "")), locale=self.locale) + " USD"

    def examples(self, text: str) -> str | None:
        """': title (Kenya, 2014); …' (or nothing) after a reason's own words."""
        if not text:
            return text
        if not text.startswith(": "):
            return None
        return self.gettext(EXAMPLES).format(examples=self.example_list(text.removeprefix(": ")))

    def example_list(self, text: str) -> str:
        """'title (Kenya, 2014); …' with each country said in the language; the titles as written
        (a title's own brackets, "(PAA Africa)", are kept as they are)."""
        said = []
        for item in text.split("; "):
            found = EXAMPLE.fullmatch(item)
            if found:
                parts = found["detail"].split(", ")
                worded = [p if p.isdigit() else self.country(p) for p in parts]
                if None not in worded:
                    item = f"{found['title']} ({', '.join(w for w in worded if w is not None)})"
            said.append(item)
        return "; ".join(said)
