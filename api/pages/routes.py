"""Page routes: thin, like the API's; the pages show only what the signed-in role may see.

Sign-in and sign-out live here; each group of pages has its own module, assembled into `router`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.auth_throttle import throttle_of
from api.deps import SessionDep
from api.pages import (
    catalogue_pages,
    compare_pages,
    export_pages,
    model_pages,
    need_pages,
    queue_pages,
    review_loop_pages,
)
from api.pages.page_language import gettext
from api.pages.rendering import redirect, render
from api.pages.session import CSRF, User, sign_in, sign_out
from api.security import find_key
from models import Role

router = APIRouter(include_in_schema=False)
HOME = {
    Role.country_office: "/needs",
    Role.helpdesk: "/queue",
    Role.data_scientist: "/models",
    Role.admin: "/queue",
}


@router.get("/login")
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html")


@router.post("/login")
def login(
    request: Request, session: SessionDep, key: Annotated[str, Form()] = "", _: None = CSRF
) -> Response:
    throttle = throttle_of(request)
    throttle.check(request)
    found = find_key(session, key.strip())
    if found is None:
        throttle.failed(request)
        return render(
            request, "login.html", error=gettext("That API key is not valid or was revoked."), status_code=401
        )
    sign_in(request, session, found)
    return redirect(HOME[found.role])


@router.post("/logout")
def logout(request: Request, session: SessionDep, _: None = CSRF) -> Response:
    sign_out(request, session)
    return redirect("/login")


@router.get("/")
def home(user: User) -> Response:
    return redirect(HOME[user.role])


for group in (
    need_pages,
    compare_pages,
    review_loop_pages,
    queue_pages,
    catalogue_pages,
    model_pages,
    export_pages,
):
    router.include_router(group.router)
