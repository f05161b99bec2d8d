"""Model files' checksums are plain SHA-256 of their bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from matching.persistence import sha256_of


@pytest.mark.parametrize("size", [0, 1, (1 << 20) + 3])
def test_sha256_of_a_file_is_hashlib_sha256_of_its_bytes(tmp_path: Path, size: int) -> None:
    content = bytes(i % 251 for i in range(size))
    path = tmp_path / "model.skops"
    path.write_bytes(content)
    assert sha256_of(path) == hashlib.sha256(content).hexdigest()
