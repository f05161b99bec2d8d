"""Partnerships brought into the history from an uploaded IATI or CSV file, as `sstc import` does."""

from __future__ import annotations

import logging
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, cast

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    File,
    Form,
    HTTPException,
    Request,
    UploadFile,
    status,
)
from sqlalchemy import Engine
from sqlmodel import Session

from api.deps import RowId, SessionDep, require
from api.errors import field_error
from api.partnership_import import ImportFormat, error_records, import_file
from api.request_guard import IMPORTS_PATH
from features.errors import SSTCError
from models import ApiKey, Role
from models.operations import ImportJob, ImportJobPublic

router = APIRouter(prefix=IMPORTS_PATH, tags=["imports"])
Admin = Annotated[ApiKey, Depends(require(Role.admin))]
log = logging.getLogger("api")
# The name is kept on each partnership (`imported_from`) and a temporary copy is written under it.
FILE_NAME = re.compile(r"[^/\\\x00-\x1f\x7f]{1,200}")


def _public(job: ImportJob) -> ImportJobPublic:
    return ImportJobPublic.model_validate(job.model_dump())


def run_import_job(engine: Engine, job_id: int, content: bytes) -> None:
    """The background part of POST /imports: one transaction, so a failed import stores nothing."""
    with Session(engine) as session:
        job = session.get(ImportJob, job_id)
        assert job is not None
        job.status = "running"
        session.commit()
        file_format, file_name, dry_run = cast(ImportFormat, job.format), job.file_name, job.dry_run
    report, errors = None, []
    try:
        with tempfile.TemporaryDirectory(prefix="sstc-import-") as folder:
            path = Path(folder) / file_name
            path.write_bytes(content)
            report = import_file(engine, file_format, path, dry_run=dry_run).as_json()
    except SSTCError as exc:
        errors = error_records(exc)
    except Exception as exc:  # recorded for the admin, so the job never stays "running"
        log.exception("import job %s failed", job_id)
        errors = [{"why": f"{type(exc).__name__}: {exc}"[:2000]}]
    with Session(engine) as session:
        job = session.get(ImportJob, job_id)
        assert job is not None
        job.status, job.report, job.errors = ("failed" if errors else "done"), report, errors
        job.finished_at = datetime.now(UTC)
        session.commit()


def _file_name(upload: UploadFile) -> str:
    """The uploaded file's own name, without any folder a client put in front of it."""
    name = re.split(r"[/\\]", upload.filename or "")[-1]
    if not FILE_NAME.fullmatch(name) or name in {".", ".."}:
        message = "the file needs a name of 1 to 200 characters, without slashes or control characters"
        detail = [field_error("file", message, "value_error")]
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail)
    return name


@router.post(
    "",
    operation_id="start_import",
    summary="Import partnerships from an IATI activity file or a CSV, in the background",
    status_code=status.HTTP_202_ACCEPTED,
)
def start_import(
    key: Admin,
    session: SessionDep,
    request: Request,
    tasks: BackgroundTasks,
    file: Annotated[UploadFile, File(description="An IATI activity file (2.0x) or a CSV of the history.")],
    format: Annotated[ImportFormat, Form(description="iati or csv")],
    dry_run: Annotated[bool, Form(description="Read, resolve and report; store nothing.")] = False,
) -> ImportJobPublic:
    """Poll the job: done with the report of `sstc import --json`, or failed with what stopped it."""
    job = ImportJob(format=format, file_name=_file_name(file), dry_run=dry_run, started_by=key.id)
    content = file.file.read()
    session.add(job)
    session.commit()
    session.refresh(job)
    assert job.id is not None
    tasks.add_task(run_import_job, request.app.state.engine, job.id, content)
    return _public(job)


@router.get("/{job_id}", operation_id="read_import_job", summary="Poll an import job")
def read_import_job(job_id: RowId, key: Admin, session: SessionDep) -> ImportJobPublic:
    """queued, running, done (with the report) or failed (with the file, line and element)."""
    job = session.get(ImportJob, job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"import job {job_id} not found")
    return _public(job)
