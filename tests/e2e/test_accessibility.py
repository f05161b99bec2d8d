"""axe-core (the npm package, tests/e2e/node_modules) injected into every page in a real Chromium:
0 violations on every page at 1366x900 and 390x844, in English and in French; the side-by-side
view of two triads is two columns on a laptop and stacked on a phone.

One server, one browser; each (language, width) signs in once and walks every page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import LiveService
from tests.e2e.test_pages import browser

__all__ = ["browser"]  # the module's Chromium
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SIZES = [(1366, 900), (390, 844)]
TEXT = "Programa de alimentação escolar com compras da agricultura familiar para as escolas rurais."
NEED = {
    "country": "MOZ",
    "title": "Merenda escolar",
    "sdg": [2, 4],
    "sector": ["school feeding"],
    "text": TEXT,
}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
}"""


def pages_to_walk(live: LiveService) -> tuple[list[str], str]:
    """The pages reached by a link, and the active model version (for its confirmation page). The
    need is run twice with a decision between, so its page shows the changes, the carried-over
    decision and the accepted triad's outcome form."""
    with live.client("admin") as api:
        need = api.post("/api/v1/needs", json=NEED).json()
        earlier = api.post(f"/api/v1/needs/{need['id']}/suggestions").json()
        api.post(f"/api/v1/suggestions/{earlier[0]['id']}/reviews", json={"decision": "accept"})
        triads = api.post(f"/api/v1/needs/{need['id']}/suggestions").json()
        version = next(v["id"] for v in api.get("/api/v1/models").json() if v["status"] == "active")
    n, first, second = need["id"], triads[0], triads[1]
    facilitator = next(t["facilitator"]["id"] for t in triads if t["facilitator"])
    return [
        "/queue", "/queue?max_age_days=abc&country=Narnia", "/needs", "/needs/new", f"/needs/{n}",
        f"/needs/{n}/compare?first={first['id']}&second={second['id']}", f"/needs/{n}/run-again",
        "/catalogue", "/catalogue?q=brazil&kind=providers", f"/catalogue/providers/{first['provider']['id']}",
        f"/catalogue/facilitators/{facilitator}", "/models", "/needs/999999",
    ], version  # fmt: skip


def posted_pages(page: Page, base: str, version: str) -> dict[str, Page]:
    """Pages only a form sent reaches: the need form sent blank (its errors, what was typed kept)
    and the confirmation asked before a model version is activated."""
    page.goto(f"{base}/needs/new")
    page.locator("form[action='/needs/new'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/needs/new") and page.locator("form[action='/needs/new']").count() == 1
    reached = {"/needs/new (sent blank)": violations(page)}
    page.goto(f"{base}/models")
    with page.expect_navigation():
        page.evaluate(
            """version => { const form = document.querySelector("form[action='/models/train']");
            form.action = `/models/${version}/activate`; form.submit(); }""",
            version,
        )
    assert page.url.endswith(f"/models/{version}/activate") and page.locator("h1").count() == 1
    reached[f"/models/{version}/activate"] = violations(page)
    return {path: found for path, found in reached.items() if found}


def violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return found


def test_every_page_has_no_axe_violation_at_both_widths_in_english_and_french(
    browser: Browser, live_sqlite: LiveService
) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/e2e` (make test does)")
    paths, version = pages_to_walk(live_sqlite)
    failures: dict[str, list[dict[str, Any]]] = {}
    for lang, marker in (("en", "Review queue"), ("fr", "File de revue")):
        for width, height in SIZES:
            # bypass_csp: the pages' CSP (script-src 'self') would refuse the injected axe script
            context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
            page = context.new_page()
            page.goto(f"{live_sqlite.url}/login")  # Chromium asks for en-US
            if lang != "en":  # switched as a user does, by the link in the header, before signing in
                page.get_by_role("link", name="Français").click()
                assert page.locator("h1").inner_text() == "Se connecter"
            failures |= {f"{lang} {width}px /login": v for v in [violations(page)] if v}
            page.locator("#key").fill(live_sqlite.keys["admin"])
            page.locator("form[action='/login'] button").click()
            for path in paths:
                page.goto(f"{live_sqlite.url}{path}")
                assert page.locator("html").get_attribute("lang") == lang, path
                if path == "/queue":  # the language chosen before signing in is kept after it
                    assert page.locator("h1").inner_text() == marker
                if path.startswith("/needs/") and path[7:].isdigit() and path != "/needs/999999":
                    assert page.locator(".need-text").get_attribute("lang") == "pt"
                found = violations(page)
                if found:
                    failures[f"{lang} {width}px {path}"] = found
                if "/compare" in path:
                    boxes = [b.bounding_box() for b in page.locator(".compared").all()]
                    assert len(boxes) == 2 and boxes[0] and boxes[1]
                    side_by_side = abs(boxes[0]["y"] - boxes[1]["y"]) < 1 and boxes[0]["x"] < boxes[1]["x"]
                    assert side_by_side == (width > 640), (width, boxes)
                    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (
                        lang,
                        width,
                        path,
                    )
            posted = posted_pages(page, live_sqlite.url, version)
            failures |= {f"{lang} {width}px {path}": found for path, found in posted.items()}
            context.close()
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)
