"""Eligibility: which facilitators may support a need (regions, countries, income, modality, budget)."""

from __future__ import annotations

from features.catalogue import Catalogue
from matching.eligibility import eligible_facilitators
from matching.matcher import Matcher


def _eligible(learned: Matcher, need: dict[str, object]) -> set[str]:
    resolved = learned.resolve(need)
    return set(learned.index_.facilitator_ids[eligible_facilitators(learned.index_, resolved)].tolist())


def test_regional_and_country_lists_restrict_facilitators(learned: Matcher) -> None:
    peru = _eligible(learned, {"country": "PER", "text": "Water management."})
    senegal = _eligible(learned, {"country": "SEN", "text": "Water management."})
    assert "PAHO" in peru and "ECLAC" in peru  # the Americas / Latin America only
    assert "PAHO" not in senegal and "ECLAC" not in senegal
    assert "ISDB" in senegal and "ISDB" not in peru  # member countries only
    assert "IGAD" not in senegal and "IGAD" in _eligible(learned, {"country": "KEN", "text": "Drought."})


def test_budget_must_fall_in_the_funding_window(learned: Matcher) -> None:
    need = {"country": "SEN", "text": "Rural electrification."}
    assert {"IBSA-FUND", "PGTF"} <= _eligible(learned, need)  # no budget: no window applies
    small = _eligible(learned, {**need, "budget_usd": 20_000})
    large = _eligible(learned, {**need, "budget_usd": 800_000})
    assert "PGTF" in small and "IBSA-FUND" not in small  # PGTF up to 35k, IBSA 500k-1.5M
    assert "IBSA-FUND" in large and "PGTF" not in large


def test_the_mask_follows_the_rules_as_written(catalogue: Catalogue, learned: Matcher) -> None:
    """An independent, facilitator-by-facilitator reading of the rules agrees with the mask."""
    facts = {c.iso3: c for c in catalogue.countries}
    for need in (
        {"country": "MOZ", "text": "School feeding.", "modality": ["volunteers"]},
        {"country": "HTI", "text": "Cholera response.", "budget_usd": 120_000},
        {"country": "FJI", "text": "Coastal protection.", "modality": ["financing", "training"]},
    ):
        resolved = learned.resolve(need)
        assert bool(resolved.modalities) == ("modality" in need)
        country = facts[resolved.country]
        groups = {g for g in (country.region, country.sub_region, country.intermediate_region) if g}
        expected = set()
        for f in catalogue.facilitators:
            budget = resolved.budget_usd
            if (
                (not f.regions or groups & set(f.regions))
                and (not f.countries or resolved.country in f.countries)
                and (not f.income_groups or country.income_group in f.income_groups)
                and (
                    not resolved.modalities
                    or not f.modalities
                    or set(resolved.modalities) & set(f.modalities)
                )
                and (budget is None or f.funding_min_usd is None or budget >= f.funding_min_usd)
                and (budget is None or f.funding_max_usd is None or budget <= f.funding_max_usd)
            ):
                expected.add(f.id)
        assert _eligible(learned, need) == expected
        assert 0 < len(expected) < len(catalogue.facilitators)
