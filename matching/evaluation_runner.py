"""Offline evaluation on the partnership history: grouped k-fold, temporal and source-shift splits.

Each test partnership is turned into the need it answered; the engine, fitted on the training
partnerships only, ranks providers, facilitators and triads for it, and so do the popularity
baselines (`matching.baselines`). Results are reported per ranker, target and subset (overall, by
beneficiary region, by source). Targets:

- `provider`, `institution`: the provider leg (countries, named institutions) as retrieved and ranked;
- `facilitator-alone`: the facilitator leg in isolation, every eligible facilitator ranked for the
  true provider; `facilitator`: as shown, the facilitators of the top triads in their order;
- `triad`: (provider country, facilitator) pairs as shown;
- `diversity`: no relevance, one value per query with facilitators in its top 10 triads: how many
  distinct facilitators they hold and the share taken by the most frequent one (hit metrics null).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from features.catalogue import Catalogue
from features.facilitator_features import FACILITATOR_FEATURES
from features.geography import CountryFacts
from features.provider_features import PROVIDER_FEATURES
from features.semantic_encoder import DEFAULT_ENCODER
from matching.baselines import BASELINE_NAMES, BASELINES, PopularityBaselines, provider_countries
from matching.evaluation import (
    dedupe,
    distinct_at_k,
    hit_at_k,
    ndcg_at_k,
    reciprocal_rank,
    top_share_at_k,
)
from matching.matcher import Matcher
from matching.splits import Split, check_disjoint, source_group
from matching.training_examples import partnership_need
from models.history import PartnershipRecord

RANKER_NAMES = ("learned", "prior", "popularity", "text-only", "random")
EVALUATED_RANKERS = (*RANKER_NAMES, *BASELINE_NAMES)
# every group the declarations use, in their order: an ablation per group, none kept by hand
FEATURE_GROUPS = tuple(dict.fromkeys([*PROVIDER_FEATURES.groups, *FACILITATOR_FEATURES.groups]))
# the semantic features are off by default (`Matcher.semantic`): their ablation adds them instead
WITH_SEMANTIC = "learned-with-semantic"
ABLATIONS = (*(f"learned-without-{group}" for group in FEATURE_GROUPS if group != "semantic"), WITH_SEMANTIC)


def matcher_for(name: str) -> Matcher:
    """A fresh matcher for a ranker name, or for an ablation 'learned-without-<group>'."""
    if name == WITH_SEMANTIC:
        return Matcher(ranker="learned", semantic=DEFAULT_ENCODER)
    if name.startswith("learned-without-"):
        return Matcher(ranker="learned", ablate=(name.removeprefix("learned-without-"),))
    return Matcher(ranker=name)


TARGETS = ("provider", "institution", "facilitator-alone", "facilitator", "triad", "diversity")
METRICS = ("hit@1", "hit@10", "ndcg@10", "mrr")
DIVERSITY = ("distinct_facilitators@10", "top_facilitator_share@10")


@dataclass
class Query:
    """One test partnership: what counts as a hit for each target, and what subsets it is in."""

    record: PartnershipRecord
    relevant: dict[str, set[Any]]
    subsets: list[str]


def _queries(catalogue: Catalogue, test: list[int], facts: CountryFacts) -> list[Query]:
    provider_country = {p.id: p.country for p in catalogue.providers}
    institutions = {p.id for p in catalogue.providers if p.parent is not None}
    queries = []
    for i in test:
        record = catalogue.partnerships[i]
        p = record.partnership
        if not p.beneficiaries or not record.provider_ids:
            continue
        countries = provider_countries(record, provider_country)
        if not countries:
            continue
        relevant: dict[str, set[Any]] = {"provider": countries}
        named = {x for x in record.provider_ids if x in institutions}
        if named:
            relevant["institution"] = named
        if record.facilitator_ids:
            relevant["facilitator-alone"] = set(record.facilitator_ids)
            relevant["facilitator"] = set(record.facilitator_ids)
            relevant["triad"] = {(c, f) for c in countries for f in record.facilitator_ids}
        region = facts.groups[facts.index[p.beneficiaries[0]]][0]
        subsets = ["all", f"region={region}", f"source={source_group(record)}"]
        queries.append(Query(record, relevant, subsets))
    return queries


def _ranked_lists(matcher: Matcher, query: Query, depth: int) -> dict[str, list[Any]]:
    """Every target's ranked list for one query; `diversity` holds the top 10 triads' facilitators."""
    need = partnership_need(query.record, matcher.country_languages_)
    assert need is not None
    index = matcher.index_
    rows, _ = matcher.rank_providers(need)
    ranking = matcher.rank(need, k=depth, explain=False)
    triads = [
        (index.provider_country_code[t.provider_row],
         None if t.facilitator_row is None else index.facilitator_ids[t.facilitator_row])
        for t in ranking.triads
    ]  # fmt: skip
    lists: dict[str, list[Any]] = {
        "provider": dedupe([index.provider_country_code[r] for r in rows]),
        "institution": [index.provider_ids[r] for r in rows],
        "facilitator": dedupe([f for _, f in triads if f is not None]),
        "triad": dedupe(triads),
        "diversity": [f for _, f in triads[:10] if f is not None],
    }
    fitted = {pid: row for row, pid in enumerate(index.provider_ids)}
    true_provider = next((fitted[p] for p in query.record.provider_ids if p in fitted), None)
    if "facilitator-alone" in query.relevant and true_provider is not None:
        facilitators, _ = matcher.rank_facilitators(need, true_provider)
        lists["facilitator-alone"] = [index.facilitator_ids[f] for f in facilitators]
    return lists


def _rows(name: str, fold: int, query: Query, lists: dict[str, list[Any]]) -> Iterable[dict[str, Any]]:
    """The per-query rows of one ranker: a row per target it has a list for."""
    base = {
        "ranker": name,
        "partnership": query.record.partnership.id,
        "fold": fold,
        "subsets": query.subsets,
    }
    for target, relevant in query.relevant.items():
        if target not in lists:
            continue
        ranked = [lists[target]]
        yield {
            **base,
            "target": target,
            "hit@1": float(hit_at_k(ranked, [relevant], 1)[0]),
            "hit@10": float(hit_at_k(ranked, [relevant], 10)[0]),
            "ndcg@10": float(ndcg_at_k(ranked, [relevant], 10)[0]),
            "mrr": float(reciprocal_rank(ranked, [relevant])[0]),
            "top10": list(lists[target][:10]),
        }
    shown = lists.get("diversity")
    if shown:  # absent for rankers without triads, empty when no facilitator is eligible
        yield {
            **base,
            "target": "diversity",
            "distinct_facilitators@10": float(distinct_at_k([shown], 10)[0]),
            "top_facilitator_share@10": float(top_share_at_k([shown], 10)[0]),
            "top10": list(shown),
        }


def evaluate_queries(
    catalogue: Catalogue,
    splits: Iterable[Split],
    rankers: tuple[str, ...] = EVALUATED_RANKERS,
    make_matcher: Callable[[str], Matcher] | None = None,
    depth: int = 50,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """One row per ranker, target and test query: its metrics and the subsets it belongs to.

    Baselines (`matching.baselines`) are counted on the training split; every other name is a
    matcher from `make_matcher`, fitted on the training split.
    """
    make_matcher = make_matcher or matcher_for
    facts = CountryFacts.from_countries(catalogue.countries)
    rows: list[dict[str, Any]] = []
    for fold, (train, test) in enumerate(splits):
        check_disjoint(catalogue, train, test)
        train_catalogue = replace(catalogue, partnerships=[catalogue.partnerships[i] for i in train])
        queries = _queries(catalogue, test, facts)
        baselines = PopularityBaselines.fit(train_catalogue) if set(rankers) & set(BASELINES) else None
        for name in rankers:
            if progress:
                progress(f"fold {fold + 1}: {name}")
            if baselines is not None and name in BASELINES:
                lists = baselines.lists(name)
                for query in queries:
                    rows.extend(_rows(name, fold, query, lists))
                continue
            matcher = make_matcher(name).fit(train_catalogue)
            for query in queries:
                rows.extend(_rows(name, fold, query, _ranked_lists(matcher, query, depth)))
    return rows


def summarise(rows: list[dict[str, Any]], rankers: tuple[str, ...]) -> list[dict[str, Any]]:
    """Mean of each metric per ranker, target and subset (the figures `sstc evaluate` prints).

    Every row has the hit metrics (null on `diversity` rows); `diversity` rows add their own two.
    """
    pooled: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in rows:
        for subset in row["subsets"]:
            pooled.setdefault((row["ranker"], row["target"], subset), []).append(row)
    results = []
    for (name, target, subset), members in sorted(
        pooled.items(),
        key=lambda item: (rankers.index(item[0][0]), TARGETS.index(item[0][1]), item[0][2]),
    ):
        summary: dict[str, Any] = {"ranker": name, "target": target, "subset": subset}
        for metric in (*METRICS, *DIVERSITY):
            if metric in members[0]:
                summary[metric] = round(float(np.mean([r[metric] for r in members])), 4)
            elif metric in METRICS:
                summary[metric] = None
        summary["n"] = len(members)
        results.append(summary)
    return results


def evaluate(
    catalogue: Catalogue,
    splits: Iterable[Split],
    rankers: tuple[str, ...] = EVALUATED_RANKERS,
    make_matcher: Callable[[str], Matcher] | None = None,
    depth: int = 50,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Metrics per ranker, target and subset, pooled over the splits' test queries."""
    return summarise(evaluate_queries(catalogue, splits, rankers, make_matcher, depth, progress), rankers)
