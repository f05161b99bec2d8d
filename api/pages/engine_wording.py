"""The engine's words on the pages, in the page's language: feature labels, reasons and caveats,
the waterfall's bars, the summary that opens a triad's reasons.

The engine stores its records in English (the HTTP API answers in English, unchanged). A page says
a record again from its feature's declaration: the template that worded the English reason is also
the catalogue's msgid, so the English reason is read back against it (each `{…}` field becomes a
group), and the translated template is filled with the same facts and figures: numbers formatted by
Babel for the language, facts worded by `FactWording`. A reason that no longer matches its template
(stored by an older engine) is shown as stored, marked as English."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel.numbers import format_decimal, format_percent

from api.pages.fact_wording import FactWording
from api.pages.page_language import DEFAULT, N_, current_locale, translations
from features.facilitator_features import FACILITATOR_FEATURES
from features.feature_spec import Feature
from features.provider_features import PROVIDER_FEATURES
from matching.explanations import OTHER_FEATURE, feature_label

FIELD = re.compile(r"\{(?P<name>[^{}:!]+)(?:![rsa])?(?::(?P<spec>[^{}]*))?\}")
NUMBERS = frozenset({"value", "count", "km"})
# The engine's fixed words (matching/explanations.py) and the summary that opens a triad's reasons
# (features/reason_facts.py `match_summary`), marked for the catalogue.
FIXED = frozenset({
    N_("Random draw (a baseline, not a recommendation)"), N_("Same provider already higher in the list"),
    N_("Starting point: how often such triads occur"), N_("Other features together"),
    N_("the same provider already appears higher in the list"), N_("random baseline draw"),
})  # fmt: skip
SUMMARY, LIKE = N_("{provider} matches the need: {parts}"), N_("past partnerships like {examples}")
SUMMARY_READ = re.compile(r"(?P<provider>.*?) matches the need: (?P<parts>.*)", re.S)


@dataclass(frozen=True)
class Worded:
    text: str
    lang: str | None = None  # the text's language where it is not the page's (a reason shown as stored)


@dataclass(frozen=True)
class Parties:
    """The triad's names, as its reasons quote them."""

    provider: str
    facilitator: str = ""


@cache
def _declarations() -> dict[str, Feature]:
    found: dict[str, Feature] = {}
    for features in (PROVIDER_FEATURES, FACILITATOR_FEATURES):
        found |= {features.qualified(f): f for f in features.features}
    return found


@cache
def _fields(template: str) -> list[tuple[str, str]]:
    return [(m["name"], m["spec"] or "") for m in FIELD.finditer(template)]


def read_back(template: str, text: str, known: dict[str, str]) -> dict[str, str] | None:
    """The text of each field of `template` in `text`, or None when the text is not one of its
    sentences. A field whose value is `known` (a triad's names) must read exactly that, so a name
    holding the template's own words ("Food and Agriculture…") is not cut there."""
    for use_known in (True, False):
        pattern, names, position = [], [], 0
        for i, m in enumerate(FIELD.finditer(template)):
            pattern.append(re.escape(template[position : m.start()]))
            value = known.get(m["name"]) if use_known else None
            pattern.append(f"(?P<g{i}>{re.escape(value) if value else '.*?'})")
            names.append(m["name"])
            position = m.end()
        pattern.append(re.escape(template[position:]))
        found = re.fullmatch("".join(pattern), text, re.S)
        if found:
            return {name: found[f"g{i}"] for i, name in enumerate(names)}
    return None


