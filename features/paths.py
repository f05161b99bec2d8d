"""Where the project's own folders are: the fixture catalogue (overridable for a catalogue of the same
shape elsewhere) and the project root, against which the default data folders are resolved, so the
CLI, the server and a notebook opened in `notebooks/` find the same `var/`."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def fixtures_dir() -> Path:
    return Path(os.environ.get("SSTC_FIXTURES_DIR", PROJECT_ROOT / "fixtures"))
