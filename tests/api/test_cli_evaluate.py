"""`sstc evaluate` protocols on a seeded SQLite database, kept cheap: popularity baselines only."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-evaluate') / 'sstc.db'}"
    assert runner.invoke(app, ["seed", "--database-url", url]).exit_code == 0
    return url


def test_source_shift_reports_both_directions(database: str) -> None:
    result = runner.invoke(
        app,
        ["evaluate", "--protocol", "source-shift", "--ranker", "popular-facilitators", "--subset", "every",
         "--json", "--database-url", database],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["protocol"] == "source-shift"
    rows = {(r["target"], r["subset"]): r for r in report["results"]}
    for target in ("facilitator-alone", "facilitator"):
        undp, other = rows[target, "source=UNDP compilation"], rows[target, "source=other sources"]
        assert undp["n"] > 0 and other["n"] > 0
        assert rows[target, "all"]["n"] == undp["n"] + other["n"]
    assert {r["ranker"] for r in report["results"]} == {"popular-facilitators"}
    keys = {"ranker", "target", "subset", "hit@1", "hit@10", "ndcg@10", "mrr", "n"}
    assert all(keys <= set(r) for r in report["results"])


def test_the_old_temporal_flag_still_works_and_conflicts_are_refused(database: str) -> None:
    common = ["--ranker", "popular-providers", "--json", "--database-url", database]
    temporal = runner.invoke(app, ["evaluate", "--temporal", "2015", *common])
    assert temporal.exit_code == 0, temporal.output
    assert json.loads(temporal.output)["protocol"] == "temporal-2015"
    refused = runner.invoke(app, ["evaluate", "--protocol", "source-shift", "--temporal", "2015", *common])
    assert refused.exit_code == 2
    assert "--temporal YEAR goes with the temporal protocol" in refused.output
    unknown = runner.invoke(app, ["evaluate", "--protocol", "leave-one-out", *common])
    assert unknown.exit_code == 2
    assert "'leave-one-out' is not one of grouped, temporal, source-shift" in unknown.output
