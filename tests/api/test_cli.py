"""The CLI end to end on a seeded SQLite database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from features.paths import fixtures_dir

runner = CliRunner()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "sstc.db"
    url = f"sqlite:///{path}"
    assert runner.invoke(app, ["seed", "--database-url", url]).exit_code == 0
    return url


@pytest.fixture(autouse=True)
def model_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.settings import get_settings

    monkeypatch.setenv("SSTC_MODEL_DIR", str(tmp_path_factory.getbasetemp() / "models"))
    get_settings.cache_clear()


def test_recommend_json_has_the_documented_shape(database: str) -> None:
    result = runner.invoke(
        app,
        ["recommend", "--country", "Moçambique", "--text", "Programa de alimentação escolar local",
         "--sdg", "2", "--sector", "alimentação escolar", "--k", "5", "--format", "json",
         "--database-url", database],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["need"]["country"] == "MOZ"
    assert answer["need"]["sector"] == [{"code": "112", "name": "Basic education"}]
    assert answer["model_version"].startswith("learned-")
    assert len(answer["suggestions"]) == 5
    first = answer["suggestions"][0]
    assert set(first) == {
        "rank",
        "score",
        "match_strength",
        "provider",
        "facilitator",
        "prior",
        "contributions",
        "reasons",
        "alternatives",
    }
    assert set(first["provider"]) == {"id", "name", "country"}
    assert first["rank"] == 1


def test_recommend_jsonl_answers_each_line_in_order(database: str, tmp_path: Path) -> None:
    needs = (fixtures_dir() / "needs.jsonl").read_text(encoding="utf-8").splitlines()[:4]
    path = tmp_path / "needs.jsonl"
    path.write_text("\n".join(needs) + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["recommend", "--input", str(path), "--format", "jsonl", "--database-url", database]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert [json.loads(line)["need"]["country"] for line in lines] == [
        json.loads(n)["country"] for n in needs
    ]


def test_recommend_names_the_bad_field(database: str) -> None:
    result = runner.invoke(
        app, ["recommend", "--country", "Atlantis", "--text", "water", "--database-url", database]
    )
    assert result.exit_code == 2
    assert " ".join(result.output.split()).startswith(
        "error: need 1: country: 'Atlantis' not found; closest: "
    )


def test_recommend_refuses_an_unknown_format(database: str) -> None:
    result = runner.invoke(app, ["recommend", "--country", "KEN", "--text", "x", "--format", "xml"])
    assert result.exit_code == 2
    assert "--format: 'xml' is not one of table, json, jsonl" in result.output


def test_evaluate_json_matches_the_documented_shape(database: str) -> None:
    result = runner.invoke(
        app, ["evaluate", "--json", "--folds", "2", "--ranker", "popularity", "--database-url", database]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["protocol"] == "grouped-2-fold"
    targets = {r["target"] for r in report["results"]}
    assert {"provider", "facilitator", "triad"} <= targets
    row = report["results"][0]
    assert {"ranker", "target", "subset", "hit@1", "hit@10", "ndcg@10", "mrr"} <= set(row)
    assert row["ranker"] == "popularity" and row["subset"] == "all"


def test_keys_are_shown_once_on_the_last_line_and_can_be_revoked(database: str) -> None:
    from sqlmodel import Session, select

    from api.db import get_engine
    from api.security import find_key
    from models import ApiKey

    created = runner.invoke(
        app, ["keys", "create", "--role", "country_office", "--country", "Kenya", "--database-url", database]
    )
    assert created.exit_code == 0, created.output
    key = created.output.strip().splitlines()[-1]
    assert key.startswith("sstc_") and len(key) > 40
    engine = get_engine(database)
    with Session(engine) as session:
        row = find_key(session, key)
        assert row is not None and row.country == "KEN" and row.role == "country_office"
        assert key not in {k.key_hash for k in session.exec(select(ApiKey))}  # only a hash is stored
    revoked = runner.invoke(app, ["keys", "revoke", str(row.id), "--database-url", database])
    assert revoked.exit_code == 0
    with Session(engine) as session:
        assert find_key(session, key) is None
    missing = runner.invoke(app, ["keys", "create", "--role", "country_office", "--database-url", database])
    assert missing.exit_code == 2
    assert "a country_office key needs --country (an ISO3 code)" in missing.output


def _jsonl(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "needs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_recommend_batch_answers_every_good_line_and_names_the_bad_ones(
    database: str, tmp_path: Path
) -> None:
    needs = (fixtures_dir() / "needs.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    atlantis = json.dumps({"country": "Atlantis", "text": "Sea walls.", "sector": ["zzqx"]})
    path = _jsonl(tmp_path, [needs[0], needs[1], atlantis, "{not json", needs[2]])
    result = runner.invoke(
        app, ["recommend", "--input", str(path), "--format", "jsonl", "--database-url", database]
    )
    assert result.exit_code == 1
    answers = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert len(answers) == 5
    assert [a["need"]["country"] for a in (answers[0], answers[1], answers[4])] == [
        json.loads(needs[i])["country"] for i in (0, 1, 2)
    ]
    assert answers[2]["line"] == 3 and answers[2]["error"].startswith("country: 'Atlantis' not found")
    assert answers[3] == {"error": "not valid JSON (Expecting property name enclosed in double quotes, "
                          "column 2)", "line": 4}  # fmt: skip
    summary = " ".join(result.stderr.split())
    assert summary.startswith("answered 3 of 5 needs; 2 failed: line 3: country: 'Atlantis' not found")
    assert "; line 4: not valid JSON" in summary
    in_processes = runner.invoke(app, ["recommend", "--input", str(path), "--format", "jsonl",
                                       "--database-url", database, "--workers", "2"])  # fmt: skip
    assert (in_processes.exit_code, in_processes.stdout) == (1, result.stdout)


def test_recommend_batch_of_good_lines_exits_0_and_keeps_unmatched_words(
    database: str, tmp_path: Path
) -> None:
    need = {"country": "SEN", "text": "Emplois des jeunes dans la pêche.", "sector": ["zzqx", "jobs"]}
    path = _jsonl(tmp_path, [json.dumps(need), (fixtures_dir() / "needs.jsonl").read_text().splitlines()[5]])
    result = runner.invoke(
        app, ["recommend", "--input", str(path), "--format", "jsonl", "--database-url", database]
    )
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.stdout.strip().splitlines())
    assert first["need"]["sector"] == [{"code": "160", "name": "Other social infrastructure and services"}]
    assert [(u["field"], u["word"]) for u in first["need"]["unmatched_terms"]] == [("sector.0", "zzqx")]
    assert "error" not in second
    assert " ".join(result.stderr.split()) == "answered 2 of 2 needs"


LOAD_HINT = (
    "`sstc seed` loads the fixture catalogue; `sstc import csv` and `sstc import iati` add partnerships"
)


def test_train_and_recommend_on_an_empty_database_say_what_to_load(tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    nothing = (
        "the catalogue has no providers, no facilitators and no partnerships: there is nothing to train on"
    )
    trained = runner.invoke(app, ["train", "--database-url", empty])
    assert trained.exit_code == 2
    assert " ".join(trained.output.split()) == f"error: {nothing}; {LOAD_HINT}"
    asked = runner.invoke(app, ["recommend", "--country", "KEN", "--text", "water", "--database-url", empty])
    assert asked.exit_code == 2
    assert " ".join(asked.output.split()) == (
        f"error: no model is active and none can be trained: {nothing}; {LOAD_HINT}"
    )
