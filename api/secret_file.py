"""The secret that signs page session cookies: SSTC_SECRET_KEY, or one generated on first start.

No constant ever signs anything. The generated secret is written once into the data folder, mode
0600, and every worker and every later start reads the same file. Several workers starting at once
agree on one secret: each writes its own candidate beside the file and links it into place; the
link fails for all but the first, and those read the winner."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from api.settings import SECRET_MIN_LENGTH, Settings

SECRET_FILE = "secret_key"


def session_secret(settings: Settings) -> str:
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    return generated_secret(settings.data_dir / SECRET_FILE)


def generated_secret(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < SECRET_MIN_LENGTH:
        raise RuntimeError(f"{path} holds no usable secret; delete it to have a new one generated")
    return secret
