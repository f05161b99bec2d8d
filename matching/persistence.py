"""Save and load a fitted Matcher with skops (no code runs on load), a SHA-256 and a model card."""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import skops.io as sio

from features.errors import SSTCError
from matching.matcher import MODEL_FORMAT, Matcher

# Only types from these packages may be rebuilt from a model file.
TRUSTED_PREFIXES = (
    "features.",
    "matching.",
    "numpy",
    "scipy.",
    "sklearn.",
    "builtins.",
    "collections.",
)
LIBRARIES = ("scikit-learn", "scipy", "numpy", "skops", "sstc-match")


class ModelFileError(SSTCError):
    """A model file that is missing, altered or not what it claims to be."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_matcher(matcher: Matcher, path: Path, card: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write the model and its card (`<path>.card.json`); return the card with the checksum."""
    path.parent.mkdir(parents=True, exist_ok=True)
    matcher.version_ = path.stem
    matcher._countries_resolver = None  # rebuilt on demand after loading
    matcher.history_._views.clear()
    sio.dump(matcher, path)
    full_card = {
        "version": path.stem,
        "file": path.name,
        "sha256": sha256_of(path),
        "created_at": datetime.now(UTC).isoformat(),
        "ranker": matcher.ranker,
        "data_snapshot": matcher.snapshot_,
        "parameters": matcher.get_params(),
        "abstain_threshold": matcher.abstain_threshold_,
        "libraries": {name: version(name) for name in LIBRARIES},
        "python": platform.python_version(),
        **(card or {}),
    }
    card_path(path).write_text(json.dumps(full_card, indent=2, default=str), encoding="utf-8")
    return full_card


def card_path(path: Path) -> Path:
    return path.with_suffix(".card.json")


def load_matcher(path: Path, expected_sha256: str) -> Matcher:
    """Load a model only if its checksum matches and it holds nothing but trusted types."""
    if not path.is_file():
        raise ModelFileError(f"model file {path} does not exist")
    actual = sha256_of(path)
    if actual != expected_sha256:
        raise ModelFileError(
            f"model file {path.name} has checksum {actual[:12]}…, expected {expected_sha256[:12]}…; refused"
        )
    untrusted = sio.get_untrusted_types(file=path)
    foreign = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES)]
    if foreign:
        raise ModelFileError(f"model file {path.name} holds types outside the allowed packages: {foreign}")
    matcher = sio.load(path, trusted=untrusted)
    if not isinstance(matcher, Matcher):
        raise ModelFileError(f"model file {path.name} holds a {type(matcher).__name__}, not a Matcher")
    found = getattr(matcher, "format_", 1)
    if found != MODEL_FORMAT:
        raise ModelFileError(
            f"model file {path.name} has layout {found}, this sstc-match reads layout {MODEL_FORMAT}; "
            "train a new version (sstc train)"
        )
    return matcher
