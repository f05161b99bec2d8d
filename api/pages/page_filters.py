"""Filter forms that forgive: a blank field is no filter, names and words are read as well as codes,
and what cannot be understood becomes a sentence shown next to the field, with what was typed kept.

A `FilterForm` never raises: every reader returns None ("no filter") when the field is blank or not
understood, and records why in `problems`, keyed by the field's name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from api.pages.catalogue_words import region_name, term_name
from api.pages.page_language import LOCALES, N_, gettext, local_number
from features.names import NameResolver
from features.regions import m49_regions
from features.taxonomy import Field, default_taxonomy

MAX_TYPED = 200  # longer than any country, sector or region name; fuzzy matching stays cheap


def shown(value: str, limit: int = 24) -> str:
    """What was typed, short enough to quote in a sentence: a quote with no spaces cannot wrap, and
    at 24 characters it still fits a 390 px screen."""
    value = " ".join(value.split())
    return f"“{value}”" if len(value) <= limit else f"“{value[:limit]}…”"


class FilterForm:
    def __init__(self, typed: Mapping[str, str], labels: Mapping[str, str]) -> None:
        self.typed = {name: typed.get(name, "") for name in labels}
        self.labels = dict(labels)
        self.problems: dict[str, str] = {}

    def _text(self, name: str) -> str | None:
        value = self.typed[name].strip()
        if not value:
            return None
        if len(value) > MAX_TYPED:
            self.problems[name] = gettext(
                "The {label} you typed is {length} characters long; a filter takes at most {limit}."
            ).format(label=gettext(self.labels[name]), length=local_number(len(value)), limit=MAX_TYPED)
            return None
        return value

    def _refuse(self, name: str, value: str, why: str, closest: Iterable[str] = ()) -> None:
        listed = ", ".join(closest)
        hint = " " + gettext("Did you mean: {listed}?").format(listed=listed) if listed else ""
        said = gettext(why).format(value=shown(value), label=gettext(self.labels[name]))
        self.problems[name] = f"{said}{hint}"

    def text(self, name: str) -> str | None:
        return self._text(name)

    def choice(self, name: str, options: Iterable[str], default: str) -> str:
        value = self._text(name)
        allowed = list(options)
        if value is None:
            return default
        if value.casefold() in allowed:
            return value.casefold()
        self._refuse(name, value, N_("{value} is not a {label} we know."), allowed)
        return default

    def whole_number(self, name: str, minimum: int = 0) -> int | None:
        value = self._text(name)
        if value is None:
            return None
        if value.isascii() and value.isdigit() and int(value) >= minimum:
            return int(value)
        why = (
            N_("{value} is not a whole number of 0 or more.")
            if minimum == 0
            else N_("{value} is not a whole number of 1 or more.")
        )
        self._refuse(name, value, why)
        return None

    def country(self, name: str, resolver: NameResolver) -> str | None:
        value = self._text(name)
        if value is None:
            return None
        found = resolver.resolve(value)
        if found.id is not None:
            return found.id
        named = [f"{c.name} ({c.id})" for c in found.candidates[:3]]
        if found.ambiguous:
            self._refuse(
                name, value, N_("{value} names more than one country; type the one you mean."), named
            )
        else:
            self._refuse(name, value, N_("We could not find a country called {value}."), named)
        return None

    def terms(self, name: str, field: Field) -> set[str] | None:
        """Taxonomy codes for a code or a word in any of the four languages ("2", "faim", "education")."""
        value = self._text(name)
        if value is None:
            return None
        found = default_taxonomy().resolve(field, value)
        if found.found:
            return {t.code for t in found.terms}
        closest = [f"{term_name(field, t.code)} ({t.code})" for t, _ in found.closest]
        self._refuse(name, value, N_("No {label} matches {value}."), closest)
        return None

    def region(self, name: str, regions: Iterable[str] | None = None) -> str | None:
        """A UN M49 region or sub-region, written in any case, with a typo ("eastern africa") or in
        any of the pages' languages ("Afrique de l’Est"), as the datalists offer them."""
        value = self._text(name)
        if value is None:
            return None
        known = sorted(regions if regions is not None else m49_regions())
        named = {r: [r, *(region_name(r, locale) for locale in LOCALES)] for r in known}
        found = NameResolver(named).resolve(value)
        if found.id is not None:
            return found.id
        closest = [region_name(c.id) for c in found.candidates[:3]]
        self._refuse(name, value, N_("{value} is not a UN region or sub-region."), closest)
        return None
