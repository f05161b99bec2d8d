"""Eligibility: hard rules exclude only documented restrictions; soft rules lower a triad with a
caveat. Each rule is shown on real catalogue rows."""

from __future__ import annotations

import numpy as np

from features.catalogue import Catalogue
from features.facilitator_features import FACILITATOR_FEATURES
from matching.eligibility import eligible_facilitators
from matching.matcher import Matcher

MEMBERSHIP = ("regional_org", "development_bank")


def _eligible(learned: Matcher, need: dict[str, object]) -> set[str]:
    resolved = learned.resolve(need)
    return set(learned.index_.facilitator_ids[eligible_facilitators(learned.index_, resolved)].tolist())


def _soft(learned: Matcher, need: dict[str, object], facilitator: str, feature: str) -> float:
    """The value of one facilitator feature for a need (any provider: these are need–facilitator facts)."""
    resolved = learned.resolve(need)
    rows = np.flatnonzero(learned.index_.facilitator_ids == facilitator)
    vector = learned.text_.transform([resolved.document])
    base, _ = learned.facilitator_matrices(resolved, vector, learned.history_.view(None), np.array([0]), rows)
    return float(base[0, FACILITATOR_FEATURES.names.index(feature)])


def test_hard_rules_member_lists_and_membership_regions(learned: Matcher) -> None:
    peru = _eligible(learned, {"country": "PER", "text": "Water management."})
    senegal = _eligible(learned, {"country": "SEN", "text": "Water management."})
    assert "ISDB" in senegal and "ISDB" not in peru  # a bank's member countries
    assert "IGAD" not in senegal and "IGAD" in _eligible(learned, {"country": "KEN", "text": "Drought."})
    assert "ADB" not in peru and "ADB" in _eligible(
        learned, {"country": "FJI", "text": "Coasts."}
    )  # a regional bank


def test_a_region_of_focus_is_a_caveat_not_an_exclusion(learned: Matcher) -> None:
    need = {"country": "SEN", "text": "Water management."}
    assert {"PAHO", "ECLAC"} <= _eligible(learned, need)  # UN regional entities: a focus, not a membership
    assert _soft(learned, need, "PAHO", "region_outside") == 1.0
    assert _soft(learned, {"country": "PER", "text": "Water."}, "PAHO", "region_outside") == 0.0


def test_income_modality_and_budget_are_soft_rules(learned: Matcher) -> None:
    # UNDP lists LIC/LMC/UMC: a high-income SIDS keeps it, with a caveat
    bahamas = {"country": "BHS", "text": "Coastal resilience."}
    assert "UNDP" in _eligible(learned, bahamas)
    assert _soft(learned, bahamas, "UNDP", "income_outside") == 1.0
    assert _soft(learned, {"country": "MOZ", "text": "Water."}, "UNDP", "income_outside") == 0.0
    # UNDP does not list technology transfer
    transfer = {"country": "MOZ", "text": "Solar pumps.", "modality": ["technology transfer"]}
    assert "UNDP" in _eligible(learned, transfer)
    assert _soft(learned, transfer, "UNDP", "modality_unsupported") == 1.0
    assert _soft(learned, transfer, "IBSA-FUND", "modality_unsupported") == 0.0
    # the IBSA Fund (500k-1.5M) and PGTF (up to 35k): outside the window is a caveat
    small = {"country": "FJI", "text": "Rural electrification.", "budget_usd": 20_000}
    assert {"IBSA-FUND", "PGTF"} <= _eligible(learned, small)
    assert _soft(learned, small, "IBSA-FUND", "budget_outside") == 1.0
    assert _soft(learned, small, "PGTF", "budget_outside") == 0.0
    # no budget: the window says nothing (missing, the reference value)
    assert (
        _soft(learned, {"country": "FJI", "text": "Rural electrification."}, "PGTF", "budget_outside") == 0.0
    )


def test_the_mask_follows_the_hard_rules_as_written(catalogue: Catalogue, learned: Matcher) -> None:
    """An independent, facilitator-by-facilitator reading of the rules agrees with the mask."""
    facts = {c.iso3: c for c in catalogue.countries}
    for need in (
        {"country": "MOZ", "text": "School feeding.", "modality": ["volunteers"]},
        {"country": "HTI", "text": "Cholera response.", "budget_usd": 120_000},
        {"country": "FJI", "text": "Coastal protection.", "modality": ["financing", "training"]},
    ):
        resolved = learned.resolve(need)
        country = facts[resolved.country]
        groups = {g for g in (country.region, country.sub_region, country.intermediate_region) if g}
        expected = {
            f.id
            for f in catalogue.facilitators
            if (not f.countries or resolved.country in f.countries)
            and (
                f.kind not in ("regional_org", "development_bank") or not f.regions or groups & set(f.regions)
            )
        }
        assert _eligible(learned, need) == expected
        assert 0 < len(expected) < len(catalogue.facilitators)
