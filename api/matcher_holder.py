"""The active model of one worker, swapped atomically when another version is activated.

Every worker checks the database for the active version at most once a second; a new version is
loaded beside the old one and swapped in one assignment. A model file that fails its checksum is
refused and the one already loaded keeps serving.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine

from api.model_registry import active_version, load_version
from matching.matcher import Matcher
from matching.persistence import ModelFileError

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
        self._refused: set[str] = set()
        self._checked_at = -float("inf")

    @property
    def version(self) -> str | None:
        return self._version

    def check_due(self) -> bool:
        return time.monotonic() - self._checked_at >= self.check_every_s

    def get(self) -> Matcher:
        if self.check_due():
            self.refresh()
        if self._matcher is None:
            raise NoActiveModel("no model version is active; a data scientist must train and activate one")
        return self._matcher

    def refresh(self) -> None:
        with self._lock:
            self._checked_at = time.monotonic()
            row = active_version(self.engine)
            if row is None or row.id == self._version or row.id in self._refused:
                return
            try:
                matcher = load_version(row)
            except ModelFileError as exc:
                self._refused.add(row.id)
                log.error("refused model %s, still serving %s: %s", row.id, self._version, exc)
                return
            self._matcher, self._version = matcher, row.id
            log.info("now serving model %s", row.id)
