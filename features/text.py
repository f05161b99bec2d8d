"""Text normalisation shared by name resolution, tagging and the text vectoriser."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "&": " and "})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, no accents, plain apostrophes: 'Côte d’Ivoire' -> "cote d'ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def words(text: str) -> list[str]:
    """Folded alphanumeric tokens."""
    return [w for w in _NON_WORD.split(fold(text)) if w]
