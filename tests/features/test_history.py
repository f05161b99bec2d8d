"""History features never see partnerships dated on or after the need."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from features.catalogue import Catalogue
from features.history import HistoryIndex, HistoryView
from features.needs import ResolvedNeed
from matching.matcher import Matcher
from matching.training_examples import partnership_need
from models.history import PartnershipRecord


def _history(matcher: Matcher, records: list[PartnershipRecord]) -> HistoryIndex:
    index = matcher.index_
    return HistoryIndex.build(
        records,
        {p: i for i, p in enumerate(index.provider_ids)},
        {f: i for i, f in enumerate(index.facilitator_ids)},
        index.countries,
        index.group_index,
        index.sector_index,
        matcher.text_.transform([f"{r.partnership.title}. {r.partnership.description}" for r in records]),
    )


def _features(matcher: Matcher, view: HistoryView, need: ResolvedNeed, rows: np.ndarray) -> np.ndarray:
    vector = matcher.text_.transform([need.document])
    _, similarity = matcher.candidates(need, vector, view)  # cosines with profiles and past texts
    return matcher.provider_matrix(view, need, rows, similarity)


def test_history_features_ignore_the_future(catalogue: Catalogue) -> None:
    cutoff = 2012
    matcher = Matcher(ranker="prior").fit(catalogue)
    past = [
        r for r in catalogue.partnerships
        if r.partnership.year_start is not None and r.partnership.year_start < cutoff
    ]  # fmt: skip
    everything, only_past = _history(matcher, catalogue.partnerships), _history(matcher, past)
    record = next(r for r in catalogue.partnerships if r.partnership.year_start == cutoff)
    need = partnership_need(record, matcher.country_languages_)
    assert need is not None and need.as_of == cutoff
    rows = np.arange(len(matcher.index_.provider_ids))
    seen_with_future = _features(matcher, everything.view(need.as_of), need, rows)
    seen_without = _features(matcher, only_past.view(need.as_of), need, rows)
    np.testing.assert_allclose(seen_with_future, seen_without, atol=1e-6)
    # the history is really used: a live need (no date) sees the later partnerships too
    live = replace(need, as_of=None)
    seen_live = _features(matcher, everything.view(None), live, rows)
    assert not np.allclose(seen_with_future, seen_live)
