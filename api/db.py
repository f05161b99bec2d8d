"""Database engine and sessions (SQLite by default, PostgreSQL by DATABASE_URL)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, event
from sqlmodel import create_engine

import models  # noqa: F401  (registers every table on SQLModel.metadata)

# A request waits at most this long for a pooled connection, then gets a 503 with Retry-After.
POOL_TIMEOUT_S = 5


@cache
def get_engine(url: str, pool_size: int = 5) -> Engine:
    """One engine per database and pool size. The service sizes its pool to its thread pool: up to
    `pool_size` route sessions (`api.deps.get_session`) and, beyond them, one connection for each
    thread (a key lookup, a page's own read), so a thread never waits for a connection."""
    if url.startswith("sqlite:///") and not url.startswith(("sqlite:///:memory:", "sqlite:///file:")):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    connect_args = {"check_same_thread": False} if url.startswith("sqlite") else {}
    engine = create_engine(
        url,
        connect_args=connect_args,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size + 2,
        pool_timeout=POOL_TIMEOUT_S,
    )
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    return config


def create_tables(engine: Engine) -> None:
    """Bring the database schema to the latest migration (creating it on an empty database)."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
