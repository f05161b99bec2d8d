"""One settings object, read from the environment (or a `.env` file)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SSTC_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        default="sqlite:///var/sstc.db",
        validation_alias=AliasChoices("DATABASE_URL", "SSTC_DATABASE_URL"),
    )
    model_dir: Path = Path("var/models")
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    max_body_bytes: int = 1_000_000

    @model_validator(mode="after")
    def refuse_default_secret(self) -> Settings:
        if self.environment == "production" and (self.secret_key.get_secret_value() == DEVELOPMENT_SECRET):
            raise ValueError("SSTC_SECRET_KEY must be set to a secret of your own in production")
        return self


@cache
def get_settings() -> Settings:
    return Settings()
