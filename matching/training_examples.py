"""Training examples: the partnership history and help-desk reviews as labelled feature rows.

A past partnership is seen as the need it answered; its true providers (and, for an institution,
its country profile) are positives among the retrieved candidates, the rest negatives; its
facilitators are positives among the eligible facilitators for its first provider. A review is
one labelled row: accept/shortlist = 1, reject = 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from features.needs import ResolvedNeed
from matching.eligibility import eligible_facilitators
from matching.triad_scores import pair_rows
from models.history import PartnershipRecord

if TYPE_CHECKING:
    from matching.matcher import Matcher


@dataclass
class Review:
    """A help-desk decision used as a training label (accept/shortlist = 1, reject = 0)."""

    need: ResolvedNeed
    provider_id: str
    facilitator_id: str | None
    label: int


@dataclass
class TrainingRows:
    provider_X: np.ndarray
    provider_y: np.ndarray
    facilitator_X: np.ndarray
    facilitator_y: np.ndarray
    provider_record: np.ndarray  # the partnership (position in the records) of each row; -1: a review
    facilitator_record: np.ndarray


def partnership_need(record: PartnershipRecord, languages: dict[str, list[str]]) -> ResolvedNeed | None:
    """A past partnership seen as the need it answered (first beneficiary, dated by its start)."""
    p = record.partnership
    if not p.beneficiaries:
        return None
    return ResolvedNeed(
        country=p.beneficiaries[0],
        title=p.title,
        text=p.description or p.title,
        sdgs=list(p.sdgs),
        sectors=list(p.sectors),
        modalities=[str(m) for m in p.modalities],
        languages=languages.get(p.beneficiaries[0], []),
        as_of=None if p.year_start is None else float(p.year_start),
    )


def training_rows(matcher: Matcher, records: list[PartnershipRecord], reviews: list[Review]) -> TrainingRows:
    index = matcher.index_
    provider_row = {pid: i for i, pid in enumerate(index.provider_ids)}
    facilitator_row = {fid: i for i, fid in enumerate(index.facilitator_ids)}
    Xp: list[np.ndarray] = []
    yp: list[np.ndarray] = []
    Xf: list[np.ndarray] = []
    yf: list[np.ndarray] = []
    gp: list[np.ndarray] = []
    gf: list[np.ndarray] = []
    for position, record in enumerate(records):
        need = partnership_need(record, matcher.country_languages_)
        true_rows = [provider_row[p] for p in record.provider_ids if p in provider_row]
        if need is None or not true_rows or need.country not in index.countries.index:
            continue
        view = matcher.history_.view(need.as_of, exclude=position if need.as_of is None else None)
        vector = matcher.text_.transform([need.document])
        candidates, similarity = matcher.candidates(need, vector, view)
        candidates = np.unique(np.concatenate([candidates, true_rows]))
        true_countries = {index.provider_country[r] for r in true_rows}
        label = np.isin(candidates, true_rows) | (
            ~index.provider_is_institution[candidates]
            & np.isin(index.provider_country[candidates], list(true_countries))
        )
        # another institution of a true provider's country is neither a positive nor a negative
        ambiguous = ~label & np.isin(index.provider_country[candidates], list(true_countries))
        keep = candidates[~ambiguous]
        Xp.append(matcher.provider_matrix(view, need, keep, similarity))
        yp.append(label[~ambiguous].astype(int))
        gp.append(np.full(len(keep), position))
        true_f = [facilitator_row[f] for f in record.facilitator_ids if f in facilitator_row]
        if true_f:
            facilitators = np.flatnonzero(eligible_facilitators(index, need))
            facilitators = np.unique(np.concatenate([facilitators, true_f]))
            first = np.array(true_rows[:1])
            Xf.append(pair_rows(*matcher.facilitator_matrices(need, vector, view, first, facilitators)))
            yf.append(np.isin(facilitators, true_f).astype(int))
            gf.append(np.full(len(facilitators), position))
    for review in reviews:
        if review.provider_id not in provider_row:
            continue
        view = matcher.history_.view(review.need.as_of)
        vector = matcher.text_.transform([review.need.document])
        similarity = matcher.similarity(vector, view)
        p = np.array([provider_row[review.provider_id]])
        Xp.append(matcher.provider_matrix(view, review.need, p, similarity))
        yp.append(np.array([review.label]))
        gp.append(np.array([-1]))
        if review.facilitator_id in facilitator_row:
            f = np.array([facilitator_row[review.facilitator_id]])
            Xf.append(pair_rows(*matcher.facilitator_matrices(review.need, vector, view, p, f)))
            yf.append(np.array([review.label]))
            gf.append(np.array([-1]))
    return TrainingRows(
        np.vstack(Xp) if Xp else np.zeros((0, len(matcher.provider_features))),
        np.concatenate(yp) if yp else np.zeros(0, dtype=int),
        np.vstack(Xf) if Xf else np.zeros((0, len(matcher.facilitator_features))),
        np.concatenate(yf) if yf else np.zeros(0, dtype=int),
        np.concatenate(gp) if gp else np.zeros(0, dtype=int),
        np.concatenate(gf) if gf else np.zeros(0, dtype=int),
    )


def real_partner_scores(
    rows: TrainingRows, provider_scores: np.ndarray, facilitator_scores: np.ndarray
) -> np.ndarray:
    """The triad score of each training partnership's true partners (its best true provider plus
    its best true facilitator, or the provider alone when bilateral), sorted."""
    best: dict[int, float] = {}
    positive = rows.provider_y == 1
    for record, score in zip(rows.provider_record[positive], provider_scores[positive], strict=True):
        if record >= 0:
            best[int(record)] = max(best.get(int(record), -np.inf), float(score))
    leg: dict[int, float] = {}
    positive = rows.facilitator_y == 1
    for record, score in zip(rows.facilitator_record[positive], facilitator_scores[positive], strict=True):
        if record >= 0:
            leg[int(record)] = max(leg.get(int(record), -np.inf), float(score))
    return np.sort([score + leg.get(record, 0.0) for record, score in best.items()])
