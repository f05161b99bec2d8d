"""One settings object, read from the environment (or a `.env` file)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_MIN_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SSTC_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        default="sqlite:///var/sstc.db",
        validation_alias=AliasChoices("DATABASE_URL", "SSTC_DATABASE_URL"),
    )
    data_dir: Path = Path("var")
    model_dir: Path = Path("var/models")
    # Signs the page session cookie. Unset: a random one is generated into data_dir/secret_key.
    secret_key: SecretStr | None = None
    max_body_bytes: int = 1_000_000
    # Uploads to POST /api/v1/imports only: a publisher's IATI file is often several megabytes.
    max_import_bytes: int = Field(default=20_000_000, ge=1)
    # Threads of each worker for blocking work; the database pool is sized to match.
    worker_threads: int = Field(default=16, ge=1, le=200)
    failed_auth_limit: str = "20/minute"
    session_idle_hours: float = Field(default=12, gt=0)

    @field_validator("secret_key")
    @classmethod
    def long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < SECRET_MIN_LENGTH:
            raise ValueError(
                f"SSTC_SECRET_KEY must be at least {SECRET_MIN_LENGTH} characters of random text"
            )
        return value


@cache
def get_settings() -> Settings:
    return Settings()
