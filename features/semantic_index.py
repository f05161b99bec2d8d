"""The need's meaning against the catalogue's, across languages: what the semantic features read.

`SemanticIndex` holds one fitted `SemanticEncoder` over the provider profiles (first rows) and
the past partnerships (the rest, in the history's order). A need is embedded once per request (the
last need's vector is kept). Similarities are cosines floored at 0 (unrelated texts score about
0.1-0.3, opposite meanings do not exist in practice), so a feature of sign "positive" never lowers
a score. Its similarity with a provider's or facilitator's past partnerships
is the best over those the need may see (`HistoryView.visible`: before its year, minus the one a
training row learns from), as the TF-IDF history cosine only counts visible partnerships.

Without an encoder (absent package, failed load, or a model fitted without one) every similarity
is NaN: the features hold their reference value and contribute exactly 0, and `status` says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from features.history import HistoryIndex, HistoryView
from features.needs import ResolvedNeed
from features.semantic_encoder import EncoderUnavailableError, SemanticEncoder

FALLBACK_NOTE = (
    "the multilingual encoder could not be used here ({reason}); semantic features are held at "
    "their reference value and contribute 0"
)


class SemanticIndex:
    def __init__(self, encoder: SemanticEncoder, providers: int, history: HistoryIndex) -> None:
        self.encoder = encoder
        self.providers = providers
        # partnerships x providers / facilitators, column-wise: whose partnerships are whose
        self.incidence = {
            "providers": history.providers.tocsc(),
            "facilitators": history.facilitators.tocsc(),
        }
        # (document, vector, similarity with every partnership): the last request's need
        self._last: tuple[str, np.ndarray | None, np.ndarray | None] | None = None
        self._failure = ""

    @classmethod
    def fit(
        cls, name: str, profiles: list[str], partnerships: list[str], history: HistoryIndex
    ) -> SemanticIndex:
        encoder = SemanticEncoder(name).fit([*profiles, *partnerships])
        return cls(encoder, len(profiles), history)

    def clear(self) -> None:
        self._last, self._failure = None, ""

    def need_vector(self, need: ResolvedNeed) -> np.ndarray | None:
        """The need's embedding, computed once for all the features and reasons of a request."""
        document = need.document
        if self._last is None or self._last[0] != document:
            try:
                vector: np.ndarray | None = self.encoder.transform([document])[0]
                self._failure = ""
            except EncoderUnavailableError as exc:
                vector, self._failure = None, str(exc)
            self._last = (document, vector, None)
        return self._last[1]

    def profile_similarity(self, need: ResolvedNeed, providers: np.ndarray) -> np.ndarray:
        vector = self.need_vector(need)
        if vector is None:
            return np.full(len(providers), np.nan)
        return np.maximum(self.encoder.similarity(vector, np.asarray(providers, dtype=np.int64)), 0.0)

    def partnership_similarity(self, need: ResolvedNeed) -> np.ndarray | None:
        """The need's similarity with every past partnership (visible or not), or None."""
        vector = self.need_vector(need)
        if vector is None:
            return None
        assert self._last is not None
        if self._last[2] is None:
            rows = np.arange(self.providers, len(self.encoder.rows_))
            self._last = (*self._last[:2], np.maximum(self.encoder.similarity(vector, rows), 0.0))
        return self._last[2]

    def history_similarity(
        self, need: ResolvedNeed, who: str, columns: np.ndarray, view: HistoryView
    ) -> np.ndarray:
        """Best similarity over each column's partnerships visible in `view`; NaN without any."""
        similarity = self.partnership_similarity(need)
        if similarity is None or view.visible is None:
            return np.full(len(columns), np.nan)
        return best_of(self.incidence[who], np.asarray(columns, dtype=np.int64), similarity, view.visible)

    def status(self) -> dict[str, Any]:
        """What the answer says about the semantic features: on, or held at reference and why."""
        available = self.encoder.available_ and not self._failure
        out: dict[str, Any] = {"encoder": self.encoder.encoder, "available": available}
        if not available:
            out["note"] = FALLBACK_NOTE.format(reason=self._failure or self.encoder.unavailable_reason_)
        return out


def best_of(
    incidence: sp.csc_matrix, columns: np.ndarray, similarity: np.ndarray, visible: np.ndarray
) -> np.ndarray:
    """For each of `columns` of a partnerships x organisations incidence, the highest `similarity`
    among its partnerships in `visible`; NaN when it has none there."""
    chosen = incidence[:, columns].tocsc()
    values = np.where(visible, similarity, -np.inf)[chosen.indices]
    out = np.full(len(columns), -np.inf)
    lengths = np.diff(chosen.indptr)
    if len(values):
        out[lengths > 0] = np.maximum.reduceat(values, chosen.indptr[:-1][lengths > 0])
    return np.where(np.isfinite(out), out, np.nan)
