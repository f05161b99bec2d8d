"""Offline evaluation protocols on the partnership history: grouped k-fold and temporal split.

Each test partnership is turned into the need it answered; the engine, fitted on the training
partnerships only, ranks providers, facilitators and triads for it. Results are reported per
ranker, target and subset (overall, by beneficiary region, by source).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold

from features.catalogue import Catalogue
from matching.evaluation import dedupe, hit_at_k, ndcg_at_k, reciprocal_rank
from matching.matcher import Matcher, partnership_need
from models.history import PartnershipRecord

RANKER_NAMES = ("learned", "prior", "popularity", "text-only", "random")
FEATURE_GROUPS = ("text", "tags", "geography", "context", "history", "cooperation")
ABLATIONS = tuple(f"learned-without-{group}" for group in FEATURE_GROUPS)


def matcher_for(name: str) -> Matcher:
    """A fresh matcher for a ranker name, or for an ablation 'learned-without-<group>'."""
    if name.startswith("learned-without-"):
        return Matcher(ranker="learned", ablate=(name.removeprefix("learned-without-"),))
    return Matcher(ranker=name)


TARGETS = ("provider", "institution", "facilitator", "triad")
Split = tuple[list[int], list[int]]


def group_key(record: PartnershipRecord, provider_country: dict[str, str]) -> str:
    """Near-duplicate projects share a key: same provider country(ies) and first beneficiary."""
    countries = sorted({provider_country.get(p, p) for p in record.provider_ids})
    beneficiary = record.partnership.beneficiaries[:1]
    return "|".join([*countries, *beneficiary]) or record.partnership.id


def grouped_folds(catalogue: Catalogue, n_splits: int = 5, seed: int = 0) -> Iterator[Split]:
    provider_country = {p.id: p.country for p in catalogue.providers}
    groups = [group_key(r, provider_country) for r in catalogue.partnerships]
    splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(groups)), groups=groups):
        yield list(train), list(test)


def temporal_split(catalogue: Catalogue, cutoff: int) -> Iterator[Split]:
    """Train on partnerships that started before `cutoff` (and undated ones), test on the rest."""
    years = [r.partnership.year_start for r in catalogue.partnerships]
    train = [i for i, y in enumerate(years) if y is None or y < cutoff]
    test = [i for i, y in enumerate(years) if y is not None and y >= cutoff]
    yield train, test


@dataclass
class Query:
    """One test partnership: what counts as a hit for each target, and what subsets it is in."""

    record: PartnershipRecord
    relevant: dict[str, set[Any]]
    subsets: list[str]


def _queries(catalogue: Catalogue, test: list[int], matcher: Matcher) -> list[Query]:
    provider_country = {p.id: p.country for p in catalogue.providers}
    institutions = {p.id for p in catalogue.providers if p.parent is not None}
    facts = matcher.index_.countries
    queries = []
    for i in test:
        record = catalogue.partnerships[i]
        p = record.partnership
        if not p.beneficiaries or not record.provider_ids:
            continue
        countries = {provider_country[x] for x in record.provider_ids}
        countries.discard(p.beneficiaries[0])
        if not countries:
            continue
        relevant: dict[str, set[Any]] = {"provider": countries}
        named = {x for x in record.provider_ids if x in institutions}
        if named:
            relevant["institution"] = named
        if record.facilitator_ids:
            relevant["facilitator"] = set(record.facilitator_ids)
            relevant["triad"] = {(c, f) for c in countries for f in record.facilitator_ids}
        region = facts.groups[facts.index[p.beneficiaries[0]]][0]
        source = "UNDP compilation" if p.source_name.startswith("UNDP") else "other sources"
        queries.append(Query(record, relevant, ["all", f"region={region}", f"source={source}"]))
    return queries


def _ranked_lists(matcher: Matcher, query: Query, depth: int) -> dict[str, list[Any]]:
    need = partnership_need(query.record, matcher.country_languages_)
    assert need is not None
    index = matcher.index_
    rows, _ = matcher.rank_providers(need)
    ranking = matcher.rank(need, k=depth)
    triads = [
        (index.provider_country_code[t["provider_row"]],
         None if t["facilitator_row"] is None else index.facilitator_ids[t["facilitator_row"]])
        for t in ranking.triads
    ]  # fmt: skip
    return {
        "provider": dedupe([index.provider_country_code[r] for r in rows]),
        "institution": [index.provider_ids[r] for r in rows],
        "facilitator": dedupe([f for _, f in triads if f is not None]),
        "triad": dedupe(triads),
    }


METRICS = ("hit@1", "hit@10", "ndcg@10", "mrr")


def evaluate_queries(
    catalogue: Catalogue,
    splits: Iterator[Split],
    rankers: tuple[str, ...] = RANKER_NAMES,
    make_matcher: Callable[[str], Matcher] | None = None,
    depth: int = 50,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """One row per ranker, target and test query: its metrics and the subsets it belongs to."""
    make_matcher = make_matcher or matcher_for
    rows: list[dict[str, Any]] = []
    for fold, (train, test) in enumerate(splits):
        train_catalogue = replace(catalogue, partnerships=[catalogue.partnerships[i] for i in train])
        for name in rankers:
            if progress:
                progress(f"fold {fold + 1}: {name}")
            matcher = make_matcher(name).fit(train_catalogue)
            for query in _queries(catalogue, test, matcher):
                lists = _ranked_lists(matcher, query, depth)
                for target, relevant in query.relevant.items():
                    ranked = [lists[target]]
                    rows.append(
                        {
                            "ranker": name,
                            "target": target,
                            "partnership": query.record.partnership.id,
                            "fold": fold,
                            "subsets": query.subsets,
                            "hit@1": float(hit_at_k(ranked, [relevant], 1)[0]),
                            "hit@10": float(hit_at_k(ranked, [relevant], 10)[0]),
                            "ndcg@10": float(ndcg_at_k(ranked, [relevant], 10)[0]),
                            "mrr": float(reciprocal_rank(ranked, [relevant])[0]),
                            "top10": list(lists[target][:10]),
                        }
                    )
    return rows


def summarise(rows: list[dict[str, Any]], rankers: tuple[str, ...]) -> list[dict[str, Any]]:
    """Mean of each metric per ranker, target and subset (the figures `sstc evaluate` prints)."""
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
        summary.update({m: round(float(np.mean([r[m] for r in members])), 4) for m in METRICS})
        summary["n"] = len(members)
        results.append(summary)
    return results


def evaluate(
    catalogue: Catalogue,
    splits: Iterator[Split],
    rankers: tuple[str, ...] = RANKER_NAMES,
    make_matcher: Callable[[str], Matcher] | None = None,
    depth: int = 50,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Metrics per ranker, target and subset, pooled over the splits' test queries."""
    return summarise(evaluate_queries(catalogue, splits, rankers, make_matcher, depth, progress), rankers)
