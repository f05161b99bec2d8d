from __future__ import annotations

import pytest

from features.catalogue import Catalogue
from matching.matcher import Matcher


@pytest.fixture(scope="session")
def learned(catalogue: Catalogue) -> Matcher:
    return Matcher(ranker="learned").fit(catalogue)
