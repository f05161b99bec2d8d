"""One need's ranking as the JSON answer of the CLI and the API (ids and names, never row indices)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from features.taxonomy import default_taxonomy
from matching.records import Alternative, Contribution, Ranking

if TYPE_CHECKING:
    from matching.matcher import Matcher

ABSTAIN_MESSAGE = "no strong match — refer to the help desk"
# How much of the explanation an answer carries: every record (`full`), the largest few and one
# record summing the rest (`top`), or none (the ranked triads only, computed without explaining).
Explain = Literal["full", "top", "none"]
EXPLAIN_MODES: tuple[Explain, ...] = ("full", "top", "none")


def answer_json(matcher: Matcher, ranking: Ranking, explain: Explain = "full") -> dict[str, Any]:
    index = matcher.index_
    need = ranking.need
    facts = index.countries
    suggestions = []
    shown = matcher.explainer_.top_records if explain == "top" else list
    for triad in ranking.triads:
        p, f = triad.provider_row, triad.facilitator_row
        suggestions.append(
            {
                "rank": triad.rank,
                "score": triad.score,
                "provider": {
                    "id": index.provider_ids[p],
                    "name": index.provider_names[p],
                    "country": index.provider_country_code[p],
                },
                "facilitator": None
                if f is None
                else {"id": index.facilitator_ids[f], "name": index.facilitator_names[f]},
                "prior": triad.prior,
                "match_strength": matcher.match_strength(triad.score),
                "contributions": [c.to_json() for c in shown(triad.contributions)],
                "reasons": [triad.summary] * bool(triad.summary)
                + matcher.explainer_.reasons(triad.contributions),
                "alternatives": [_alternative(matcher, a, shown) for a in triad.alternatives],
            }
        )
    answer: dict[str, Any] = {
        "need": need.to_json(facts.names[facts.index[need.country]], default_taxonomy()),
        "model_version": matcher.version_,
        "data_snapshot": matcher.snapshot_,
        "abstained": ranking.abstained,
        "suggestions": suggestions,
    }
    if ranking.abstained:
        answer["message"] = ABSTAIN_MESSAGE
    semantic = matcher.semantic_status()  # None: a model without semantic features
    if semantic is not None:
        answer["semantic"] = semantic  # says when the encoder was missing and the features held at 0
    return answer


def _alternative(
    matcher: Matcher, alternative: Alternative, shown: Callable[[list[Contribution]], list[Contribution]]
) -> dict[str, Any]:
    index, f = matcher.index_, alternative.facilitator_row
    return {
        "facilitator": {"id": index.facilitator_ids[f], "name": index.facilitator_names[f]},
        "score": alternative.score,
        "base": alternative.base,
        "match_strength": matcher.match_strength(alternative.score),
        "contributions": [c.to_json() for c in shown(alternative.contributions)],
    }
