from __future__ import annotations

import contextlib

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from api.matcher_holder import MatcherHolder, NoActiveModel

router = APIRouter(tags=["health"])
DATABASE_CHECK_S = 3
# A write that changes nothing (no row has a negative id), rolled back: it fails when the database
# refuses writes (read-only file or server, full disk) as any real write would.
WRITE_PROBE = text("UPDATE pagesession SET ended_at = ended_at WHERE id < 0")


@router.get("/healthz", operation_id="healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    """Answers as long as the process runs; on the event loop, so busy threads never delay it."""
    return {"status": "ok"}


def database_state(engine: Engine) -> str:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            try:
                connection.execute(WRITE_PROBE)
            except Exception:
                return "read-only"
            finally:
                connection.rollback()
    except Exception:
        return "unreachable"
    return "ok"


@router.get(
    "/readyz", operation_id="readyz", summary="The database takes writes and a model version is loaded"
)
async def readyz(request: Request) -> JSONResponse:
    """Ready when the database answers and takes writes, and a model version is loaded. When the
    active version cannot be loaded and an earlier one serves instead, both are named, with why."""
    holder: MatcherHolder = request.app.state.matcher
    with anyio.move_on_after(DATABASE_CHECK_S):
        database = "busy"
        database = await anyio.to_thread.run_sync(
            database_state, request.app.state.engine, abandon_on_cancel=True
        )
    # the status below says why; a database that is down is reported as such above
    with contextlib.suppress(NoActiveModel, SQLAlchemyError):
        await run_in_threadpool(holder.get)
    model = holder.status()
    ready = database == "ok" and model["model"] != "none active"
    body = {"status": "ready" if ready else "not ready", "database": database, **model}
    return JSONResponse(body, status_code=200 if ready else 503)
