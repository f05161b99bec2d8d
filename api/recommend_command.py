"""`sstc recommend`: ranked triads for one need stated by flags, or a file of needs through the batch path.

A file is answered line by line: each line gets its answer, or `{"error": why, "line": N}` in its
place; a summary goes to stderr and the exit status is 1 when any line failed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from api.db import create_tables, get_engine
from api.model_registry import LOAD_CATALOGUE_HINT, active_matcher
from api.settings import get_settings
from features.errors import EmptyCatalogueError, SSTCError
from matching.batch import answer_in_processes

console = Console()
errors = Console(stderr=True)

Line = tuple[int, dict[str, Any] | SSTCError]


def recommend(
    country: str | None = typer.Option(None, help="Beneficiary country: ISO3 or a name."),
    text: str | None = typer.Option(None, help="The need, in English, French, Spanish or Portuguese."),
    title: str = typer.Option("", help="A short title."),
    sdg: list[int] = typer.Option([], help="SDG numbers (repeat the option)."),
    sector: list[str] = typer.Option([], help="Sector words, e.g. 'school feeding'."),
    modality: list[str] = typer.Option([], help="Modality words, e.g. 'technical assistance'."),
    language: list[str] = typer.Option([], help="ISO 639-1 language codes."),
    budget_usd: int | None = typer.Option(None, help="Budget in US dollars."),
    k: int = typer.Option(10, help="How many suggestions."),
    input_path: Path | None = typer.Option(
        None, "--input", help="A JSON Lines file of needs, or a JSON file of one need."
    ),
    output_format: str = typer.Option("table", "--format", help="table, json or jsonl."),
    database_url: str | None = typer.Option(
        None, "--database-url", help="Defaults to DATABASE_URL or SQLite."
    ),
    workers: int = typer.Option(1, min=1, help="Processes answering a file's needs, a partition each."),
) -> None:
    """Recommend ranked triads (provider + facilitator) with explanations for one need or many."""
    if output_format not in ("table", "json", "jsonl"):
        _fail(f"--format: {output_format!r} is not one of table, json, jsonl")
    lines: list[Line]
    if input_path is not None:
        lines = read_needs(input_path)
    elif country and text:
        need = {"country": country, "text": text, "title": title, "sdg": sdg, "sector": sector,
                "modality": modality, "language": language, "budget_usd": budget_usd, "k": k}  # fmt: skip
        lines = [(1, need)]
    else:
        _fail("give --country and --text, or --input FILE")
    engine = get_engine(database_url or get_settings().database_url)
    create_tables(engine)
    try:
        matcher = active_matcher(engine, get_settings().model_dir)
    except EmptyCatalogueError as exc:
        _fail(f"no model is active and none can be trained: {exc}; {LOAD_CATALOGUE_HINT}")
    answers = answer_in_processes(matcher, [need for _, need in lines], workers)
    shown = track(
        answers, total=len(lines), description="recommending", console=errors,
        disable=len(lines) < 2 or not errors.is_terminal,
    )  # fmt: skip
    failed: list[str] = []
    for (number, _), answer in zip(lines, shown, strict=True):
        if "error" in answer:
            if input_path is None:
                _fail(f"need 1: {answer['error']}")
            answer = {"error": answer["error"], "line": number}
            failed.append(f"line {number}: {answer['error']}")
        _print(answer, output_format)
    if input_path is not None:
        summary = f"answered {len(lines) - len(failed)} of {len(lines)} needs"
        if failed:
            summary += f"; {len(failed)} failed: " + "; ".join(failed)
        errors.print(summary, highlight=False, markup=False, soft_wrap=True)
        if failed:
            raise typer.Exit(code=1)


def read_needs(path: Path) -> list[Line]:
    """Each need of the file with its line number; a line that is not a JSON object is its error."""
    if not path.is_file():
        _fail(f"--input: {path} is not a file")
    content = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return [(1, _parse(content))]
    return [(number, _parse(line)) for number, line in enumerate(content.splitlines(), 1) if line.strip()]


def _parse(line: str) -> dict[str, Any] | SSTCError:
    try:
        need = json.loads(line)
    except json.JSONDecodeError as exc:
        return SSTCError(f"not valid JSON ({exc.msg}, column {exc.colno})")
    return need if isinstance(need, dict) else SSTCError(f"not a JSON object but {type(need).__name__}")


def _print(answer: dict[str, Any], output_format: str) -> None:
    if output_format == "jsonl":
        print(json.dumps(answer, ensure_ascii=False))
    elif output_format == "json":
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    elif "error" in answer:
        errors.print(f"[red]line {answer['line']}:[/red] {answer['error']}", highlight=False)
    else:
        print_answer(answer)


def print_answer(answer: dict[str, Any]) -> None:
    need = answer["need"]
    console.print(
        f"[bold]{need['country_name']}[/bold]: {need['title'] or need['text'][:80]}",
        highlight=False,
    )
    for term in need.get("unmatched_terms", []):
        console.print(
            f"not matched to the taxonomy: {term['word']!r} ({term['field']}); kept in the text",
            highlight=False,
            markup=False,
        )
    if answer["abstained"]:
        console.print(f"[yellow]{answer['message']}[/yellow]")
    table = Table(show_lines=False)
    for column in ("#", "strength", "score", "provider", "facilitator", "top reasons"):
        table.add_column(column, justify="right" if column in ("#", "strength", "score") else "left")
    for s in answer["suggestions"]:
        facilitator = s["facilitator"]["name"] if s["facilitator"] else "(bilateral)"
        table.add_row(
            str(s["rank"]),
            f"{s['match_strength']:.0%}",
            f"{s['score']:.2f}",
            s["provider"]["name"],
            facilitator,
            "; ".join(s["reasons"][:3]),
        )
    console.print(table)
    console.print(f"model {answer['model_version']} · {answer['data_snapshot']}", highlight=False)


def _fail(message: str) -> NoReturn:
    errors.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    raise typer.Exit(code=2)
