"""The pages in English, French, Spanish and Portuguese: chosen from Accept-Language, switched by a
link on every page, remembered across sign-in; `<html lang>` set and the need's own text marked
with its language; the plain-words messages translated; every catalogue complete and current."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from api.pages.page_language import CATALOGUES, accepted, choose_locale
from tests.api.conftest import Service

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{[^{}]*\}")  # also a reason template's {f.provider}, {value:.2f}


def words(text: str) -> str:
    return html.unescape(" ".join(text.split()))


def sign_in(service: Service, who: str, **params: str) -> None:
    client = service.client
    csrf = re.findall(r'name="csrf" value="([^"]+)"', client.get("/login", params=params).text)[0]
    client.post("/login", data={"key": service.keys[who], "csrf": csrf}, follow_redirects=False)


def test_accept_language_is_read_in_order_of_preference() -> None:
    assert accepted("de-CH, pt-BR;q=0.8, fr;q=0.9, *;q=0.1, es;q=0") == ["de_CH", "fr", "pt_BR"]
    assert choose_locale(None, None, "de-CH, pt-BR;q=0.8, fr;q=0.9") == "fr"
    assert choose_locale(None, None, "pt-BR, en;q=0.5") == "pt"
    assert choose_locale(None, "es", "fr") == "es" and choose_locale("pt", "es", "fr") == "pt"
    assert choose_locale("xx", None, "") == "en" and choose_locale(None, None, "de") == "en"


def test_the_browsers_language_then_the_switch_which_survives_signing_in(service: Service) -> None:
    client = service.client
    client.cookies.clear()
    page = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).text
    assert '<html lang="fr">' in page and "<h1>Se connecter</h1>" in page
    assert '<label for="key">Clé d’API</label>' in page
    for code, name in (("en", "English"), ("fr", "Français"), ("es", "Español"), ("pt", "Português")):
        assert f'lang="{code}" hreflang="{code}"' in page and f">{name}</a>" in page

    sign_in(service, "helpdesk", lang="es")
    queue = words(client.get("/queue", headers={"Accept-Language": "fr"}).text)
    assert '<html lang="es">' in queue and "<h1>Cola de revisión</h1>" in queue
    assert (
        '<button type="submit">Cerrar sesión</button>' in queue
        and ">Descargar estas necesidades en CSV</a>" in queue
    )
    assert 'aria-current="true">Español</a>' in queue
    switched = words(client.get("/queue", params={"lang": "pt"}).text)
    assert "<h1>Fila de revisão</h1>" in switched and "Descarregar estas necessidades em CSV" in switched
    catalogue = client.get("/catalogue").text  # no lang= now: the session remembers Portuguese
    assert '<html lang="pt">' in catalogue and "<h1>Catálogo</h1>" in catalogue
    client.cookies.clear()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "“abc” is not a whole number of 0 or more."),
        ("fr", "“abc” n’est pas un nombre entier supérieur ou égal à 0."),
        ("es", "“abc” no es un número entero igual o mayor que 0."),
        ("pt", "“abc” não é um número inteiro igual ou superior a 0."),
    ],
)
def test_a_filter_not_understood_is_said_in_the_pages_language(
    service: Service, lang: str, said: str
) -> None:
    sign_in(service, "helpdesk", lang=lang)
    answer = service.client.get("/queue", params={"max_age_days": "abc", "country": "Narnia"})
    text = words(answer.text)
    assert answer.status_code == 422 and said in text, text[:800]
    if lang == "fr":
        assert "Nous n’avons trouvé aucun pays nommé “Narnia”." in text
        assert "Certains filtres n’ont pas été compris et n’ont donc pas été appliqués\u00a0:" in answer.text
    service.client.cookies.clear()


def test_error_pages_and_dates_follow_the_language_and_the_need_text_keeps_its_own(service: Service) -> None:
    desk = service.as_("helpdesk")
    text = "Programa de alimentação escolar com compras da agricultura familiar para as escolas."
    need = {"country": "MOZ", "title": "Merenda escolar", "sdg": [2], "text": text}
    made = service.client.post("/api/v1/needs", json=need, headers=desk).json()
    sign_in(service, "helpdesk", lang="fr")
    page = service.client.get(f"/needs/{made['id']}").text
    assert '<html lang="fr">' in page
    assert f'<p class="need-text" lang="pt">{need["text"]}</p>' in page
    service.client.post(f"/api/v1/needs/{made['id']}/suggestions", headers=desk)
    page = service.client.get(f"/needs/{made['id']}").text
    assert "Solidité de l’appariement\u00a0: " in page and "<h2>Triades classées</h2>" in page
    assert '<input type="radio" name="decision" value="accept" required> accepter</label>' in page
    first = re.findall(r'action="/suggestions/(\d+)/review"', page)[0]
    csrf = re.findall(r'name="csrf" value="([^"]+)"', page)[0]
    review = {"decision": "accept", "comment": "", "csrf": csrf}
    saved = service.client.post(f"/suggestions/{first}/review", data=review).text  # the redirect, followed
    assert "Décision enregistrée sur le n°1\u00a0: accepter." in saved
    assert 'Décision actuelle\u00a0: <strong class="decision">accepter</strong> par ' in saved
    missing = words(service.client.get("/needs/abc").text)
    assert "<h1>Introuvable</h1>" in missing and "Retour à votre page d’accueil" in missing
    needs = words(service.client.get("/needs").text)
    assert format_date(datetime.now(UTC), format="medium", locale="fr") in needs  # e.g. "1 déc. 2026"
    service.client.cookies.clear()


def test_every_catalogue_is_complete_current_and_keeps_its_placeholders() -> None:
    """Extracted as `babel.cfg` says: the pages' code and templates, the feature declarations' labels
    and reason templates, the M49 region names."""
    method_map, options = parse_mapping_cfg((ROOT / "babel.cfg").open(encoding="utf-8"))
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = extract_from_dir(str(ROOT), method_map, options, keywords)
    in_code = {m[2] if isinstance(m[2], str) else tuple(m[2]) for m in found}
    template = {m.id for m in read_po((CATALOGUES / "messages.pot").open("rb")) if m.id}
    assert in_code == template, f"run pybabel extract: new {in_code - template}, gone {template - in_code}"
    for locale in ("fr", "es", "pt"):
        catalog = read_po((CATALOGUES / locale / "LC_MESSAGES" / "messages.po").open("rb"))
        ids = {m.id for m in catalog if m.id}
        assert ids == template, (locale, ids ^ template)
        for m in catalog:
            if not m.id:
                continue
            sources = [str(t) for t in m.id] if isinstance(m.id, tuple) else [str(m.id)]
            targets = [str(t) for t in m.string] if isinstance(m.string, tuple) else [str(m.string)]
            assert all(targets) and not m.fuzzy, (locale, m.id)
            assert all(
                sorted(PLACEHOLDER.findall(t)) == sorted(PLACEHOLDER.findall(sources[-1])) for t in targets
            ), (locale, m.id)
