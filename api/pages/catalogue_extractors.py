"""Babel extractors for the engine's words the pages translate, so the catalogues follow their one
source (named in `babel.cfg`, used by `pybabel extract -F babel.cfg`):

- `feature_declarations`: each `Feature(...)` of `features/*_features.py`, its `label` and its
  reason templates (`helps`, `caveat`); a template is the msgid its translation is filled like;
- `region_names`: the UN M49 region names of `fixtures/lists/m49_regions.csv`, which reasons quote.
"""

from __future__ import annotations

import ast
import csv
import io
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

DECLARED = ("label", "helps", "caveat")
TEMPLATE = " (keep each {…} as it is: {f.…} is a fact, {value…}, {count} and {km…} are figures)"
Extracted = Iterator[tuple[int, str, str, list[str]]]


def feature_declarations(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: dict[str, Any]
) -> Extracted:
    tree = ast.parse(fileobj.read())
    for feature_set in (node for node in ast.walk(tree) if _calls(node, "FeatureSet")):
        assert isinstance(feature_set, ast.Call)
        prefix = _text(feature_set.args[0]) if feature_set.args else "?"
        for call in (node for node in ast.walk(feature_set) if _calls(node, "Feature")):
            assert isinstance(call, ast.Call)
            name = f"{prefix}.{_text(call.args[0]) if call.args else '?'}"
            for keyword in call.keywords:
                if keyword.arg in DECLARED and _text(keyword.value):
                    comment = f"{name}: {keyword.arg}" + (TEMPLATE if keyword.arg != "label" else "")
                    yield keyword.value.lineno, "gettext", _text(keyword.value), [comment]


def _calls(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _text(node: ast.expr) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def region_names(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: dict[str, Any]
) -> Extracted:
    rows = csv.DictReader(io.StringIO(fileobj.read().decode("utf-8")))
    for line, row in enumerate(rows, start=2):
        yield line, "gettext", row["name"], [f"UN M49 {row['level']}"]
