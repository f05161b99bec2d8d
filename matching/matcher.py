"""The engine: retrieve providers, rank them, compose triads with facilitators, diversify, explain.

`Matcher` is the one contract every ranker is used through (`fit`, batched `recommend`,
`save`/`load` in `matching.persistence`); the ranker itself is chosen by name.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from features.catalogue import Catalogue
from features.catalogue_index import CatalogueIndex
from features.history import HistoryIndex, HistoryView
from features.names import NameResolver
from features.needs import ResolvedNeed, resolve_need
from features.pairs import (
    FACILITATOR_FEATURES,
    PROVIDER_FEATURES,
    REFERENCE,
    cooperation_features,
    facilitator_features,
    provider_features,
)
from features.postings import cosines, sum_norms
from features.taxonomy import default_taxonomy
from features.text_vectoriser import TextVectorizer
from matching.diversity import diversify
from matching.eligibility import eligible_facilitators, eligible_providers
from matching.explanations import Explainer
from matching.rankers import RANKERS, AdditiveRanker
from matching.retrieval import retrieve
from matching.triad_scores import COOPERATION_COLUMNS, FACILITATOR_NAMES, TriadScores, pair_rows
from models.history import PartnershipRecord
from models.needs import NeedCreate

PROVIDER_NAMES = [name for name, _ in PROVIDER_FEATURES]
# Small numpy/scipy steps hold the GIL: needs answered by several threads at once only interleave
# and evict each other's caches, so a process answers one at a time (measured: +17% requests/s).
_ENGINE_LOCK = threading.Lock()
# The layout of a fitted Matcher; a model file of another layout is refused on load, with a
# message to retrain, rather than failing on the first request. 2: hashed text and posting lists;
# 3: the posting lists in array files beside the model.
MODEL_FORMAT = 3
ABSTAIN_MESSAGE = "no strong match — refer to the help desk"


def _reference(names: list[str]) -> np.ndarray:
    return np.array([REFERENCE.get(n, 0.0) for n in names])


@dataclass
class Review:
    """A help-desk decision used as a training label (accept/shortlist = 1, reject = 0)."""

    need: ResolvedNeed
    provider_id: str
    facilitator_id: str | None
    label: int


@dataclass
class Ranking:
    """Everything the engine computed for one need, before it is turned into JSON."""

    need: ResolvedNeed
    providers: np.ndarray  # candidate provider rows, best first
    provider_scores: np.ndarray
    triads: list[dict[str, Any]] = field(default_factory=list)
    abstained: bool = False


def partnership_need(record: PartnershipRecord, languages: dict[str, list[str]]) -> ResolvedNeed | None:
    """A past partnership seen as the need it answered (first beneficiary, dated by its start)."""
    p = record.partnership
    if not p.beneficiaries:
        return None
    return ResolvedNeed(
        country=p.beneficiaries[0],
        title=p.title,
        text=p.description or p.title,
        sdgs=list(p.sdgs),
        sectors=list(p.sectors),
        modalities=[str(m) for m in p.modalities],
        languages=languages.get(p.beneficiaries[0], []),
        as_of=None if p.year_start is None else float(p.year_start),
    )


class Matcher:
    def get_params(self) -> dict[str, Any]:
        names = ("ranker", "retrieve_k", "triad_providers", "diversity", "max_per_provider",
                 "abstain_quantile", "random_state", "ranker_params", "ablate")  # fmt: skip
        return {name: getattr(self, name) for name in names}

    def __init__(
        self,
        ranker: str = "learned",
        retrieve_k: int = 100,
        triad_providers: int = 30,
        diversity: float = 0.5,
        max_per_provider: int = 2,
        abstain_quantile: float = 0.05,
        random_state: int = 0,
        ranker_params: dict[str, Any] | None = None,
        ablate: tuple[str, ...] = (),
    ) -> None:
        if ranker not in RANKERS:
            raise ValueError(f"unknown ranker {ranker!r}; expected one of {sorted(RANKERS)}")
        self.ranker = ranker
        self.retrieve_k = retrieve_k
        self.triad_providers = triad_providers
        self.diversity = diversity
        self.max_per_provider = max_per_provider
        self.abstain_quantile = abstain_quantile
        self.random_state = random_state
        self.ranker_params = ranker_params or {}
        self.ablate = tuple(ablate)
        self.version_ = "unsaved"
        self.external_arrays_: dict[str, Any] = {}  # set by save_matcher: array files beside the model
        self._countries_resolver: NameResolver | None = None

    # ----- fitting -------------------------------------------------------------------------
    def fit(self, catalogue: Catalogue, reviews: list[Review] | None = None) -> Matcher:
        taxonomy = default_taxonomy()
        self.format_ = MODEL_FORMAT
        self.snapshot_ = catalogue.snapshot()
        history_texts = [
            f"{r.partnership.title}. {r.partnership.description}" for r in catalogue.partnerships
        ]
        self.text_ = TextVectorizer().fit(
            [
                *(p.description for p in catalogue.providers),
                *(f.description for f in catalogue.facilitators),
                *history_texts,
            ]
        )
        self.index_ = CatalogueIndex.build(catalogue, self.text_, taxonomy.codes("sector"))
        self.country_names_ = {
            c.iso3: [c.name, c.iso2, c.official_name, *c.aliases] for c in catalogue.countries
        }
        self.country_languages_ = {c.iso3: list(c.languages) for c in catalogue.countries}
        self.southern_ = np.array(
            [not catalogue.country_by_iso3[c].dac_member for c in self.index_.provider_country_code]
        )
        self.history_ = HistoryIndex.build(
            catalogue.partnerships,
            {pid: i for i, pid in enumerate(self.index_.provider_ids)},
            {fid: i for i, fid in enumerate(self.index_.facilitator_ids)},
            self.index_.countries,
            self.index_.group_index,
            self.index_.sector_index,
            self.text_.transform(history_texts),
        )
        Xp, yp, Xf, yf = self._training_rows(catalogue.partnerships, reviews or [])
        params = dict(self.ranker_params)
        if self.ranker == "random":
            params.setdefault("random_state", self.random_state)
        self.provider_ranker_: AdditiveRanker = RANKERS[self.ranker](**params).fit(
            Xp, yp, PROVIDER_NAMES, _reference(PROVIDER_NAMES)
        )
        self.facilitator_ranker_: AdditiveRanker = RANKERS[self.ranker](**params).fit(
            Xf, yf, FACILITATOR_NAMES, _reference(FACILITATOR_NAMES)
        )
        positives = self.provider_ranker_.score(Xp[yp == 1]) if yp.any() else np.array([-np.inf])
        self.abstain_threshold_ = float(np.quantile(positives, self.abstain_quantile))
        self.explainer_ = Explainer(self.index_)
        return self

    def _training_rows(
        self, records: list[PartnershipRecord], reviews: list[Review]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        index = self.index_
        provider_row = {pid: i for i, pid in enumerate(index.provider_ids)}
        facilitator_row = {fid: i for i, fid in enumerate(index.facilitator_ids)}
        Xp: list[np.ndarray] = []
        yp: list[np.ndarray] = []
        Xf: list[np.ndarray] = []
        yf: list[np.ndarray] = []
        for position, record in enumerate(records):
            need = partnership_need(record, self.country_languages_)
            true_rows = [provider_row[p] for p in record.provider_ids if p in provider_row]
            if need is None or not true_rows or need.country not in index.countries.index:
                continue
            view = self.history_.view(need.as_of, exclude=position if need.as_of is None else None)
            vector = self.text_.transform([need.document])
            candidates, similarity = self._candidates(need, vector, view)
            candidates = np.unique(np.concatenate([candidates, true_rows]))
            true_countries = {index.provider_country[r] for r in true_rows}
            label = np.isin(candidates, true_rows) | (
                ~index.provider_is_institution[candidates]
                & np.isin(index.provider_country[candidates], list(true_countries))
            )
            ambiguous = ~label & np.isin(index.provider_country[candidates], list(true_countries))
            keep = candidates[~ambiguous]
            Xp.append(self._provider_X(view, need, keep, similarity))
            yp.append(label[~ambiguous].astype(int))
            true_f = [facilitator_row[f] for f in record.facilitator_ids if f in facilitator_row]
            if true_f:
                facilitators = np.flatnonzero(eligible_facilitators(index, need))
                facilitators = np.unique(np.concatenate([facilitators, true_f]))
                first = np.array(true_rows[:1])
                Xf.append(pair_rows(*self._facilitator_rows(need, vector, view, first, facilitators)))
                yf.append(np.isin(facilitators, true_f).astype(int))
        for review in reviews:
            if review.provider_id not in provider_row:
                continue
            view = self.history_.view(review.need.as_of)
            vector = self.text_.transform([review.need.document])
            similarity = self._similarity(vector, view)
            p = np.array([provider_row[review.provider_id]])
            Xp.append(self._provider_X(view, review.need, p, similarity))
            yp.append(np.array([review.label]))
            if review.facilitator_id in facilitator_row:
                f = np.array([facilitator_row[review.facilitator_id]])
                Xf.append(pair_rows(*self._facilitator_rows(review.need, vector, view, p, f)))
                yf.append(np.array([review.label]))
        empty_p, empty_f = np.zeros((0, len(PROVIDER_NAMES))), np.zeros((0, len(FACILITATOR_NAMES)))
        return (
            np.vstack(Xp) if Xp else empty_p,
            np.concatenate(yp) if yp else np.zeros(0, dtype=int),
            np.vstack(Xf) if Xf else empty_f,
            np.concatenate(yf) if yf else np.zeros(0, dtype=int),
        )

    # ----- recommending --------------------------------------------------------------------
    def resolve(self, need: NeedCreate | dict[str, Any], as_of: float | None = None) -> ResolvedNeed:
        return resolve_need(need, self.countries_resolver, default_taxonomy(), self.country_languages_, as_of)

    @property
    def countries_resolver(self) -> NameResolver:
        if self._countries_resolver is None:
            self._countries_resolver = NameResolver(self.country_names_)
        return self._countries_resolver

    def _candidates(
        self, need: ResolvedNeed, vector: sp.csr_matrix, view: HistoryView
    ) -> tuple[np.ndarray, np.ndarray]:
        """The retrieved provider rows, and every provider's (profile, history) cosines with the need.

        Retrieval ranks by the cosine with profile + history texts together, |a + b| being
        sqrt(|a|² + |b|² + 2 a·b) per provider, computed once per history view.
        """
        allowed = eligible_providers(self.index_, need, self.southern_)
        similarity = self._similarity(vector, view)
        if view.retrieval_norms is None:
            view.retrieval_norms = sum_norms(self.index_.provider_postings, view.provider_postings)
        scores = similarity.sum(axis=1) / view.retrieval_norms
        return retrieve(scores, self.retrieve_k, allowed, view.provider_total), similarity

    def _similarity(self, vector: sp.csr_matrix, view: HistoryView) -> np.ndarray:
        """Every provider's cosines with the need: (profile, past partnerships), one row each."""
        return np.column_stack(
            [cosines(self.index_.provider_postings, vector), cosines(view.provider_postings, vector)]
        )

    def _provider_X(
        self, view: HistoryView, need: ResolvedNeed, candidates: np.ndarray, similarity: np.ndarray
    ) -> np.ndarray:
        X = provider_features(self.index_, view, need, candidates, similarity[candidates])
        return self._ablated(X, PROVIDER_FEATURES)

    def _facilitator_rows(
        self,
        need: ResolvedNeed,
        vector: sp.csr_matrix,
        view: HistoryView,
        providers: np.ndarray,
        facilitators: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Need–facilitator rows (F, d), and the provider–facilitator columns of every pair (P, F, 2)."""
        base = self._ablated(facilitator_features(self.index_, view, need, vector, facilitators),
                             FACILITATOR_FEATURES)  # fmt: skip
        pairs = cooperation_features(self.index_, view, providers, facilitators)
        if "cooperation" in self.ablate:
            pairs[:] = [REFERENCE.get(FACILITATOR_NAMES[c], 0.0) for c in COOPERATION_COLUMNS]
        return base, pairs

    def _ablated(self, X: np.ndarray, features: tuple[tuple[str, str], ...]) -> np.ndarray:
        """Hold the ablated feature groups at their reference value (they then contribute 0)."""
        for j, (name, group) in enumerate(features):
            if group in self.ablate:
                X[:, j] = REFERENCE.get(name, 0.0)
        return X

    def rank(self, need: ResolvedNeed, k: int | None = None) -> Ranking:
        """Score providers and triads for one need; the top k triads diversified and explained."""
        k = k or need.k
        index = self.index_
        view = self.history_.view(need.as_of)
        vector = self.text_.transform([need.document])
        candidates, similarity = self._candidates(need, vector, view)
        Xp = self._provider_X(view, need, candidates, similarity)
        p_prior, p_contrib = self.provider_ranker_.contributions(Xp)
        p_values = self.provider_ranker_.values(Xp)
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
        top = slice(0, min(self.triad_providers, len(candidates)))
        providers = candidates[top]
        facilitators = np.flatnonzero(eligible_facilitators(index, need))
        triads = TriadScores(self.facilitator_ranker_, p_scores[top], *self._facilitator_rows(
            need, vector, view, providers, facilitators))  # fmt: skip
        n_f = len(facilitators)
        if n_f:
            # a provider can fill at most k places, always with its best remaining triads: keeping
            # each provider's top k leaves the diversified list unchanged and its input small
            per_provider = min(k, n_f)
            top_each = np.argpartition(-triads.scores, per_provider - 1, axis=1)[:, :per_provider]
            shortlist = (np.arange(len(providers))[:, None] * n_f + top_each).ravel()
            triad_scores = triads.scores.ravel()
        else:
            shortlist = np.arange(len(providers))
            triad_scores = p_scores[top]
        picked, penalties = diversify(
            triad_scores[shortlist],
            providers[shortlist // max(n_f, 1)],
            k,
            self.diversity,
            self.max_per_provider,
        )
        chosen = shortlist[picked]
        provider_records: dict[int, list[dict[str, Any]]] = {}  # a provider may fill two places
        for rank, (item, penalty) in enumerate(zip(chosen, penalties, strict=True), start=1):
            p = int(item // max(n_f, 1))
            if p not in provider_records:
                provider_records[p] = self.explainer_.provider_records(
                    need, int(providers[p]), self.provider_ranker_.output_names(), p_values[p], p_contrib[p]
                )
            records = list(provider_records[p])
            prior = p_prior
            f = None
            if n_f:
                f = int(facilitators[item % n_f])
                f_values, f_contrib = triads.explain(p, int(item % n_f))
                records += self.explainer_.facilitator_records(
                    need,
                    int(providers[p]),
                    f,
                    self.facilitator_ranker_.output_names(),
                    f_values,
                    f_contrib,
                )
                prior += triads.prior
            if penalty:
                records.append(self.explainer_.penalty_record(penalty))
            score = float(triad_scores[item] + penalty)
            ranking.triads.append(
                {
                    "rank": rank,
                    "score": score,
                    "provider_row": int(providers[p]),
                    "facilitator_row": f,
                    "prior": float(prior),
                    "contributions": records,
                }
            )
        best = ranking.triads[0]["score"] if ranking.triads else -np.inf
        ranking.abstained = bool(p_scores[0] < self.abstain_threshold_) or best == -np.inf
        return ranking

    def recommend(self, needs: list[ResolvedNeed], k: int | None = None) -> list[dict[str, Any]]:
        """Batched: one answer (the JSON shape of the CLI and API) per need, in order."""
        with _ENGINE_LOCK:
            return [self.to_json(self.rank(need, k)) for need in needs]

    def recommend_ids(
        self, needs: list[ResolvedNeed], k: int = 10
    ) -> tuple[list[list[str]], list[np.ndarray]]:
        """Provider ids and scores per need, best first (the ranker contract used by evaluation)."""
        ids, scores = [], []
        for need in needs:
            rows, row_scores = self.rank_providers(need, k)
            ids.append([self.index_.provider_ids[r] for r in rows])
            scores.append(row_scores)
        return ids, scores

    def rank_providers(self, need: ResolvedNeed, depth: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The retrieved provider rows and their scores, best first (the first `depth` if given)."""
        view = self.history_.view(need.as_of)
        vector = self.text_.transform([need.document])
        candidates, similarity = self._candidates(need, vector, view)
        scores = self.provider_ranker_.score(self._provider_X(view, need, candidates, similarity))
        order = np.argsort(-scores, kind="stable")[:depth]
        return candidates[order], scores[order]

    def rank_facilitators(self, need: ResolvedNeed, provider_row: int) -> tuple[np.ndarray, np.ndarray]:
        """Every eligible facilitator for one given provider, best first: the facilitator leg alone."""
        view = self.history_.view(need.as_of)
        vector = self.text_.transform([need.document])
        facilitators = np.flatnonzero(eligible_facilitators(self.index_, need))
        if len(facilitators) == 0:
            return facilitators, np.zeros(0)
        providers = np.array([provider_row])
        triads = TriadScores(self.facilitator_ranker_, np.zeros(1), *self._facilitator_rows(
            need, vector, view, providers, facilitators))  # fmt: skip
        scores = triads.scores[0]
        order = np.argsort(-scores, kind="stable")
        return facilitators[order], scores[order]

    def to_json(self, ranking: Ranking) -> dict[str, Any]:
        index = self.index_
        need = ranking.need
        facts = index.countries
        suggestions = []
        for triad in ranking.triads:
            p, f = triad["provider_row"], triad["facilitator_row"]
            contributions = triad["contributions"]
            suggestions.append(
                {
                    "rank": triad["rank"],
                    "score": triad["score"],
                    "provider": {
                        "id": index.provider_ids[p],
                        "name": index.provider_names[p],
                        "country": index.provider_country_code[p],
                    },
                    "facilitator": None
                    if f is None
                    else {"id": index.facilitator_ids[f], "name": index.facilitator_names[f]},
                    "prior": triad["prior"],
                    "contributions": contributions,
                    "reasons": self.explainer_.reasons(contributions),
                }
            )
        answer: dict[str, Any] = {
            "need": need.to_json(facts.names[facts.index[need.country]], default_taxonomy()),
            "model_version": self.version_,
            "data_snapshot": self.snapshot_,
            "abstained": ranking.abstained,
            "suggestions": suggestions,
        }
        if ranking.abstained:
            answer["message"] = ABSTAIN_MESSAGE
        return answer
