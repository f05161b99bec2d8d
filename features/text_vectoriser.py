"""TF-IDF over words and character n-grams, plus taxonomy tags found in the text.

Accents are folded and stop words of English, French, Spanish and Portuguese dropped; the tags
(`sdg=2`, `sector=112`) put "alimentation scolaire", "alimentación escolar" and "school feeding"
on the same columns, so needs and profiles in different languages still meet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted
from stop_words import get_stop_words

from features.taxonomy import Taxonomy, default_taxonomy
from features.text import fold

LANGUAGES = ("en", "fr", "es", "pt")


WORD_PATTERN = r"(?u)\b[a-z][a-z0-9]+\b"


def stop_words() -> list[str]:
    """Stop words of the four languages, folded and split the way the texts are."""
    words = (fold(w) for lang in LANGUAGES for w in get_stop_words(lang))
    return sorted({token for w in words for token in re.findall(WORD_PATTERN, w)})


def tag_document(taxonomy: Taxonomy, text: str) -> str:
    tags = taxonomy.tag(text)
    return " ".join(f"{name}={code}" for name in ("sdg", "sector", "modality") for code in tags.codes(name))


class TextVectorizer(TransformerMixin, BaseEstimator):
    """Sparse, L2-normalised vectors of texts in EN/FR/ES/PT."""

    def __init__(
        self,
        word_weight: float = 1.0,
        char_weight: float = 0.6,
        tag_weight: float = 0.8,
        min_df: int = 1,
        max_features: int | None = 200_000,
    ) -> None:
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.tag_weight = tag_weight
        self.min_df = min_df
        self.max_features = max_features

    def fit(self, texts: Iterable[str], y: object = None) -> TextVectorizer:
        texts = list(texts)
        folded = [fold(t) for t in texts]
        self.words_ = TfidfVectorizer(
            stop_words=stop_words(),
            token_pattern=WORD_PATTERN,
            ngram_range=(1, 2),
            min_df=self.min_df,
            max_features=self.max_features,
            sublinear_tf=True,
            dtype=np.float32,
        ).fit(folded)
        self.chars_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(3, 5),
            min_df=self.min_df,
            max_features=self.max_features,
            sublinear_tf=True,
            dtype=np.float32,
        ).fit(folded)
        self.tags_ = TfidfVectorizer(
            token_pattern=r"\S+", lowercase=False, sublinear_tf=True, dtype=np.float32
        ).fit([*self._tag_documents(texts), " ".join(self._all_tags())])
        return self

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        check_is_fitted(self, "tags_")
        texts = list(texts)
        folded = [fold(t) for t in texts]
        blocks = [
            self.word_weight * normalize(self.words_.transform(folded)),
            self.char_weight * normalize(self.chars_.transform(folded)),
            self.tag_weight * normalize(self.tags_.transform(self._tag_documents(texts))),
        ]
        return normalize(sp.hstack(blocks, format="csr", dtype=np.float32))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        check_is_fitted(self, "tags_")
        return np.concatenate(
            [
                "word=" + self.words_.get_feature_names_out().astype(object),
                "char=" + self.chars_.get_feature_names_out().astype(object),
                self.tags_.get_feature_names_out().astype(object),
            ]
        )

    @staticmethod
    def _tag_documents(texts: list[str]) -> list[str]:
        taxonomy = default_taxonomy()
        return [tag_document(taxonomy, t) for t in texts]

    @staticmethod
    def _all_tags() -> list[str]:
        taxonomy = default_taxonomy()
        return [f"{name}={code}" for name in ("sdg", "sector", "modality") for code in taxonomy.codes(name)]
