"""Rows of CSV and JSON Lines files with their line numbers; a bad line is a `RowError`."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from features.errors import RowError


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for line_no, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                raise RowError(
                    path.name, line_no, "row", text[:60], f"is not valid JSON ({exc.msg})"
                ) from exc
            if not isinstance(row, dict):
                raise RowError(path.name, line_no, "row", row, "is not a JSON object")
            yield line_no, row


def read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows with their line number in the file (the header is line 1)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}


def split_list(text: str) -> list[str]:
    """The parts of a semicolon-separated cell: 'pt; es;' -> ['pt', 'es']."""
    return [part.strip() for part in text.split(";") if part.strip()]


def check_unique(path: Path, line: int, entity_id: str, lines: dict[str, int]) -> None:
    """An id may appear once per file; `lines` maps the ids seen so far to their line."""
    if entity_id in lines:
        raise RowError(path.name, line, "id", entity_id, f"is already used on line {lines[entity_id]}")
    lines[entity_id] = line
