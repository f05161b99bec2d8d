"""The FastAPI application factory: `uvicorn --factory api.app:create_app`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from threadpoolctl import threadpool_limits

from api.auth_throttle import AuthThrottle
from api.db import create_tables, get_engine
from api.errors import install_error_handlers
from api.key_cache import KeyCache
from api.matcher_holder import MatcherHolder
from api.pages import routes as pages
from api.pages.errors import install_page_handlers
from api.pages.page_language import PageLanguageMiddleware
from api.routes import catalogue, catalogue_edits, health, imports, models, needs, reviews
from api.secret_file import session_secret
from api.settings import Settings, get_settings

DESCRIPTION = """Partner matching for South-South and triangular cooperation: state a need, get
ranked triads (a Southern provider and a facilitator) with exact explanations, review them, and
manage the model versions that rank them. Every route but the health checks needs an API key
(`Authorization: Bearer …`, from `sstc keys create`)."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # One BLAS/OpenMP thread per worker: busy-waiting threads cost far more than they give here.
    threadpool_limits(1)
    engine = get_engine(settings.database_url, pool_size=settings.worker_threads)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        create_tables(engine)
        app.state.matcher.refresh()
        yield

    app = FastAPI(title="sstc-match", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_slots = asyncio.Semaphore(settings.worker_threads)
    app.state.matcher = MatcherHolder(engine)
    app.state.auth_throttle = AuthThrottle(settings.failed_auth_limit)
    app.state.key_cache = KeyCache()
    install_error_handlers(app, settings.max_body_bytes, settings.max_import_bytes)
    install_page_handlers(app)
    for module in (health, needs, reviews, catalogue, catalogue_edits, models, imports):
        app.include_router(module.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=Path(pages.__file__).parent / "static"), name="static")
    app.add_middleware(PageLanguageMiddleware)  # inside the session middleware: it reads the session
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie="sstc_session",
        same_site="strict",
        https_only=settings.environment == "production",
    )
    logging.getLogger("api").setLevel(logging.INFO)
    return app
