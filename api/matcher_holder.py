"""The active model of one worker, swapped atomically when another version is activated.

Every worker checks the database for the active version at most once a second; a new version is
loaded beside the old one and swapped in one assignment. A version that cannot be loaded (a file
missing, altered, or inconsistent) is refused and the one already loaded keeps serving. A worker
that starts with an unloadable active version serves the latest earlier version that loads, and
says so (`problem`), rather than serving nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from sqlalchemy import Engine

from api.model_registry import activation_history, active_version, load_version
from features.errors import SSTCError
from matching.matcher import Matcher
from matching.persistence import ModelFileError
from models import ModelVersion

log = logging.getLogger(__name__)


class NoActiveModel(RuntimeError):
    """No model version is active (or loadable) yet."""


class MatcherHolder:
    def __init__(self, engine: Engine, check_every_s: float = 1.0) -> None:
        self.engine = engine
        self.check_every_s = check_every_s
        self._lock = threading.Lock()
        self._matcher: Matcher | None = None
        self._version: str | None = None
        self._active: str | None = None
        self._refused: dict[str, str] = {}
        self._checked_at = -float("inf")

    @property
    def version(self) -> str | None:
        return self._version

    @property
    def problem(self) -> str | None:
        """Why the version served is not the active one, if it is not."""
        if self._active is None or self._active == self._version or self._active not in self._refused:
            return None
        return f"the active model version {self._active} cannot be loaded: {self._refused[self._active]}"

    def status(self) -> dict[str, Any]:
        return {
            "model": self._version or "none active",
            "active_version": self._active,
            "problem": self.problem,
        }

    def check_due(self) -> bool:
        return time.monotonic() - self._checked_at >= self.check_every_s

    def get(self) -> Matcher:
        if self.check_due():
            self.refresh()
        if self._matcher is None:
            why = self.problem or "no model version is active"
            raise NoActiveModel(f"{why}; a data scientist must activate a version that loads (or train one)")
        return self._matcher

    def refresh(self) -> None:
        with self._lock:
            self._checked_at = time.monotonic()
            row = active_version(self.engine)
            self._active = row.id if row is not None else None
            if row is None or row.id == self._version or row.id in self._refused:
                return
            if self._load(row) or self._matcher is not None:
                return
            for earlier in activation_history(self.engine):
                if earlier.id not in self._refused and self._load(earlier):
                    log.error("serving %s instead: %s", earlier.id, self.problem)
                    return

    def _load(self, row: ModelVersion) -> bool:
        try:
            matcher = load_version(row)
        except ModelFileError as exc:
            self._refused[row.id] = str(exc)
            log.error("refused model %s, still serving %s: %s", row.id, self._version, exc)
            return False
        warm_up(matcher)
        self._matcher, self._version = matcher, row.id
        log.info("now serving model %s", row.id)
        return True


def warm_up(matcher: Matcher) -> None:
    """Answer one need before serving, so that what is built once per process (the taxonomy's
    index, the country name resolver, the history view and its norms, the capitals' distances)
    is not built during a caller's request: on a busy machine that took seconds."""
    country = next(iter(matcher.country_names_), None)
    try:
        matcher.recommend([matcher.resolve({"country": country, "text": "water, health and schools"})])
    except SSTCError as exc:  # the first caller pays instead; the model itself loaded and checked
        log.warning("could not warm up the model: %s", exc)