class EngineWording:
    """The engine's words in the page's language (in English, exactly as the engine stored them);
    `countries` maps the catalogue's country names to ISO alpha-2 codes."""

    def __init__(self, countries: dict[str, str] | None = None, locale: str | None = None) -> None:
        self.locale = locale or current_locale()
        self.gettext: Callable[[str], str] = translations(self.locale).gettext
        self.ngettext = translations(self.locale).ngettext
        self.facts = FactWording(self.locale, countries or {})

    @property
    def translates(self) -> bool:
        return self.locale != DEFAULT

    def label(self, record: dict[str, Any]) -> str:
        english = str(record.get("label") or feature_label(str(record["feature"])))
        if not self.translates:
            return english
        if record["feature"] == OTHER_FEATURE and english != feature_label(OTHER_FEATURE):
            count = int(record["value"]) if "value" in record else int(english.split()[0])
            worded = self.ngettext("{count} other feature together", "{count} other features together", count)
            return self.counted(worded, count)
        return self.gettext(english)

    def bar_label(self, step: dict[Any, Any], rest: bool) -> str:
        """A waterfall bar: the prior, a record's feature, or (`rest`, the last bar) the smaller
        factors summed, whose step is named "<count> other features"."""
        english = str(step["label"])
        if not self.translates:
            return english
        if rest:
            count = int(str(step["step"]).split()[0])
            worded = self.ngettext(
                "{count} smaller factor together", "{count} smaller factors together", count
            )
            return self.counted(worded, count)
        return self.label({"feature": step["step"], "label": english})

    def counted(self, worded: str, count: int) -> str:
        return worded.format(count=format_decimal(count, locale=self.locale))

    def reason(self, record: dict[str, Any], parties: Parties) -> Worded:
        """A record's reason, worded again from its declaration's template."""
        english = str(record.get("reason") or "")
        if not self.translates or not english:
            return Worded(english)
        if english in FIXED:
            return Worded(self.gettext(english))
        feature = _declarations().get(str(record["feature"]))
        template = "" if feature is None else feature.helps if record["contribution"] > 0 else feature.caveat
        return self.fill(template, english, parties) if template else Worded(english, DEFAULT)

    def fill(self, template: str, english: str, parties: Parties) -> Worded:
        known = {"f.provider": parties.provider, "f.facilitator": parties.facilitator}
        found = read_back(template, english, known)
        said = None if found is None else self._said(found, dict(_fields(template)))
        if said is None:
            return Worded(english, DEFAULT)
        return Worded(FIELD.sub(lambda m: said.get(m["name"], m[0]), self.gettext(template)))

    def _said(self, found: dict[str, str], specs: dict[str, str]) -> dict[str, str] | None:
        said = {}
        for name, text in found.items():
            worded = (
                self.number(text, specs[name])
                if name in NUMBERS
                else self.facts.say(name.removeprefix("f."), text)
            )
            if worded is None:
                return None
            said[name] = worded
        return said

    def number(self, text: str, spec: str) -> str | None:
        """The figure the English shows, formatted for the language by its `str.format` spec."""
        plain = text.replace(",", "")
        try:
            if spec.endswith("%"):
                return format_percent(float(plain.removesuffix("%")) / 100, locale=self.locale)
            digits = int(spec.removesuffix("f").rpartition(".")[2] or 0) if spec.endswith("f") else 0
            pattern = "#,##0" + ("." + "0" * digits if digits else "")
            if spec.startswith("+"):
                pattern = f"+{pattern};-{pattern}"
            return format_decimal(float(plain), format=pattern, locale=self.locale)
        except ValueError:
            return None

    def summary(self, text: str, parties: Parties) -> Worded:
        """The reason that opens a triad's list: "<provider> matches the need: <sectors>; SDG <n>;
        past partnerships like <examples>", each part there or not."""
        if not self.translates:
            return Worded(text)
        lead = f"{parties.provider} matches the need: "
        found = None if text.startswith(lead) else SUMMARY_READ.fullmatch(text)
        provider, parts = (parties.provider, text[len(lead) :]) if found is None else found.groups()
        said = self._summary_parts(parts) if found or text.startswith(lead) else None
        if not said:
            return Worded(text, DEFAULT)
        return Worded(self.gettext(SUMMARY).format(provider=provider, parts="; ".join(said)))

    def _summary_parts(self, parts: str) -> list[str] | None:
        tags, like, examples = parts.partition(LIKE.format(examples=""))
        if like and tags and not tags.endswith("; "):
            return None
        tags = tags.removesuffix("; ")
        sectors, sdg, sdgs = tags.rpartition("SDG ") if "SDG " in tags else (tags, "", "")
        if sdg and sectors and not sectors.endswith("; "):
            return None
        said = [
            self.facts.sectors(sectors.removesuffix("; ")) if sectors else "",
            self.facts.sdgs(sdg + sdgs),
            self.gettext(LIKE).format(examples=self.facts.example_list(examples)) if like else "",
        ]
        return None if None in said else [s for s in said if s]
