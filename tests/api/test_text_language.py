"""Which language a need's own text is marked with on its page."""

from __future__ import annotations

import pytest

from api.pages.text_language import text_language


@pytest.mark.parametrize(
    ("text", "stated", "expected"),
    [
        ("Programa nacional de alimentação escolar com compras aos agricultores.", ["en"], "pt"),
        ("Appui à la cantine scolaire et formation des cuisinières dans les écoles.", ["en"], "fr"),
        ("Apoyo a la alimentación escolar con compras locales para las escuelas.", None, "es"),
        # one function word, none of another language: English, whatever the country speaks
        ("Solar irrigation pumps for smallholder farmers.", ["fr"], "en"),
        ("Solar irrigation pumps", ["fr"], "fr"),  # no signal: the stated working language
        ("Solar irrigation pumps", None, None),  # nothing to go by: not marked
        ("Formation en irrigation for farmers", ["pt"], "pt"),  # a tie (en 1, fr 1, es 1): stated
    ],
)
def test_the_text_is_marked_with_the_language_its_function_words_show(
    text: str, stated: list[str] | None, expected: str | None
) -> None:
    assert text_language(text, stated) == expected
