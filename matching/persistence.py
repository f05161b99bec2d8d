"""Save and load a fitted Matcher with skops (no code runs on load), a SHA-256 and a model card.

The providers' posting lists, the one large part of a model, are kept beside the skops file as
plain `.npy` arrays (`<version>.arrays/`) whose checksums are stored inside it. They are loaded
memory-mapped and read-only: a worker reads them without first copying them, and every worker on
a machine shares the same pages. Because they are mapped, a file changed in place under a running
worker changes what it reads: model files are written read-only, and the model folder must be
read-only to the service's user. At load, the arrays' checksums, shape and index bounds are checked,
so a damaged file is refused instead of read out of bounds. A model with semantic features keeps its
float16 sentence embeddings there too (`semantic_vectors.npy`), checked the same way.
"""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
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
POSTING_PARTS = ("data", "indices", "indptr")
SEMANTIC_FILE = "semantic_vectors.npy"  # float16 sentence embeddings of profiles and partnerships
LIBRARIES = ("scikit-learn", "scipy", "numpy", "skops", "sstc-match")
READ_ONLY = 0o444


class ModelFileError(SSTCError):
    """A model file that is missing, altered or not what it claims to be."""


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def save_matcher(matcher: Matcher, path: Path, card: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write the model and its card (`<path>.card.json`); return the card with the checksum."""
    path.parent.mkdir(parents=True, exist_ok=True)
    matcher.version_ = path.stem
    matcher.drop_caches()  # rebuilt on demand after loading
    postings = matcher.index_.provider_postings
    matcher.external_arrays_ = _write_arrays(postings, arrays_folder(path))
    matcher.index_.provider_postings = sp.csr_matrix((0, 0), dtype=np.float32)
    semantic = getattr(matcher, "semantic_", None)  # the sentence embeddings, if the model has them
    vectors = None if semantic is None else semantic.encoder.vectors_
    if semantic is not None and vectors is not None:
        matcher.external_arrays_["semantic"] = _write_dense(vectors, arrays_folder(path) / SEMANTIC_FILE)
        semantic.encoder.vectors_ = np.zeros((0, vectors.shape[1]), dtype=vectors.dtype)
    try:
        sio.dump(matcher, path)
    finally:
        matcher.index_.provider_postings = postings
        if semantic is not None and vectors is not None:
            semantic.encoder.vectors_ = vectors
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
    for written in (path, *arrays_folder(path).iterdir()):
        written.chmod(READ_ONLY)
    return full_card


def arrays_folder(path: Path) -> Path:
    return path.with_suffix(".arrays")


def _write_arrays(postings: sp.csr_matrix, folder: Path) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for part in POSTING_PARTS:
        file = folder / f"provider_postings.{part}.npy"
        np.save(file, np.ascontiguousarray(getattr(postings, part)), allow_pickle=False)
        files[file.name] = sha256_of(file)
    return {"shape": list(postings.shape), "files": files}


def _write_dense(array: np.ndarray, file: Path) -> dict[str, Any]:
    np.save(file, np.ascontiguousarray(array), allow_pickle=False)
    return {
        "file": file.name,
        "sha256": sha256_of(file),
        "shape": list(array.shape),
        "dtype": str(array.dtype),
    }


def _read_dense(path: Path, external: dict[str, Any]) -> np.ndarray:
    """A dense array beside the model (the sentence embeddings), checksum, shape and dtype checked."""
    file = arrays_folder(path) / external["file"]
    _check(file, external["sha256"], f"model file {path.name}: {file.name}", "is missing beside it")
    array = np.load(file, mmap_mode="r", allow_pickle=False)
    if list(array.shape) != external["shape"] or str(array.dtype) != external["dtype"]:
        raise ModelFileError(
            f"model file {path.name}: {file.name} holds {array.dtype} {list(array.shape)}, "
            f"expected {external['dtype']} {external['shape']}; refused"
        )
    return array


def _read_arrays(path: Path, external: dict[str, Any]) -> sp.csr_matrix:
    """The posting lists beside the model, each file checked against the checksum stored inside it."""
    parts = {}
    for name, expected in external["files"].items():  # the posting lists
        file = arrays_folder(path) / name
        _check(file, expected, f"model file {path.name}: {file.name}", "is missing beside it")
        parts[name.split(".")[1]] = np.load(file, mmap_mode="r", allow_pickle=False)
    shape = tuple(external["shape"])
    matrix = sp.csr_matrix((parts["data"], parts["indices"], parts["indptr"]), shape=shape, copy=False)
    try:
        matrix.check_format(full_check=True)  # index bounds, indptr order and lengths
    except ValueError as exc:
        raise ModelFileError(
            f"model file {path.name}: its posting arrays are inconsistent ({exc}); refused"
        ) from exc
    return matrix


def _check(file: Path, expected_sha256: str, what: str, missing: str) -> None:
    if not file.is_file():
        raise ModelFileError(f"{what} {missing}")
    actual = sha256_of(file)
    if actual != expected_sha256:
        raise ModelFileError(f"{what} has checksum {actual[:12]}…, expected {expected_sha256[:12]}…; refused")


def card_path(path: Path) -> Path:
    return path.with_suffix(".card.json")


def load_matcher(path: Path, expected_sha256: str) -> Matcher:
    """Load a model only if its checksum matches and it holds nothing but trusted types."""
    _check(path, expected_sha256, f"model file {path.name}", f"does not exist ({path})")
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
    postings = _read_arrays(path, matcher.external_arrays_)
    providers = len(matcher.index_.provider_ids)
    if postings.shape[1] != providers:
        raise ModelFileError(
            f"model file {path.name}: posting arrays for {postings.shape[1]} providers, "
            f"the model has {providers}"
        )
    matcher.index_.provider_postings = postings
    if "semantic" in matcher.external_arrays_:
        vectors = _read_dense(path, matcher.external_arrays_["semantic"])
        if (
            matcher.semantic_ is None
            or len(vectors) != int(matcher.semantic_.encoder.rows_.max(initial=-1)) + 1
        ):
            raise ModelFileError(
                f"model file {path.name}: its sentence embeddings do not fit the model; refused"
            )
        matcher.semantic_.encoder.vectors_ = vectors
    return matcher
