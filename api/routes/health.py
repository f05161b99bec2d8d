from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

router = APIRouter(tags=["health"])


@router.get("/healthz", operation_id="healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    """Answers as long as the process runs."""
    return {"status": "ok"}


@router.get("/readyz", operation_id="readyz", summary="The database is reachable and a model is loaded")
def readyz(request: Request) -> JSONResponse:
    """Ready when the database answers and a model version is loaded."""
    checks = {"database": "ok", "model": "ok"}
    try:
        with request.app.state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        checks["database"] = "unreachable"
    try:
        checks["model"] = request.app.state.matcher.get().version_
    except Exception:
        checks["model"] = "none active"
    ready = checks["database"] == "ok" and checks["model"] != "none active"
    return JSONResponse(
        {"status": "ready" if ready else "not ready", **checks}, status_code=200 if ready else 503
    )
