"""Features of need–provider, need–facilitator and provider–facilitator pairs.

Each function fills a dense matrix, one row per candidate, one column per feature named in the
`*_FEATURES` tuples (`name`, `group`). Absent facts give the feature's reference value
(`REFERENCE`, else 0), so they contribute exactly nothing to an additive score.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from features.catalogue_index import CatalogueIndex
from features.history import HistoryView
from features.needs import ResolvedNeed
from features.postings import cosines

PROVIDER_FEATURES: tuple[tuple[str, str], ...] = (
    ("text_similarity", "text"),
    ("history_text_similarity", "text"),
    ("sector_overlap", "tags"),
    ("sdg_overlap", "tags"),
    ("modality_overlap", "tags"),
    ("language_match", "tags"),
    ("distance", "geography"),
    ("same_region", "geography"),
    ("same_sub_region", "geography"),
    ("serves_region", "geography"),
    ("shared_official_language", "geography"),
    ("similar_context", "context"),
    ("income_gap", "context"),
    ("experience", "history"),
    ("sector_experience", "history"),
    ("sdg_experience", "history"),
    ("region_experience", "history"),
    ("past_cooperation", "history"),
)
FACILITATOR_FEATURES: tuple[tuple[str, str], ...] = (
    ("text_similarity", "text"),
    ("history_text_similarity", "text"),
    ("sector_overlap", "tags"),
    ("sdg_overlap", "tags"),
    ("modality_overlap", "tags"),
    ("language_match", "tags"),
    ("regional_focus", "geography"),
    ("experience", "history"),
    ("country_activity", "history"),
    ("sector_activity", "history"),
    ("region_activity", "history"),
    ("provider_cooperation", "cooperation"),
    ("provider_language", "cooperation"),
)
# Distance (log of thousands of km) is centred on a typical South-South distance: unknown = typical.
REFERENCE = {"distance": float(np.log1p(8.0))}


def need_columns(index: CatalogueIndex, need: ResolvedNeed) -> dict[str, np.ndarray]:
    return {
        "sdg": index.columns([f"sdg={s}" for s in need.all_sdgs()]),
        "sector": index.columns([f"sector={s}" for s in need.all_sectors()]),
        "modality": index.columns([f"modality={m}" for m in need.all_modalities()]),
        "language": index.columns([f"language={lang}" for lang in need.languages]),
    }


def _overlap(tags: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Share of the need's tag columns that each (dense) tag row has."""
    if len(columns) == 0:
        return np.zeros(len(tags))
    return tags[:, columns].sum(axis=1) / len(columns)


