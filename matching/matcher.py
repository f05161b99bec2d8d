"""The engine: retrieve providers, rank them, compose triads with facilitators, diversify, explain.

`Matcher` is the one contract every ranker is used through (`fit`, batched `recommend`,
`save`/`load` in `matching.persistence`); the ranker itself is chosen by name.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import scipy.sparse as sp

from features.catalogue import Catalogue
from features.catalogue_index import CatalogueIndex, profile_text
from features.facilitator_features import FACILITATOR_FEATURES, FacilitatorContext
from features.feature_spec import FeatureSet
from features.history import HistoryIndex, HistoryView
from features.names import NameResolver
from features.needs import ResolvedNeed, resolve_need
from features.postings import cosines, sum_norms
from features.provider_features import PROVIDER_FEATURES, ProviderContext
from features.semantic_index import SemanticIndex
from features.taxonomy import default_taxonomy
from features.text_vectoriser import TextVectorizer
from matching.answers import Explain, answer_json
from matching.eligibility import eligible_facilitators, eligible_providers
from matching.explanations import Explainer
from matching.partition_retrieval import retrieve_partition
from matching.rankers import RANKERS, AdditiveRanker
from matching.records import Ranking
from matching.retrieval import retrieve
from matching.training_examples import Review, real_partner_scores, training_rows
from matching.triad_composer import compose
from matching.triad_scores import TriadScores
from models.needs import NeedCreate

# Small numpy/scipy steps hold the GIL: needs answered by several threads at once only interleave
# and evict each other's caches, so a process answers one at a time (measured: +17% requests/s).
_ENGINE_LOCK = threading.Lock()
# The layout of a fitted Matcher; a model file of another layout is refused on load, with a
# message to retrain, rather than failing on the first request. 2: hashed text and posting lists;
# 3: the posting lists in array files beside the model; 4: declared features, signed terms;
# 5: semantic features (sentence embeddings in an array file beside the model); 6: a provider's
# text similarities as shares of the need's best.
MODEL_FORMAT = 6


class Matcher:
    def get_params(self) -> dict[str, Any]:
        names = ("ranker", "retrieve_k", "triad_providers", "diversity", "max_per_provider",
                 "max_per_facilitator", "abstain_quantile", "random_state", "ranker_params",
                 "ablate", "semantic")  # fmt: skip
        return {name: getattr(self, name) for name in names}

    def __init__(
        self,
        ranker: str = "learned",
        retrieve_k: int = 100,
        triad_providers: int = 30,
        diversity: float = 0.5,
        max_per_provider: int = 2,
        max_per_facilitator: int | None = 2,
        abstain_quantile: float = 0.05,
        random_state: int = 0,
        ranker_params: dict[str, Any] | None = None,
        ablate: tuple[str, ...] = (),
        semantic: str | None = None,
    ) -> None:
        if ranker not in RANKERS:
            raise ValueError(f"unknown ranker {ranker!r}; expected one of {sorted(RANKERS)}")
        self.ranker = ranker
        self.retrieve_k = retrieve_k
        self.triad_providers = triad_providers
        self.diversity = diversity
        self.max_per_provider = max_per_provider
        self.max_per_facilitator = max_per_facilitator
        self.abstain_quantile = abstain_quantile
        self.random_state = random_state
        self.ranker_params = ranker_params or {}
        self.ablate = tuple(ablate)
        # the sentence encoder of the semantic features, by name (features.semantic_encoder);
        # None: off, the features hold their reference value (the ablation did not earn them a place)
        self.semantic = semantic
        self.version_ = "unsaved"
        self.external_arrays_: dict[str, Any] = {}  # set by save_matcher: array files beside the model
        self._countries_resolver: NameResolver | None = None

    # ----- fitting -------------------------------------------------------------------------
    def fit(self, catalogue: Catalogue, reviews: list[Review] | None = None) -> Matcher:
        catalogue.require_trainable()
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
        self.semantic_ = (
            None
            if self.semantic is None
            else SemanticIndex.fit(
                self.semantic, [profile_text(p) for p in catalogue.providers], history_texts, self.history_
            )
        )
        rows = training_rows(self, catalogue.partnerships, reviews or [])
        Xp, yp = rows.provider_X, rows.provider_y
        params = dict(self.ranker_params)
        if self.ranker == "random":
            params.setdefault("random_state", self.random_state)
        self.provider_ranker_: AdditiveRanker = RANKERS[self.ranker](**params).fit(Xp, yp, PROVIDER_FEATURES)
        self.facilitator_ranker_: AdditiveRanker = RANKERS[self.ranker](**params).fit(
            rows.facilitator_X, rows.facilitator_y, FACILITATOR_FEATURES
        )
        positives = self.provider_ranker_.score(Xp[yp == 1]) if yp.any() else np.array([-np.inf])
        self.abstain_threshold_ = float(np.quantile(positives, self.abstain_quantile))
        self.real_scores_ = real_partner_scores(
            rows, self.provider_ranker_.score(Xp), self.facilitator_ranker_.score(rows.facilitator_X)
        )
        self.explainer_ = Explainer(self.index_, self.history_, self.semantic_)
        return self

    # ----- recommending --------------------------------------------------------------------
    def resolve(self, need: NeedCreate | dict[str, Any], as_of: float | None = None) -> ResolvedNeed:
        return resolve_need(need, self.countries_resolver, default_taxonomy(), self.country_languages_, as_of)

    @property
    def countries_resolver(self) -> NameResolver:
        if self._countries_resolver is None:
            self._countries_resolver = NameResolver(self.country_names_)
        return self._countries_resolver

    def drop_caches(self) -> None:
        """Forget what is rebuilt on demand (the country resolver, history views), e.g. before saving."""
        self._countries_resolver = None
        self.history_.clear_views()
        if self.semantic_ is not None:
            self.semantic_.clear()

    def semantic_status(self) -> dict[str, Any] | None:
        """Whether the semantic features were computed for the last need (None: the model has none)."""
        return None if self.semantic_ is None else self.semantic_.status()

    @property
    def provider_features(self) -> FeatureSet:
        return PROVIDER_FEATURES

    @property
    def facilitator_features(self) -> FeatureSet:
        return FACILITATOR_FEATURES

    def candidates(
        self, need: ResolvedNeed, vector: sp.csr_matrix, view: HistoryView
    ) -> tuple[np.ndarray, np.ndarray]:
        """The retrieved provider rows, and every provider's (profile, history) cosines with the need.

        Retrieval ranks by the cosine with profile + history texts together, |a + b| being
        sqrt(|a|² + |b|² + 2 a·b) per provider, computed once per history view.
        """
        similarity = self.similarity(vector, view)
        return self.retrieved_rows(need, similarity, view), similarity

    def retrieved_rows(self, need: ResolvedNeed, similarity: np.ndarray, view: HistoryView) -> np.ndarray:
        allowed = eligible_providers(self.index_, need, self.southern_)
        if view.retrieval_norms is None:
            view.retrieval_norms = sum_norms(self.index_.provider_postings, view.provider_postings)
        scores = similarity.sum(axis=1) / view.retrieval_norms
        return retrieve(scores, self.retrieve_k, allowed, view.provider_total)

    def similarity(self, vector: sp.csr_matrix, view: HistoryView) -> np.ndarray:
        """Every provider's cosines with the need: (profile, past partnerships), one row each."""
        return np.column_stack(
            [cosines(self.index_.provider_postings, vector), cosines(view.provider_postings, vector)]
        )

    def provider_matrix(
        self, view: HistoryView, need: ResolvedNeed, candidates: np.ndarray, similarity: np.ndarray
    ) -> np.ndarray:
        """Need–provider feature rows of the candidates (`similarity`: every provider's cosines)."""
        best = similarity.max(axis=0, initial=0.0)
        own = similarity[candidates]
        context = ProviderContext(self.index_, view, need, candidates, own, best, self.semantic_)
        return self._ablated(PROVIDER_FEATURES.matrix(context, len(candidates)), PROVIDER_FEATURES)

    def facilitator_matrices(
        self,
        need: ResolvedNeed,
        vector: sp.csr_matrix,
        view: HistoryView,
        providers: np.ndarray,
        facilitators: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Need–facilitator rows (F, d) with the per-pair columns at their reference, and the
        per-pair columns of every (provider, facilitator) pair (P, F, d_pair)."""
        context = FacilitatorContext(self.index_, view, need, vector, facilitators, providers, self.semantic_)
        base = np.tile(FACILITATOR_FEATURES.reference, (len(facilitators), 1))
        base[:, FACILITATOR_FEATURES.columns(per_pair=False)] = FACILITATOR_FEATURES.matrix(
            context, len(facilitators)
        )
        base = self._ablated(base, FACILITATOR_FEATURES)
        pairs = FACILITATOR_FEATURES.matrix(context, len(facilitators), per_pair=True)
        if "cooperation" in self.ablate:
            pairs[:] = FACILITATOR_FEATURES.reference[FACILITATOR_FEATURES.columns(per_pair=True)]
        return base, pairs

    def _ablated(self, X: np.ndarray, features: FeatureSet) -> np.ndarray:
        """Hold the ablated feature groups (or features, by qualified name) at their reference value."""
        for j, feature in enumerate(features.features):
            if feature.group in self.ablate or features.qualified(feature) in self.ablate:
                X[:, j] = feature.reference
        return X

    def rank(self, need: ResolvedNeed, k: int | None = None, explain: bool = True) -> Ranking:
        """Score providers and triads for one need; the top k triads diversified and explained."""
        return compose(self, need, k or need.k, explain)

    def match_strength(self, score: float) -> float:
        """Share of the real partnerships the model learned from whose true triad scores no higher:
        a number a country office can read (0.8 = a stronger match than 80% of real ones)."""
        if len(self.real_scores_) == 0:
            return 0.0
        return float(np.searchsorted(self.real_scores_, score, side="right") / len(self.real_scores_))

    def recommend(
        self, needs: list[ResolvedNeed], k: int | None = None, explain: Explain = "full"
    ) -> list[dict[str, Any]]:
        """Batched: one answer (the JSON shape of the CLI and API) per need, in order."""
        with _ENGINE_LOCK:
            found = retrieve_partition(self, needs) if len(needs) > 1 else iter([None] * len(needs))
            return [
                answer_json(self, compose(self, need, k or need.k, explain != "none", retrieved), explain)
                for need, retrieved in zip(needs, found, strict=True)
            ]

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
        candidates, similarity = self.candidates(need, vector, view)
        scores = self.provider_ranker_.score(self.provider_matrix(view, need, candidates, similarity))
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
        triads = TriadScores(self.facilitator_ranker_, np.zeros(1), *self.facilitator_matrices(
            need, vector, view, providers, facilitators))  # fmt: skip
        scores = triads.scores[0]
        order = np.argsort(-scores, kind="stable")
        return facilitators[order], scores[order]

    def to_json(self, ranking: Ranking) -> dict[str, Any]:
        return answer_json(self, ranking)
