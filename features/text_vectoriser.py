"""TF-IDF over hashed words and character n-grams, plus taxonomy tags found in the text.

Accents are folded and stop words of English, French, Spanish and Portuguese dropped; the tags
(`sdg=2`, `sector=112`) put "alimentation scolaire", "alimentación escolar" and "school feeding"
on the same columns, so needs and profiles in different languages still meet.

Words and n-grams are hashed rather than kept in a vocabulary: a fitted vectoriser is then three
IDF arrays whatever the catalogue's size, and it saves, loads and transforms in constant time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2
from sklearn.utils.validation import check_is_fitted
from stop_words import get_stop_words

from features.sparse import incidence
from features.taxonomy import Field, Taxonomy, default_taxonomy
from features.text import fold

LANGUAGES = ("en", "fr", "es", "pt")
TAG_FIELDS: tuple[Field, ...] = ("sdg", "sector", "modality")

WORD_PATTERN = r"(?u)\b[a-z][a-z0-9]+\b"


def stop_words() -> list[str]:
    """Stop words of the four languages, folded and split the way the texts are."""
    words = (fold(w) for lang in LANGUAGES for w in get_stop_words(lang))
    return sorted({token for w in words for token in re.findall(WORD_PATTERN, w)})


def text_tags(taxonomy: Taxonomy, text: str) -> list[str]:
    tags = taxonomy.tag(text)
    return [f"{name}={code}" for name in TAG_FIELDS for code in tags.codes(name)]


def fitted_idf(counts: sp.csr_matrix, max_df: float = 1.0) -> np.ndarray:
    """Smoothed IDF of each column (scikit-learn's). Columns never seen weigh 0, as they would
    outside a vocabulary, so an unknown word in a need cannot dilute the words it shares; so do
    columns in more than `max_df` of the texts, which tell no text apart (scikit-learn's `max_df`)."""
    idf = TfidfTransformer(sublinear_tf=True).fit(counts).idf_
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    keep = (df > 0) & (df <= max_df * counts.shape[0])
    return np.where(keep, idf, 0.0).astype(np.float32)


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF times IDF, rows L2-normalised: what `TfidfTransformer(sublinear_tf=True)`
    computes, without its per-call validation (a need is vectorised on every request)."""
    out = counts.astype(np.float32)
    out.data = (np.log(out.data) + 1.0) * idf[out.indices]
    out.eliminate_zeros()
    inplace_csr_row_normalize_l2(out)  # what `normalize` runs after its input checks
    return out


class TextVectorizer(TransformerMixin, BaseEstimator):
    """Sparse, L2-normalised vectors of texts in EN/FR/ES/PT: words, character n-grams and tags."""

    def __init__(
        self,
        word_weight: float = 1.0,
        char_weight: float = 2.0,
        tag_weight: float = 0.8,
        char_ngrams: tuple[int, int] = (4, 4),
        max_df: float = 0.5,
        n_features: int = 2**20,
    ) -> None:
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.tag_weight = tag_weight
        self.char_ngrams = char_ngrams
        self.max_df = max_df
        self.n_features = n_features

    def fit(self, texts: Iterable[str], y: object = None) -> TextVectorizer:
        texts = list(texts)
        folded = [fold(t) for t in texts]
        hashing = {"n_features": self.n_features, "alternate_sign": False, "norm": None, "dtype": np.float32}
        self.words_ = HashingVectorizer(
            stop_words=stop_words(), token_pattern=WORD_PATTERN, ngram_range=(1, 2), **hashing
        )
        self.chars_ = HashingVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams), **hashing)
        taxonomy = default_taxonomy()
        self.tag_columns_ = {
            tag: i
            for i, tag in enumerate(f"{name}={code}" for name in TAG_FIELDS for code in taxonomy.codes(name))
        }
        self.word_idf_ = fitted_idf(self.words_.transform(folded), self.max_df)
        self.char_idf_ = fitted_idf(self.chars_.transform(folded), self.max_df)
        self.tag_idf_ = fitted_idf(self._tag_counts(texts))
        return self

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        check_is_fitted(self, "tag_idf_")
        texts = list(texts)
        folded = [fold(t) for t in texts]
        blocks = [
            self.word_weight * tfidf(self.words_.transform(folded), self.word_idf_),
            self.char_weight * tfidf(self.chars_.transform(folded), self.char_idf_),
            self.tag_weight * tfidf(self._tag_counts(texts), self.tag_idf_),
        ]
        vectors = sp.hstack(blocks, format="csr", dtype=np.float32)
        inplace_csr_row_normalize_l2(vectors)
        return vectors

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Column names: hashed words (`word#i`), hashed character n-grams (`char#i`), then the
        taxonomy tags by name (`tag:sector=112`). A hash names a bucket, not a word."""
        check_is_fitted(self, "tag_idf_")
        buckets = np.arange(self.n_features)
        tags = sorted(self.tag_columns_, key=self.tag_columns_.__getitem__)
        return np.concatenate(
            [
                np.char.add("word#", buckets.astype(str)),
                np.char.add("char#", buckets.astype(str)),
                np.array([f"tag:{t}" for t in tags]),
            ]
        ).astype(object)

    def _tag_counts(self, texts: list[str]) -> sp.csr_matrix:
        taxonomy = default_taxonomy()
        rows = [[self.tag_columns_[t] for t in text_tags(taxonomy, text)] for text in texts]
        return incidence(rows, len(self.tag_columns_))
