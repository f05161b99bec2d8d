"""One settings object, read from the environment (or the project's `.env` file).

The default data folders are under the project's `var/`, wherever the process was started; a
relative path given in the environment is taken as written (relative to the working folder)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from features.paths import PROJECT_ROOT

SECRET_MIN_LENGTH = 32
VAR = PROJECT_ROOT / "var"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SSTC_", env_file=PROJECT_ROOT / ".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        default=f"sqlite:///{VAR / 'sstc.db'}",
        validation_alias=AliasChoices("DATABASE_URL", "SSTC_DATABASE_URL"),
    )
    data_dir: Path = VAR
    model_dir: Path = VAR / "models"
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
