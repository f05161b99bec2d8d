"""Languages as people write them: ISO 639-1 codes ("pt") or names in English, French, Spanish or
Portuguese ("português", "Portuguese", "portugais"), from CLDR's language names (Babel)."""

from __future__ import annotations

from functools import cache

from babel import Locale
from rapidfuzz import process
from sklearn.feature_extraction.text import strip_accents_unicode

from features.errors import UnknownNameError

NAMED_IN = ("en", "fr", "es", "pt")


def _key(word: str) -> str:
    return strip_accents_unicode(word.strip().casefold())


def names_in(locale: str) -> dict[str, str]:
    """CLDR's names of the ISO 639-1 languages in one locale: code -> name."""
    names = {str(code): str(name) for code, name in Locale(locale).languages.items()}
    return {
        code: name for code, name in names.items() if len(code) == 2 and code.isalpha() and code.islower()
    }


@cache
def language_names() -> dict[str, str]:
    """Every ISO 639-1 code and every CLDR name of it in the four languages, folded -> code."""
    names = {code: code for code in names_in("en")}
    for locale in NAMED_IN:
        for code, name in names_in(locale).items():
            names.setdefault(_key(name), code)
    return names


def resolve_language(word: str, field: str) -> str:
    """The ISO 639-1 code of a language code or name; otherwise `UnknownNameError` with the closest."""
    names = language_names()
    code = names.get(_key(word))
    if code is None:
        english = names_in("en")
        closest = process.extract(_key(word)[:60], list(names), limit=3)
        suggestions = [f"{english.get(names[name], name)} ({names[name]})" for name, _, _ in closest]
        raise UnknownNameError(field, word[:80], list(dict.fromkeys(suggestions)))
    return code
