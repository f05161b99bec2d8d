"""Every notebook runs headless, top to bottom, on a seeded database; their figures are checked."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import nbformat
import papermill
import pytest
from typer.testing import CliRunner

from api.cli import app
from api.settings import Settings
from features.catalogue import Catalogue
from tests.seeded_databases import seeded_database

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue) -> Settings:
    return seeded_database(tmp_path_factory.mktemp("notebooks"), catalogue)


def run(name: str, tmp_path: Path, cwd: Path = NOTEBOOKS.parent, **parameters: Any) -> dict[str, Any]:
    """Execute a notebook in `cwd` (the project root unless told); return the JSON its last cell printed."""
    output = tmp_path / f"{name}.ipynb"
    papermill.execute_notebook(
        NOTEBOOKS / f"{name}.ipynb", output, parameters=parameters, kernel_name="python3",
        cwd=str(cwd), progress_bar=False,
    )  # fmt: skip
    book = nbformat.read(output, as_version=4)
    last = book.cells[-1]
    text = "".join(o.get("text", "") for o in last.outputs if o.output_type == "stream")
    return dict(json.loads(text.strip().splitlines()[-1]))


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebooks_are_committed_without_outputs(path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert any("parameters" in c.metadata.get("tags", []) for c in code)


def test_catalogue_notebook(settings: Settings, tmp_path: Path, catalogue: Catalogue) -> None:
    summary = run("01_catalogue", tmp_path, database_url=settings.database_url)
    assert summary["partnerships"] == len(catalogue.partnerships)
    assert summary["providers"] == len(catalogue.providers)
    assert list(summary["top_provider_countries"])[:2] in (["IND", "BRA"], ["BRA", "IND"])


# as a person would run each from Jupyter, its parameters as committed (02_retrain_and_evaluate is
# run so by test_retrain_notebook_takes_the_source_shift_protocol)
IN_ITS_FOLDER = {"01_catalogue": {}, "03_explain_a_match": {"k": 3}}


def only_database_url(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in [n for n in os.environ if n.startswith("SSTC_")]:
        monkeypatch.delenv(variable)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)


@pytest.mark.parametrize("name", sorted(IN_ITS_FOLDER))
def test_a_notebook_opened_in_its_folder_reads_database_url_like_the_cli(
    name: str, settings: Settings, tmp_path: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As Jupyter runs it: working folder notebooks/, only DATABASE_URL set (no SSTC_ setting)."""
    only_database_url(settings, monkeypatch)
    summary = run(name, tmp_path, cwd=NOTEBOOKS, **IN_ITS_FOLDER[name])
    if name == "01_catalogue":
        assert summary["partnerships"] == len(catalogue.partnerships)
    else:
        assert len(summary["providers"]) == 3 and summary["max_sum_error"] <= 1e-9


def test_the_default_data_folders_are_the_projects_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ["DATABASE_URL", *[n for n in os.environ if n.startswith("SSTC_")]]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    defaults = Settings()
    var = NOTEBOOKS.parent / "var"
    assert defaults.database_url == f"sqlite:///{var / 'sstc.db'}"
    assert (defaults.data_dir, defaults.model_dir) == (var, var / "models")


def test_retrain_notebook_figures_equal_the_cli(settings: Settings, tmp_path: Path) -> None:
    rankers = ["learned", "popularity"]  # one trained ranker and one baseline: each costs a fit per fold
    notebook = run(
        "02_retrain_and_evaluate", tmp_path, database_url=settings.database_url, folds=2, seed=3,
        rankers=rankers, publish=True, model_dir=str(settings.model_dir),
    )  # fmt: skip
    cli = CliRunner().invoke(
        app,
        ["evaluate", "--json", "--folds", "2", "--seed", "3", *[f"--ranker={r}" for r in rankers],
         "--database-url", settings.database_url],
    )  # fmt: skip
    assert cli.exit_code == 0, cli.output
    expected = json.loads(cli.output)
    assert notebook["protocol"] == expected["protocol"] == "grouped-2-fold"
    same_rankers = [r for r in notebook["results"] if r["ranker"] in rankers]
    assert same_rankers == expected["results"]
    assert any(r["ranker"] == "active" for r in notebook["results"])


def test_explain_notebook(settings: Settings, tmp_path: Path) -> None:
    model_dir = str(settings.model_dir)
    result = run("03_explain_a_match", tmp_path, database_url=settings.database_url, model_dir=model_dir, k=4)
    assert len(result["providers"]) == 4
    assert result["max_sum_error"] <= 1e-9


def test_retrain_notebook_takes_the_source_shift_protocol(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also run as Jupyter runs it: working folder notebooks/, only DATABASE_URL set."""
    only_database_url(settings, monkeypatch)
    rankers = ["popular-facilitators", "popular-pairs"]
    notebook = run("02_retrain_and_evaluate", tmp_path, cwd=NOTEBOOKS, split="source-shift", rankers=rankers)
    cli = CliRunner().invoke(
        app,
        ["evaluate", "--json", "--protocol", "source-shift", *[f"--ranker={r}" for r in rankers],
         "--database-url", settings.database_url],
    )  # fmt: skip
    assert cli.exit_code == 0, cli.output
    expected = json.loads(cli.output)
    assert notebook["protocol"] == expected["protocol"] == "source-shift"
    assert [r for r in notebook["results"] if r["ranker"] in rankers] == expected["results"]
    targets = {"facilitator-alone", "facilitator", "triad", "diversity"}
    assert {r["target"] for r in expected["results"]} == targets
