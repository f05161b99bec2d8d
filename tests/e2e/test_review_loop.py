"""The loop from a decision to the next model, in a real headless Chromium against a real server, at
a laptop's and a phone's width, in English and in French.

The help desk: a decision is confirmed as saved and says who made it, the queue and the need's
triads download as CSV with it, running the engine again asks first and keeps the decision, an
accepted triad is followed to "agreed" (a partnership of the history), and the need is closed with
its outcome and leaves the queue. Then a data scientist on the Models page: Train starts a
background job whose progress the page shows until the new version appears with what it was trained
on; Activate and Roll back each ask first, naming the version replaced or restored; a roll-back
never leads back to the version just left. The Models test comes last in the module, as it changes
the active version of the server the module's tests share (and restores it)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from babel import Locale
from playwright.sync_api import Browser, Locator, Page, expect
from sqlmodel import Session, col, select

from api.db import get_engine
from models import Need, NeedStatus, Partnership
from tests.e2e.conftest import LiveService
from tests.e2e.page_language_helpers import (
    Words,
    browser,
    desk,
    fits,
    lang,
    shot,
    signed_in_context,
    size,
    t,
    width_of,
)

__all__ = ["browser", "desk", "lang", "size", "t"]  # the module's Chromium, help desk and their settings
WHEN = r"\d{4}-\d\d-\d\d \d\d:\d\d"
# A grouped 5-fold evaluation takes 35-60 s on CI's machine, so one (width, language) waits for one;
# the others find its button. Training a version takes about 10 s and every run waits for it.
EVALUATED = ((390, 844), "fr")
JOB_LIMIT_MS = 180_000  # only stops a hung job; the page reloads itself every 5 s meanwhile
COUNT = re.compile(r"[1-9]\d*")


def downloaded(page: Page, link: str) -> tuple[str, list[dict[str, str]]]:
    """The file a click on the link downloads: its name and its rows, read as a spreadsheet would."""
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    with Path(download.value.path()).open(encoding="utf-8", newline="") as sheet:
        return download.value.suggested_filename, list(csv.DictReader(sheet))


def test_a_decision_survives_a_rerun_and_the_triad_is_followed_to_a_closed_need(
    desk: Page, live_sqlite: LiveService, t: Words
) -> None:
    title = f"Fish smoking ovens for women's cooperatives {t.lang} {width_of(desk)}"
    me = f"{live_sqlite.keys['helpdesk'][:12]} ({t('helpdesk')})"
    senegal = Locale.parse(t.lang).territories["SN"]  # typed as a user of the language names it
    desk.goto(f"{live_sqlite.url}/needs/new")
    desk.get_by_label(t("Country (name or ISO3)")).fill(senegal)
    desk.get_by_label(t("Title")).fill(title)
    desk.get_by_label(t("What do you need?")).fill(
        "Improved fish smoking ovens and training for women processors."
    )
    desk.get_by_role("button", name=t("Find partners")).click()
    expect(desk.get_by_role("heading", name=title)).to_be_visible()
    need_path = desk.url.removeprefix(live_sqlite.url)
    need_id = int(need_path.rsplit("/", 1)[1])

    first = desk.locator("li.suggestion").first
    first.get_by_label(t("accept"), exact=True).check()
    first.get_by_label(t("Comment"), exact=True).fill("Good fit, call the provider")
    first.get_by_role("button", name=t("Save decision on #%(rank)s", rank=1)).click()
    expect(desk.get_by_role("status")).to_have_text(
        t("Decision saved on #{rank}: {decision}.", rank=1, decision=t("accept"))
    )
    decided = t.pattern("%(decision)s by %(who)s", decision=t("accept"), who=me).pattern
    first = desk.locator("li.suggestion").first
    expect(first.locator("ol.history li")).to_have_text(
        re.compile(rf"^{WHEN} UTC · {decided} — “Good fit, call the provider”$")
    )
    fits(desk)
    desk.reload()
    expect(desk.get_by_role("status")).to_have_count(0)  # the confirmation is shown once

    name, rows = downloaded(desk, t("Download these triads with their reasons and decisions (CSV)"))
    assert name == f"need-{need_id}-triads.csv" and [row["rank"] for row in rows] == [
        str(r) for r in range(1, 11)
    ]
    assert (rows[0]["decision"], rows[0]["comment"]) == ("accept", "Good fit, call the provider")
    assert rows[0]["reasons"] and not any(row["decision"] for row in rows[1:])
    desk.goto(f"{live_sqlite.url}/queue?country={senegal}")
    name, rows = downloaded(desk, t("Download these needs as CSV"))
    ours = [row for row in rows if row["need"] == str(need_id)]
    assert name == "review-queue.csv" and {row["country code"] for row in rows} == {"SEN"}
    assert [(row["title"], row["suggestions"], row["decided"]) for row in ours] == [(title, "10", "1")]

    desk.goto(f"{live_sqlite.url}{need_path}")
    desk.get_by_role("button", name=t("Run the engine again")).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(
        t("Run the engine again for “%(title)s”?", title=title)
    )
    effect = desk.locator(".run-again-effect")
    expect(effect).to_contain_text(
        t.n("The help desk has decided on %(count)s triad of this need",
            "The help desk has decided on %(count)s triads of this need", 1)
        + " " + t.n("(%(count)s decision in all).", "(%(count)s decisions in all).", 1)
    )  # fmt: skip
    expect(effect).to_contain_text(
        t("Nothing is lost: a decision carries over to every triad the new run proposes again, "
          "and triads it no longer proposes keep their decisions in the history.")
    )  # fmt: skip
    fits(desk)
    shot(desk, f"run-again-confirm-{t.lang}-{width_of(desk)}px")
    desk.get_by_role("button", name=t("Yes, run the engine again")).click()
    counts = {"{count} new": 0, "{count} dropped": 0, "{count} moved": 0, "{count} at the same rank": 10}
    summary = ", ".join(t.n(words, words, count) for words, count in counts.items())
    expect(desk.get_by_role("status")).to_have_text(
        t(
            "The engine ran again: {summary}. Decisions carried over to the triads proposed again.",
            summary=summary,
        )
    )
    expect(desk.get_by_role("heading", name=t("What changed since the previous run"))).to_be_visible()
    first = desk.locator("li.suggestion").first
    current = 'Current decision: <strong class="decision">%(decision)s</strong> by %(who)s on %(when)s UTC'
    carried = t.pattern(current, decision=t("accept"), who=me, when=re.compile(WHEN))
    expect(first.locator(".current-decision")).to_have_text(
        re.compile(
            rf"^{carried.pattern}\s+{re.escape(t('(already decided on an earlier run of the engine)'))}$"
        )
    )

    agreed = t("Agreed: the partners agreed to work together")
    first.get_by_label(agreed).check()
    first.get_by_role("button", name=t("Save the outcome of #%(rank)s", rank=1)).click()
    expect(desk.get_by_role("status")).to_have_text(
        t("Outcome saved for #{rank}: {stage}.", rank=1, stage=agreed)
        + " " + t("It is now a partnership of the history, for the next training run.")
    )  # fmt: skip
    expect(desk.locator("li.suggestion").first.locator(".current-outcome")).to_contain_text(
        t.pattern("Outcome: <strong>%(stage)s</strong> by %(who)s on %(when)s UTC", stage=t("agreed"), who=me)
    )
    fits(desk)
    shot(desk, f"triad-agreed-{t.lang}-{width_of(desk)}px")

    partnered = t("Partnered: a triad was agreed")
    desk.locator("details.close-need summary").click()
    desk.get_by_label(partnered).check()
    desk.get_by_role("button", name=t("Close the need")).click()
    expect(desk.get_by_role("status")).to_have_text(
        t("Need closed: {outcome}. It has left the review queue.", outcome=partnered)
    )
    status = [t.pattern(words).pattern for words in ("closed", "Partnered: a triad was agreed")]
    closed_by = t.pattern("closed by %(who)s on %(when)s UTC", who=me, when=re.compile(WHEN)).pattern
    expect(desk.locator("dd.need-status")).to_have_text(
        re.compile(rf"^{status[0]}\s+—\s+{status[1]};\s+{closed_by}$")
    )
    expect(desk.locator("details.close-need")).to_have_count(0)
    fits(desk)
    desk.goto(f"{live_sqlite.url}/queue")
    expect(desk.get_by_role("link", name=title)).to_have_count(0)

    with Session(get_engine(live_sqlite.settings.database_url)) as session:
        need = session.get(Need, need_id)
        assert need is not None and need.status == NeedStatus.closed
        made = session.exec(
            select(Partnership).where(col(Partnership.id).startswith(f"helpdesk-{need_id}-"))
        ).all()
        assert [(p.title, p.source_name, p.beneficiaries) for p in made] == [(title, "help desk", ["SEN"])]


def version_row(page: Page, version: str) -> Locator:
    return page.locator("table.versions tbody tr").filter(
        has=page.locator("td.version", has_text=re.compile(rf"^{re.escape(version)}$"))
    )


def status_of(page: Page, version: str) -> Locator:
    return version_row(page, version).locator("td").nth(1)


def finished_job(page: Page, t: Words, kind: str, what: str) -> Locator:
    """The job just started, as the page shows it: started, in progress (the page says it reloads
    itself), then done; the row of the most recent job."""
    expect(page.get_by_role("status")).to_have_text(
        t.pattern("Job {job} started ({kind} {what})", job=COUNT, kind=t(kind), what=what)
    )
    job = page.locator("table.jobs tbody tr").first
    expect(job.locator("td.status")).to_have_text(re.compile(rf"^({t('queued')}|{t('running')})$"))
    expect(page.get_by_text(t("A job is running; this page reloads every 5 seconds."))).to_be_visible()
    expect(job.locator("td.status")).to_have_text(t("done"), timeout=JOB_LIMIT_MS)
    return job


def test_the_models_page_trains_a_version_then_activates_and_rolls_back_after_confirmations(
    browser: Browser, live_sqlite: LiveService, size: tuple[int, int], lang: str, t: Words
) -> None:
    page = signed_in_context(browser, live_sqlite, "scientist", size, lang)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(t("Model versions"))
    active = page.locator("td:nth-child(2)", has_text=re.compile(rf"^{t.same('active')}$"))
    seeded = page.locator("table.versions tbody tr").filter(has=active).locator("td.version").inner_text()

    page.get_by_label(t("Ranker")).select_option("prior")
    page.get_by_role("button", name=t("Train a new version")).click()
    job = finished_job(page, t, "train", t("prior"))
    candidate = job.locator("td").last.inner_text()
    trained = [t.pattern("%(count)s partnerships", count=COUNT).pattern,
               t.pattern("%(count)s reviews", count=re.compile(r"\d+")).pattern]  # fmt: skip
    expect(version_row(page, candidate).locator("td.trained")).to_have_text(
        re.compile(rf"^{trained[0]}\s*{trained[1]}$"), use_inner_text=True
    )
    expect(status_of(page, candidate)).to_have_text(t.same("candidate"))
    fits(page)

    page.get_by_role("button", name=t("Activate %(version)s", version=candidate), exact=True).click()
    expect(heading).to_have_text(t("Activate {version}?", version=candidate))
    replaces = "It replaces {current} as the active model; every worker switches within a second."
    expect(page.locator("main p").first).to_have_text(t(replaces, current=seeded))
    page.get_by_role("button", name=t("Yes, activate {version}", version=candidate)).click()
    expect(page.get_by_role("status")).to_have_text(
        t("{version} is now the active version", version=candidate)
    )
    expect(status_of(page, candidate)).to_have_text(t.same("active"))
    fits(page)  # the table fits the page, its Activate column included
    shot(page, f"models-{t.lang}-{size[0]}px")

    page.get_by_role("button", name=t("Roll back to %(version)s", version=seeded), exact=True).click()
    expect(heading).to_have_text(t("Roll back to {version}?", version=seeded))
    expect(page.locator("main p").first).to_have_text(
        t("It replaces {current}, which stays available to activate again; a second roll-back goes "
          "further back, not back to it.", current=candidate)
    )  # fmt: skip
    page.get_by_role("button", name=t("Yes, roll back to {version}", version=seeded)).click()
    expect(page.get_by_role("status")).to_have_text(
        t("Rolled back: {version} is the active version again", version=seeded)
    )
    expect(status_of(page, seeded)).to_have_text(t.same("active"))
    expect(status_of(page, candidate)).to_have_text(t("retired"))
    # no ping-pong: nothing offers to roll back to the version just rolled back from
    expect(page.get_by_role("button", name=t("Roll back to %(version)s", version=candidate))).to_have_count(0)
    evaluate = page.get_by_role("button", name=t("Evaluate %(version)s", version=candidate), exact=True)
    expect(evaluate).to_be_visible()
    if (size, lang) == EVALUATED:
        evaluate.click()
        finished_job(page, t, "evaluate", candidate)
        figures = version_row(page, candidate).locator("td").nth(4)
        expect(figures).to_have_text(re.compile(r"^[01][.,]\d{3}$"))  # hit@10 filled in, in the page's digits
    fits(page)
    page.context.close()
