"""In-process timings: the engine one need at a time, the naive loop, and the bare anchor."""

from __future__ import annotations

import heapq
import math
import time
from collections import Counter

import numpy as np

from features.catalogue import Catalogue
from features.needs import ResolvedNeed
from features.text import words
from matching.matcher import Matcher
from matching.retrieval import top_k

ANCHOR_PROVIDERS, ANCHOR_FACILITATORS = 30, 500


def needs_for(catalogue: Catalogue, n: int, seed: int = 1) -> list[ResolvedNeed]:
    """Needs written like the partnerships' descriptions, for countries of the catalogue."""
    rng = np.random.default_rng(seed)
    records = [catalogue.partnerships[int(i)] for i in rng.integers(0, len(catalogue.partnerships), size=n)]
    return [
        ResolvedNeed(country=r.partnership.beneficiaries[0], text=r.partnership.description,
                     sdgs=list(r.partnership.sdgs), sectors=list(r.partnership.sectors), languages=["en"])
        for r in records
    ]  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def time_recommend(matcher: Matcher, needs: list[ResolvedNeed]) -> list[float]:
    """Milliseconds per need, each answered alone with full explanations."""
    matcher.recommend(needs[:5])  # warm the caches of the history view
    out = []
    for need in needs:
        start = time.perf_counter()
        matcher.recommend([need], k=10)
        out.append((time.perf_counter() - start) * 1000)
    return out


def time_anchor(matcher: Matcher, needs: list[ResolvedNeed]) -> list[float]:
    """Milliseconds per need of the least any such engine does: the sparse retrieval over every
    profile, the top 100, and one 30 × 500 product of provider and facilitator feature rows with
    the top 10 triads taken, no explanations. The need's vector is computed outside the timing."""
    d = len(matcher.facilitator_features)
    rng = np.random.default_rng(0)
    providers, facilitators = rng.random((ANCHOR_PROVIDERS, d)), rng.random((ANCHOR_FACILITATORS, d))
    vectors = [matcher.text_.transform([need.document]) for need in needs]
    out = []
    for vector in vectors:
        start = time.perf_counter()
        scores = (vector @ matcher.index_.provider_postings).toarray().ravel()
        top_k(scores, 100)
        triads = (providers @ facilitators.T).ravel()
        np.argpartition(-triads, 9)[:10]
        out.append((time.perf_counter() - start) * 1000)
    return out


class Naive:
    """The baseline: plain Python loops over every provider and every (provider, facilitator) pair."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.providers = [(p.id, Counter(words(p.description)), set(p.sectors)) for p in catalogue.providers]
        self.facilitators = [
            (f.id, Counter(words(f.description)), set(f.sectors)) for f in catalogue.facilitators
        ]

    @staticmethod
    def cosine(a: Counter[str], b: Counter[str]) -> float:
        dot = sum(v * b.get(k, 0) for k, v in a.items())
        norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
        return dot / norm if norm else 0.0

    def recommend(self, need: ResolvedNeed, k: int = 10) -> list[tuple[float, str, str]]:
        text, sectors = Counter(words(need.text)), set(need.sectors)
        p_scores = [(self.cosine(text, c) + len(sectors & s), i) for i, c, s in self.providers]
        f_scores = [(self.cosine(text, c) + len(sectors & s), i) for i, c, s in self.facilitators]
        best: list[tuple[float, str, str]] = []
        for ps, pid in p_scores:
            for fs, fid in f_scores:
                item = (ps + fs, pid, fid)
                if len(best) < k:
                    heapq.heappush(best, item)
                elif item > best[0]:
                    heapq.heapreplace(best, item)
        return sorted(best, reverse=True)
