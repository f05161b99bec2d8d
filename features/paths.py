"""Where the fixture catalogue lives (overridable for a catalogue of the same shape elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path


def fixtures_dir() -> Path:
    return Path(os.environ.get("SSTC_FIXTURES_DIR", Path(__file__).resolve().parents[1] / "fixtures"))
