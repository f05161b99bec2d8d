"""Text normalisation shared by name resolution, tagging and the text vectoriser."""

from __future__ import annotations

import re

from sklearn.feature_extraction.text import strip_accents_unicode

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "&": " and "})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, no accents, plain apostrophes: 'Côte d’Ivoire' -> "cote d'ivoire"."""
    return strip_accents_unicode(text.translate(_APOSTROPHES)).casefold().strip()


def words(text: str) -> list[str]:
    """Folded alphanumeric tokens."""
    return [w for w in _NON_WORD.split(fold(text)) if w]
