"""Which of the four languages a need's own text is written in, so the page can mark it
(`<p lang="pt">`): screen readers then read it with the right voice, whatever the page's language.

Short function words are a reliable signal between English, French, Spanish and Portuguese: the
language with the most of them wins, even with one ("pumps for farmers") when no other has any. When
they do not decide, the need's first stated working language is used, and failing that nothing."""

from __future__ import annotations

import re

FUNCTION_WORDS = {
    "en": {"the", "and", "of", "to", "for", "with", "from", "in", "is", "our", "we", "on", "that"},
    "fr": {"le", "la", "les", "des", "et", "du", "pour", "avec", "dans", "une", "nous", "est", "au", "aux"},
    "es": {"el", "los", "las", "del", "y", "para", "con", "en", "una", "por", "que", "es", "al"},
    "pt": {"o", "os", "as", "do", "da", "dos", "das", "e", "para", "com", "em", "uma", "no", "na", "que"},
}
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def text_language(text: str, stated: list[str] | None = None) -> str | None:
    words = [w.casefold() for w in WORD.findall(text)]
    scores = {code: sum(w in vocabulary for w in words) for code, vocabulary in FUNCTION_WORDS.items()}
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if top > second:
        return best
    return next((code for code in stated or [] if code in FUNCTION_WORDS), None)
