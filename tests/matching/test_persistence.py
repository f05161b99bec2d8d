"""Model files' checksums are plain SHA-256 of their bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import scipy.sparse as sp

from features.catalogue import Catalogue
from matching.matcher import Matcher
from matching.persistence import ModelFileError, arrays_folder, load_matcher, save_matcher, sha256_of
from tests.matching.tiny_catalogue import tiny_catalogue


@pytest.mark.parametrize("size", [0, 1, (1 << 20) + 3])
def test_sha256_of_a_file_is_hashlib_sha256_of_its_bytes(tmp_path: Path, size: int) -> None:
    content = bytes(i % 251 for i in range(size))
    path = tmp_path / "model.skops"
    path.write_bytes(content)
    assert sha256_of(path) == hashlib.sha256(content).hexdigest()


def _fitted_tiny(catalogue: Catalogue) -> Matcher:
    return Matcher(ranker="prior").fit(tiny_catalogue(catalogue.countries))


def test_a_model_whose_arrays_index_out_of_bounds_is_refused_not_read(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    matcher = _fitted_tiny(catalogue)
    postings = matcher.index_.provider_postings
    broken = postings.indices.copy()
    broken[0] = postings.shape[1] + 1000  # a provider column that does not exist
    matcher.index_.provider_postings = sp.csr_matrix(
        (postings.data, broken, postings.indptr), shape=postings.shape
    )
    path = tmp_path / "broken.skops"
    card = save_matcher(matcher, path)  # checksums of the broken arrays are stored: only bounds catch it
    with pytest.raises(
        ModelFileError, match=r"broken.skops: its posting arrays are inconsistent .*; refused"
    ):
        load_matcher(path, card["sha256"])


def test_model_files_are_written_read_only_and_their_arrays_load_read_only(
    tmp_path: Path, catalogue: Catalogue
) -> None:
    path = tmp_path / "tiny.skops"
    card = save_matcher(_fitted_tiny(catalogue), path)
    written = [path, *arrays_folder(path).iterdir()]
    assert len(written) == 4 and all(f.stat().st_mode & 0o777 == 0o444 for f in written)
    loaded = load_matcher(path, card["sha256"])
    postings = loaded.index_.provider_postings
    assert not any(part.flags.writeable for part in (postings.data, postings.indices, postings.indptr))
