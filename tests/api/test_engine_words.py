"""The engine's words on the pages in French, Spanish and Portuguese: every declaration's label and
reason templates are in the catalogues (extracted from the declarations themselves), every reason a
declaration can word is said again from its template with the same figures and its facts in the
language, and a reason that no longer fits its template is shown as stored, marked as English."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from babel.messages.pofile import read_po

from api.pages.catalogue_extractors import feature_declarations
from api.pages.charts import waterfall
from api.pages.engine_wording import FIELD, FIXED, LIKE, NUMBERS, SUMMARY, EngineWording, Parties, Worded
from api.pages.fact_wording import KEPT, VOCABULARY, FactWording
from api.pages.page_language import CATALOGUES
from features.facilitator_features import FACILITATOR_FEATURES
from features.feature_spec import CLOSENESS, Feature
from features.provider_features import PROVIDER_FEATURES
from features.reason_facts import FLAG_WORDS, INCOME_WORDS
from features.regions import m49_regions
from matching.explanations import OTHER_FEATURE, PRIOR_LABEL, RANDOM_LABEL, REPEAT_PROVIDER_LABEL, Explainer

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("fr", "es", "pt")
DECLARED = [(s, f) for s in (PROVIDER_FEATURES, FACILITATOR_FEATURES) for f in s.features]
# the facts of one suggestion as the engine words them (features.reason_facts.ReasonFacts), with
# names that hold a template's own words ("Food and Agriculture …", " and ")
FACTS = SimpleNamespace(
    provider="Food and Agriculture Organization", facilitator="Islamic Development Bank",
    beneficiary="Ethiopia", region="Africa", sub_region="Sub-Saharan Africa", need_area="Eastern Africa",
    need_sectors="basic education, government and civil society, general",
    provider_sectors="agriculture, basic education", facilitator_sectors="basic education",
    provider_sdgs="SDG 2, 4", provider_languages="Portuguese, English", official_languages="Portuguese",
    shared_flags="LDCs and landlocked developing countries and in a fragile situation",
    need_income="low-income", facilitator_income="upper-middle-income, high-income",
    need_modalities="technical assistance, study visit", funding_window="from $10,000 up to $150,000",
    provider_examples=": School feeding law (Brazil, 2012); Cotton-4 (PAA Africa) (Benin)",
    facilitator_examples=": Seed banks (Ethiopia, 2019)", provider_semantic_examples="",
    facilitator_semantic_examples=": Seed banks (Ethiopia)",
)  # fmt: skip
COUNTRIES = {"Ethiopia": "ET", "Brazil": "BR", "Benin": "BJ"}
# English facts that must not be left in a translated reason (names of entities and titles stay)
ENGLISH_FACTS = ("Ethiopia", "Sub-Saharan Africa", "Eastern Africa", "basic education", "government",
                 "SDG 2", "Portuguese", "LDCs", "landlocked", "fragile situation", "low-income",
                 "high-income", "technical assistance", "study visit", "from $", "up to",
                 "Brazil, 2012")  # fmt: skip
PARTIES = Parties(FACTS.provider, FACTS.facilitator)


def catalogue(locale: str) -> dict[object, object]:
    with (CATALOGUES / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return {m.id: m for m in read_po(po) if m.id}


def declared_words() -> set[str]:
    return {
        getattr(f, part) for _, f in DECLARED for part in ("label", "helps", "caveat") if getattr(f, part)
    }


def figures(text: str) -> list[str]:
    """The digits of every number, whatever the language's separators ("9,407", "9 407", "9.407")."""
    return re.findall(r"\d+", text)


def test_the_extractor_reads_every_declaration_and_each_language_translates_them_all() -> None:
    extracted = set()
    for name in ("provider_features.py", "facilitator_features.py"):
        with (ROOT / "features" / name).open("rb") as source:
            extracted |= {message for _, _, message, _ in feature_declarations(source, {}, [], {})}
    assert extracted == declared_words()
    regions = set(m49_regions())
    for locale in LANGUAGES:
        found = catalogue(locale)
        for msgid in declared_words() | FIXED | VOCABULARY | regions | {SUMMARY, LIKE}:
            assert msgid in found and found[msgid].string and not found[msgid].fuzzy, (locale, msgid)
        labels = {f.label for _, f in DECLARED} | FIXED
        assert all(found[label].string != label for label in labels), locale  # translated, not copied


def test_the_engines_fixed_words_and_vocabulary_are_all_marked() -> None:
    random_record = Explainer(None, None).records(  # type: ignore[arg-type]
        PROVIDER_FEATURES,
        None,
        ["random"],
        np.array([0.5]),
        np.array([0.1]),  # type: ignore[arg-type]
    )[0]
    assert {RANDOM_LABEL, REPEAT_PROVIDER_LABEL, PRIOR_LABEL, random_record.reason} <= FIXED
    assert Explainer.penalty_record(-1.0).reason in FIXED
    words = {w for _, w in CLOSENESS} | set(INCOME_WORDS.values()) | set(FLAG_WORDS.values())
    assert words | {"unclassified", "the region"} <= VOCABULARY


def test_every_fact_a_template_quotes_has_a_way_to_be_said() -> None:
    wording = FactWording("fr", COUNTRIES)
    for _, feature in DECLARED:
        for template in (feature.helps, feature.caveat):
            for field in FIELD.finditer(template):
                name = field["name"]
                fact = name.removeprefix("f.")
                assert name in NUMBERS or fact in KEPT or fact in wording.ways, (feature.name, name)