def _count(matrix: sp.spmatrix, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Sum of `columns` in each of `rows`: one sparse row slice, then dense arithmetic."""
    if len(columns) == 0:
        return np.zeros(len(rows))
    return matrix[rows].toarray()[:, columns].sum(axis=1)


def provider_features(
    index: CatalogueIndex,
    view: HistoryView,
    need: ResolvedNeed,
    candidates: np.ndarray,
    similarity: np.ndarray,
) -> np.ndarray:
    """`similarity` holds each candidate's cosines with the need: (profile, past partnerships)."""
    facts = index.countries
    columns = need_columns(index, need)
    tags = index.provider_tags[candidates].toarray()
    need_row = facts.index[need.country]
    country_rows = index.provider_country[candidates]
    need_groups = facts.groups[need_row]
    sub_region = [index.group_index[need_groups[1]]] if len(need_groups) > 1 else []

    distance = facts.distance_km(need.country, country_rows)
    distance = np.where(np.isnan(distance), np.expm1(REFERENCE["distance"]) * 1000, distance)
    region_of = [facts.groups[r] for r in country_rows]
    income = facts.income[country_rows]
    need_income = facts.income[need_row]
    need_languages = set(facts.languages[need_row])
    sector_cols = np.array([index.sector_index[s] for s in need.all_sectors()], dtype=np.int64)
    sdg_cols = np.array([s - 1 for s in need.all_sdgs()], dtype=np.int64)

    out = np.zeros((len(candidates), len(PROVIDER_FEATURES)))
    out[:, 0:2] = similarity
    out[:, 2] = _overlap(tags, columns["sector"])
    out[:, 3] = _overlap(tags, columns["sdg"])
    out[:, 4] = _overlap(tags, columns["modality"])
    out[:, 5] = _overlap(tags, columns["language"]) > 0
    out[:, 6] = np.log1p(distance / 1000.0)
    out[:, 7] = [bool(g) and bool(need_groups) and g[0] == need_groups[0] for g in region_of]
    out[:, 8] = [len(g) > 1 and len(need_groups) > 1 and g[1] == need_groups[1] for g in region_of]
    out[:, 9] = _overlap(tags, index.columns([f"region={g}" for g in need_groups])) > 0
    out[:, 10] = [bool(need_languages & set(facts.languages[r])) for r in country_rows]
    out[:, 11] = (facts.flags[country_rows] & facts.flags[need_row]).sum(axis=1)
    out[:, 12] = np.where((income < 0) | (need_income < 0), 0, income - need_income)
    out[:, 13] = np.log1p(view.provider_total[candidates])
    out[:, 14] = np.log1p(_count(view.provider_by_sector, candidates, sector_cols))
    out[:, 15] = np.log1p(_count(view.provider_by_sdg, candidates, sdg_cols))
    out[:, 16] = np.log1p(_count(view.provider_by_group, candidates, np.array(sub_region, dtype=np.int64)))
    out[:, 17] = np.log1p(view.provider_by_country[:, need_row].toarray().ravel()[candidates])
    return out


def facilitator_features(
    index: CatalogueIndex,
    view: HistoryView,
    need: ResolvedNeed,
    need_vector: sp.csr_matrix,
    facilitators: np.ndarray,
) -> np.ndarray:
    """Need–facilitator columns; the provider–facilitator columns are left at 0 (see below)."""
    facts = index.countries
    columns = need_columns(index, need)
    tags = index.facilitator_tags[facilitators]
    need_row = facts.index[need.country]
    need_groups = facts.groups[need_row]
    sector_cols = np.array([index.sector_index[s] for s in need.all_sectors()], dtype=np.int64)
    group_cols = np.array([index.group_index[g] for g in need_groups[1:2]], dtype=np.int64)

    out = np.zeros((len(facilitators), len(FACILITATOR_FEATURES)))
    out[:, 0] = cosines(index.facilitator_postings, need_vector)[facilitators]
    out[:, 1] = cosines(view.facilitator_postings, need_vector)[facilitators]
    out[:, 2] = _overlap(tags, columns["sector"])
    out[:, 3] = _overlap(tags, columns["sdg"])
    out[:, 4] = _overlap(tags, columns["modality"])
    out[:, 5] = _overlap(tags, columns["language"]) > 0
    out[:, 6] = _overlap(tags, index.columns([f"region={g}" for g in need_groups])) > 0
    out[:, 7] = np.log1p(view.facilitator_total[facilitators])
    out[:, 8] = np.log1p(view.facilitator_by_country[:, need_row].toarray().ravel()[facilitators])
    out[:, 9] = np.log1p(_count(view.facilitator_by_sector, facilitators, sector_cols))
    out[:, 10] = np.log1p(_count(view.facilitator_by_group, facilitators, group_cols))
    return out


def cooperation_features(
    index: CatalogueIndex, view: HistoryView, providers: np.ndarray, facilitators: np.ndarray
) -> np.ndarray:
    """Provider–facilitator columns for every (provider, facilitator) pair: (P, F, 2)."""
    country_profiles = index.provider_parent[providers]
    cooperation = view.cooperation[country_profiles][:, facilitators].toarray()
    language_columns = index.field_columns["language"]
    p_lang = index.provider_tags[providers].toarray()[:, language_columns]
    f_lang = index.facilitator_tags[facilitators][:, language_columns]
    shared = (p_lang @ f_lang.T) > 0
    return np.stack([np.log1p(cooperation), shared.astype(float)], axis=2)
