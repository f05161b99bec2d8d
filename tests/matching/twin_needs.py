"""The twin needs of `fixtures/cross_lingual_needs.jsonl`: each need written in EN, FR, ES and PT,
with the provider planted as its partner."""

from __future__ import annotations

import json
from typing import Any

from features.paths import fixtures_dir

TWINS: list[dict[str, Any]] = [
    json.loads(line)
    for line in (fixtures_dir() / "cross_lingual_needs.jsonl").read_text("utf-8").splitlines()
]


def twin(topic: str, language: str) -> dict[str, str]:
    """The raw need (country, title, text) of one topic in one language."""
    found = next(t for t in TWINS if (t["topic"], t["language"]) == (topic, language))
    return {k: found[k] for k in ("country", "title", "text")}