def cases() -> list[tuple[Feature, float, float]]:
    """Each declaration with a value and each sign its templates word."""
    found = []
    for _, feature in DECLARED:
        value = 1.2 if feature.name in ("distance", "experience") else 0.47
        found += [(feature, value, 1.0)] * bool(feature.helps) + [(feature, value, -1.0)] * bool(
            feature.caveat
        )
    return found


@pytest.mark.parametrize("locale", LANGUAGES)
def test_every_declared_reason_is_said_again_with_the_same_figures_and_its_facts_in_the_language(
    locale: str,
) -> None:
    wording = EngineWording(COUNTRIES, locale)
    for feature, value, contribution in cases():
        english = feature.reason(FACTS, value, contribution)
        record = {"feature": f"provider.{feature.name}", "value": value, "contribution": contribution,
                  "reason": english}  # fmt: skip
        if feature in FACILITATOR_FEATURES.features:
            record["feature"] = FACILITATOR_FEATURES.qualified(feature)
        said = wording.reason(record, PARTIES)
        assert said.lang is None and said.text != english, (feature.name, english, said)
        assert sorted(figures(said.text)) == sorted(figures(english)), (feature.name, english, said.text)
        left = [w for w in ENGLISH_FACTS if w in said.text]
        assert not left, (feature.name, said.text, left)
        for name in (FACTS.provider, FACTS.facilitator):
            assert (name in english) == (name in said.text), (feature.name, said.text)


def test_a_french_reason_reads_as_french_with_french_numbers_and_names() -> None:
    wording = EngineWording(COUNTRIES, "fr")
    distance = PROVIDER_FEATURES["distance"]
    english = distance.reason(FACTS, np.log1p(9.407), -1.0)
    assert english == "capitals about 9,407 km apart, farther than most partners"
    said = wording.reason({"feature": "provider.distance", "contribution": -0.3, "reason": english}, PARTIES)
    assert (
        said.text
        == "capitales distantes d’environ 9\u202f407 km, plus éloignées que la plupart des partenaires"
    )
    sectors = PROVIDER_FEATURES["sector_overlap"]
    english = sectors.reason(FACTS, 0.6, 1.0)
    said = wording.reason(
        {"feature": "provider.sector_overlap", "contribution": 1.0, "reason": english}, PARTIES
    )
    assert said.text == (
        "Food and Agriculture Organization travaille dans 60\u00a0% des secteurs du besoin "
        "(agriculture, éducation de base)"
    )


def test_the_summary_that_opens_the_reasons_is_said_again() -> None:
    english = (
        "Food and Agriculture Organization matches the need: government and civil society, general, "
        "agriculture; SDG 2, 4; past partnerships like School feeding law (Brazil, 2012); "
        "Cotton-4 (PAA Africa)"
    )
    assert EngineWording(COUNTRIES, "es").summary(english, PARTIES).text == (
        "Food and Agriculture Organization coincide con la necesidad: gobierno y sociedad civil, general, "
        "agricultura; ODS 2, 4; alianzas anteriores como School feeding law (Brasil, 2012); "
        "Cotton-4 (PAA Africa)"
    )
    only_sdgs = "Food and Agriculture Organization matches the need: SDG 2"
    assert EngineWording(COUNTRIES, "pt").summary(only_sdgs, PARTIES).text == (
        "Food and Agriculture Organization corresponde à necessidade: ODS 2"
    )
    assert EngineWording(COUNTRIES, "en").summary(english, PARTIES).text == english


def test_a_reason_that_no_longer_fits_its_template_is_shown_as_stored_and_marked_english() -> None:
    wording = EngineWording(COUNTRIES, "fr")
    old = {"feature": "provider.distance", "contribution": 0.2, "reason": "capitals are 900 km apart"}
    assert wording.reason(old, PARTIES) == Worded("capitals are 900 km apart", "en")
    unknown = {"feature": "provider.gone", "contribution": 0.2, "reason": "an old feature's words"}
    assert wording.reason(unknown, PARTIES).lang == "en"
    assert wording.summary("Some provider fits", PARTIES).lang == "en"


def test_labels_and_the_waterfalls_bars_in_french() -> None:
    wording = EngineWording(COUNTRIES, "fr")
    names = [PROVIDER_FEATURES.qualified(f) for f in PROVIDER_FEATURES.features[:8]]
    values = [0.9, -0.7, 0.5, 0.4, -0.3, 0.2, 0.1, 0.05]
    records = [
        {"feature": n, "contribution": v, "value": 1.0, "reason": ""}
        for n, v in zip(names, values, strict=True)
    ]
    chart = waterfall({"prior": -1.5, "score": -1.5 + sum(values), "contributions": records}, wording=wording)
    assert [b.label for b in chart.bars] == [
        "Point de départ\u00a0: fréquence de telles triades",
        "Le profil du fournisseur correspond au besoin",
        "Les partenariats passés du fournisseur ressemblent au besoin",
        "Le profil du fournisseur a le même sens que le besoin (toutes langues)",
        "Les partenariats passés du fournisseur ont le même sens que le besoin (toutes langues)",
        "Le fournisseur travaille dans les secteurs du besoin",
        "Le fournisseur travaille sur les ODD du besoin",
        "2 facteurs plus petits réunis",
    ]
    other = {
        "feature": OTHER_FEATURE,
        "value": 1.0,
        "label": "1 other features together",
        "contribution": 0.1,
    }
    assert wording.label(other) == "1 autre facteur"
    assert EngineWording(COUNTRIES, "es").label({**other, "value": 23.0}) == "23 otros factores juntos"
    assert EngineWording(COUNTRIES, "en").label(other) == "1 other features together"  # as the API says it
