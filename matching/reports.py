"""Evaluation and explanation reports for the notebooks: confidence intervals, calibration,
exposure, waterfalls, what-if without a feature group, nearest past partnerships."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit
from scipy.stats import bootstrap
from sklearn.calibration import calibration_curve

from features.needs import ResolvedNeed
from matching.evaluation import exposure_gini
from matching.evaluation_runner import METRICS
from matching.explanations import feature_label
from matching.matcher import Matcher
from matching.training_examples import partnership_need
from models.history import PartnershipRecord


def bootstrap_ci(
    values: Sequence[float], n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> tuple[float, float, float]:
    """Mean and a percentile bootstrap interval over queries."""
    data = np.asarray(values, dtype=float)
    if len(data) == 0:
        raise ValueError("bootstrap_ci needs at least one value")
    mean = float(data.mean())
    if np.ptp(data) == 0:  # one value, or all equal: scipy refuses the first, no interval to draw
        return mean, mean, mean
    result = bootstrap(
        (data,), np.mean, n_resamples=n_boot, confidence_level=level, method="percentile", rng=seed
    )
    return mean, float(result.confidence_interval.low), float(result.confidence_interval.high)


def metrics_with_ci(
    rows: list[dict[str, Any]], target: str, subset: str = "all", seed: int = 0
) -> pd.DataFrame:
    """One row per ranker and metric: mean, low, high (bootstrap over the test queries)."""
    out = []
    for ranker in dict.fromkeys(r["ranker"] for r in rows):
        members = [
            r for r in rows if r["ranker"] == ranker and r["target"] == target and subset in r["subsets"]
        ]
        if not members:  # a baseline evaluated on other targets only
            continue
        for metric in METRICS:
            mean, low, high = bootstrap_ci([r[metric] for r in members], seed=seed)
            out.append({"ranker": ranker, "metric": metric, "mean": mean, "low": low, "high": high})
    return pd.DataFrame(out)


def by_subset(rows: list[dict[str, Any]], target: str, metric: str, prefix: str = "region=") -> pd.DataFrame:
    """Mean of a metric per ranker (rows) and subset (columns), e.g. by region."""
    table: dict[str, dict[str, list[float]]] = {}
    for r in rows:
        if r["target"] != target:
            continue
        for subset in r["subsets"]:
            if subset.startswith(prefix):
                table.setdefault(r["ranker"], {}).setdefault(subset.removeprefix(prefix), []).append(
                    r[metric]
                )
    return pd.DataFrame({k: {s: float(np.mean(v)) for s, v in cells.items()} for k, cells in table.items()}).T


def exposure(rows: list[dict[str, Any]], catalogue_ids: Sequence[str], target: str = "provider") -> pd.Series:
    """Gini of how often each catalogue entry appears in the top 10, per ranker."""
    ginis = {}
    for ranker in dict.fromkeys(r["ranker"] for r in rows):
        lists = [r["top10"] for r in rows if r["ranker"] == ranker and r["target"] == target]
        if not lists:
            continue
        ginis[ranker] = exposure_gini(lists, list(catalogue_ids), 10)
    return pd.Series(ginis, name="exposure gini")


def provider_calibration(
    matcher: Matcher, records: list[PartnershipRecord], n_bins: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """Observed share of real partners against the predicted probability, over test partnerships."""
    probabilities: list[float] = []
    labels: list[bool] = []
    index = matcher.index_
    country_of = dict(zip(index.provider_ids.tolist(), index.provider_country_code.tolist(), strict=True))
    for record in records:
        need = partnership_need(record, matcher.country_languages_)
        if need is None:
            continue
        rows, scores = matcher.rank_providers(need)
        truth = {country_of[p] for p in record.provider_ids if p in country_of}
        probabilities.extend(expit(scores))
        labels.extend(index.provider_country_code[r] in truth for r in rows)
    observed, predicted = calibration_curve(labels, probabilities, n_bins=n_bins, strategy="quantile")
    return predicted, observed


def waterfall_steps(suggestion: dict[str, Any], top: int = 6) -> pd.DataFrame:
    """The prior, the largest contributions, the rest together, and the score they add up to; each
    step with its plain label."""
    records = sorted(suggestion["contributions"], key=lambda c: -abs(c["contribution"]))
    steps = [{"step": "prior", "label": feature_label("prior"), "contribution": suggestion["prior"]}]
    steps += [
        {
            "step": c["feature"],
            "label": c.get("label") or feature_label(c["feature"]),
            "contribution": c["contribution"],
        }
        for c in records[:top]
    ]
    rest, others = sum(c["contribution"] for c in records[top:]), max(len(records) - top, 0)
    steps.append(
        {
            "step": f"{others} other features",
            "label": f"{others} smaller factors together",
            "contribution": rest,
        }
    )
    frame = pd.DataFrame(steps)
    frame["end"] = frame["contribution"].cumsum()
    frame["start"] = frame["end"] - frame["contribution"]
    return frame


def without_group(answer: dict[str, Any], group: str) -> pd.DataFrame:
    """Each suggestion's rank and score with one feature group's contributions taken out.

    Exact for an additive model: no refit, the other contributions stay what they were.
    """
    rows = []
    for s in answer["suggestions"]:
        removed = sum(c["contribution"] for c in s["contributions"] if c["group"] == group)
        rows.append(
            {
                "provider": s["provider"]["name"],
                "facilitator": (s["facilitator"] or {}).get("name"),
                "rank": s["rank"],
                "score": s["score"],
                "score_without": s["score"] - removed,
            }
        )
    frame = pd.DataFrame(rows)
    frame["rank_without"] = frame["score_without"].rank(ascending=False, method="first").astype(int)
    return frame


def nearest_partnerships(matcher: Matcher, need: ResolvedNeed, k: int = 5) -> pd.DataFrame:
    """The past partnerships whose text is closest to the need (cosine of the TF-IDF vectors)."""
    vector = matcher.text_.transform([need.document])
    similarity = np.asarray((matcher.history_.texts @ vector.T).todense()).ravel()
    best = np.argsort(-similarity, kind="stable")[:k]
    return pd.DataFrame(
        {"partnership": [matcher.history_.ids[i] for i in best], "cosine": similarity[best].round(3)}
    )
