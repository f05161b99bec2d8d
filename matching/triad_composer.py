"""Compose one need's triads: the top providers × the eligible facilitators, diversified and explained."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from features.facilitator_features import FACILITATOR_FEATURES
from features.provider_features import PROVIDER_FEATURES
from matching.diversity import diversify
from matching.eligibility import eligible_facilitators
from matching.records import Alternative, Contribution, Ranking, Triad
from matching.triad_scores import TriadScores

ALTERNATIVES = 2  # facilitators offered beside the one shown, for the same provider

if TYPE_CHECKING:
    from features.needs import ResolvedNeed
    from matching.matcher import Matcher
    from matching.partition_retrieval import Retrieved


def compose(
    matcher: Matcher, need: ResolvedNeed, k: int, explain: bool = True, retrieved: Retrieved | None = None
) -> Ranking:
    """Score providers and triads for one need; the top k triads diversified and, unless told not
    to (evaluation reads only the order), explained. `retrieved`: its retrieval, if done already
    with other needs (`matching.partition_retrieval`)."""
    index = matcher.index_
    view = matcher.history_.view(need.as_of)
    if retrieved is None:
        vector = matcher.text_.transform([need.document])
        candidates, similarity = matcher.candidates(need, vector, view)
    else:
        vector, candidates, similarity = retrieved.vector, retrieved.candidates, retrieved.similarity
    Xp = matcher.provider_matrix(view, need, candidates, similarity)
    p_prior, p_contrib = matcher.provider_ranker_.contributions(Xp)
    p_values = matcher.provider_ranker_.values(Xp)
    p_scores = p_prior + p_contrib.sum(axis=1)
    order = np.argsort(-p_scores, kind="stable")
    candidates, p_scores, p_contrib, p_values = (
        candidates[order],
        p_scores[order],
        p_contrib[order],
        p_values[order],
    )
    ranking = Ranking(need, candidates, p_scores)
    if len(candidates) == 0:
        ranking.abstained = True
        return ranking
    top = slice(0, min(matcher.triad_providers, len(candidates)))
    providers = candidates[top]
    facilitators = np.flatnonzero(eligible_facilitators(index, need))
    triads = TriadScores(matcher.facilitator_ranker_, p_scores[top], *matcher.facilitator_matrices(
        need, vector, view, providers, facilitators))  # fmt: skip
    n_f = len(facilitators)
    if n_f:
        # a provider can fill at most k places, always with its best remaining triads: keeping
        # each provider's top k leaves the diversified list unchanged and its input small
        per_provider = min(k + matcher.max_per_provider, n_f)  # room for the facilitator caps
        top_each = np.argpartition(-triads.scores, per_provider - 1, axis=1)[:, :per_provider]
        shortlist = (np.arange(len(providers))[:, None] * n_f + top_each).ravel()
        triad_scores = triads.scores.ravel()
        facilitator_of = facilitators[shortlist % n_f]
    else:
        shortlist = np.arange(len(providers))
        triad_scores = p_scores[top]
        facilitator_of = np.full(len(shortlist), -1)
    picked, penalties = diversify(
        triad_scores[shortlist],
        providers[shortlist // max(n_f, 1)],
        k,
        matcher.diversity,
        matcher.max_per_provider,
        facilitators=facilitator_of,
        max_per_facilitator=matcher.max_per_facilitator,
    )
    explainer = matcher.explainer_
    partnership_cosines = explainer.partnership_similarity(need, vector) if explain else np.zeros(0)
    p_names, f_names = matcher.provider_ranker_.output_names(), matcher.facilitator_ranker_.output_names()
    provider_records: dict[int, list[Contribution]] = {}  # a provider may fill two places
    summaries: dict[int, str] = {}
    for rank, (item, penalty) in enumerate(zip(shortlist[picked], penalties, strict=True), start=1):
        p = int(item // max(n_f, 1))
        f = int(facilitators[item % n_f]) if n_f else None
        prior = p_prior + (triads.prior if n_f else 0.0)
        triad = Triad(rank, float(triad_scores[item] + penalty), int(providers[p]), f, float(prior), [])
        ranking.triads.append(triad)
        if not explain:
            continue
        if p not in provider_records:
            facts = explainer.facts(need, partnership_cosines, int(providers[p]))
            summaries[p] = facts.match_summary
            provider_records[p] = explainer.records(
                PROVIDER_FEATURES, facts, p_names, p_values[p], p_contrib[p]
            )
        triad.summary = summaries[p]
        triad.contributions = list(provider_records[p])
        if f is not None:
            f_values, f_contrib = triads.explain(p, int(item % n_f))
            facts = explainer.facts(need, partnership_cosines, int(providers[p]), f)
            triad.contributions += explainer.records(
                FACILITATOR_FEATURES, facts, f_names, f_values, f_contrib
            )
            triad.alternatives = _alternatives(
                matcher,
                f_names,
                need,
                partnership_cosines,
                triads,
                facilitators,
                providers,
                p,
                float(p_scores[p]),
                f,
            )
        if penalty:
            triad.contributions.append(explainer.penalty_record(penalty))
    best = ranking.triads[0].score if ranking.triads else -np.inf
    ranking.abstained = bool(p_scores[0] < matcher.abstain_threshold_) or best == -np.inf
    return ranking


def _alternatives(
    matcher: Matcher,
    names: list[str],
    need: ResolvedNeed,
    similarity: np.ndarray,
    triads: TriadScores,
    facilitators: np.ndarray,
    providers: np.ndarray,
    p: int,
    provider_score: float,
    shown: int,
) -> list[Alternative]:
    """The next facilitators for provider p (its position in `providers`), best first."""
    order = np.argsort(-triads.scores[p], kind="stable")
    order = order[facilitators[order] != shown]
    base = provider_score + float(triads.prior)
    out = []
    for j in order[:ALTERNATIVES]:
        f = int(facilitators[j])
        values, contributions = triads.explain(p, int(j))
        facts = matcher.explainer_.facts(need, similarity, int(providers[p]), f)
        records = matcher.explainer_.records(FACILITATOR_FEATURES, facts, names, values, contributions)
        out.append(Alternative(f, base + float(contributions.sum()), base, records))
    return out
