"""The words the pages show for the codes of the enumerations (roles, statuses, decisions, outcomes,
kinds, jobs, rankers), each marked once for the catalogue and translated where it is shown; codes
stay the values forms send. `tests/api/test_translated_pages.py` checks that every value has words."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from api.pages.page_language import N_, gettext
from models import Role

ROLES = {"country_office": N_("country office"), "helpdesk": N_("help desk"),
         "data_scientist": N_("data scientist"), "admin": N_("admin")}  # fmt: skip
# a key is named as `sstc keys list` names it: its label and its role's code
KEY_ROLES = {**ROLES, "helpdesk": N_("helpdesk")}
NEED_STATUSES = {"open": N_("open"), "closed": N_("closed"), "any": N_("any")}
DECISIONS = {"accept": N_("accept"), "reject": N_("reject"), "shortlist": N_("shortlist"),
             "unsure": N_("unsure")}  # fmt: skip
STAGES = {"agreed": N_("agreed"), "funded": N_("funded"), "completed": N_("completed"),
          "dropped": N_("dropped")}  # fmt: skip
# the choices of the closing and outcome forms, with what each means
NEED_OUTCOMES = {
    "partnered": N_("Partnered: a triad was agreed"),
    "no_suitable_partner": N_("No suitable partner was found"),
    "withdrawn": N_("Withdrawn by the country office"),
}
STAGE_CHOICES = {
    "agreed": N_("Agreed: the partners agreed to work together"),
    "funded": N_("Funded"),
    "completed": N_("Completed"),
    "dropped": N_("Dropped: it will not go ahead"),
}
PROVIDER_KINDS = {"country": N_("country"), "cooperation_agency": N_("cooperation agency"),
                  "centre_of_excellence": N_("centre of excellence"),
                  "research_institute": N_("research institute"), "public_agency": N_("public agency"),
                  "ngo": N_("NGO"), "fund": N_("fund")}  # fmt: skip
FACILITATOR_KINDS = {"un_entity": N_("UN entity"), "trust_fund": N_("trust fund"),
                     "development_bank": N_("development bank"), "donor_agency": N_("donor agency"),
                     "regional_org": N_("regional organisation"), "foundation": N_("foundation"),
                     "southern_government": N_("Southern government"),
                     "global_fund": N_("global fund")}  # fmt: skip
MODEL_STATUSES = {"candidate": N_("candidate"), "active": N_("active"), "retired": N_("retired")}
JOB_STATUSES = {"queued": N_("queued"), "running": N_("running"), "done": N_("done"), "failed": N_("failed")}
JOB_KINDS = {"train": N_("train"), "evaluate": N_("evaluate")}
RANKERS = {"learned": N_("learned"), "prior": N_("prior"), "popularity": N_("popularity"),
           "text-only": N_("text-only"), "random": N_("random")}  # fmt: skip
TARGETS = {"provider": N_("provider"), "facilitator": N_("facilitator"), "triad": N_("triad")}
ENUMS = {"role_names": ROLES, "status_names": NEED_STATUSES, "decision_names": DECISIONS,
         "stage_names": STAGES, "kind_names": {**PROVIDER_KINDS, **FACILITATOR_KINDS},
         "model_status_names": MODEL_STATUSES, "job_status_names": JOB_STATUSES,
         "job_kind_names": JOB_KINDS, "ranker_names": RANKERS, "target_names": TARGETS}  # fmt: skip


def in_words(words: Mapping[str, str]) -> dict[str, str]:
    """Each code's words in the request's language."""
    return {code: gettext(said) for code, said in words.items()}


def said(words: Mapping[str, str], code: str) -> str:
    """One code's words in the request's language; a code without words is shown as it is."""
    return gettext(words[code]) if code in words else code


def key_role() -> Callable[[Role], str]:
    return lambda role: said(KEY_ROLES, role.value)
