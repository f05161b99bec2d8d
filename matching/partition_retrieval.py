"""Retrieval for many needs at once: per block of needs, their text vectors in one transform and
their cosines with every profile and past partnership as one sparse product against the posting
lists, instead of one of each per need. Each need is then ranked from its own row; the rows are
the ones the one-need path computes (a sparse product computes each output row on its own), so
the answers are the same. A need keeps every provider's cosines until it is ranked, so the needs are
handed out block by block rather than all retrieved first (50 needs at 100k providers held 80 MB)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from features.needs import ResolvedNeed

if TYPE_CHECKING:
    from matching.matcher import Matcher

# needs per product: each need holds its providers × 2 cosines until it is ranked (0.8 MB at 100k
# providers); a larger block saves no time (200 needs at 100k: 4.1 s of CPU with 16 or 4)
BLOCK = 4


@dataclass
class Retrieved:
    """One need's text vector, its retrieved provider rows, and every provider's cosines."""

    vector: sp.csr_matrix
    candidates: np.ndarray
    similarity: np.ndarray


def retrieve_partition(matcher: Matcher, needs: list[ResolvedNeed]) -> Iterator[Retrieved]:
    """Each need's retrieval, in order, one block at a time: only one block's cosines (BLOCK x
    providers) are alive while the caller ranks its needs, whatever the partition's size."""
    for start in range(0, len(needs), BLOCK):
        yield from _retrieve_block(matcher, needs[start : start + BLOCK])


def _retrieve_block(matcher: Matcher, needs: list[ResolvedNeed]) -> list[Retrieved]:
    vectors = matcher.text_.transform([need.document for need in needs])
    by_view: dict[float | None, list[int]] = defaultdict(list)
    for i, need in enumerate(needs):
        by_view[need.as_of].append(i)
    out: list[Retrieved | None] = [None] * len(needs)
    for as_of, rows in by_view.items():
        view = matcher.history_.view(as_of)
        block_vectors = vectors[rows]
        profiles = (block_vectors @ matcher.index_.provider_postings).toarray()
        history = (block_vectors @ view.provider_postings).toarray()
        for j, i in enumerate(rows):
            similarity = np.column_stack([profiles[j], history[j]])
            candidates = matcher.retrieved_rows(needs[i], similarity, view)
            out[i] = Retrieved(block_vectors[j], candidates, similarity)
    return [r for r in out if r is not None]
