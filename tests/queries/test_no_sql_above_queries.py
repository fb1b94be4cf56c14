"""SQL lives in ``storage`` and ``queries`` only: report and CLI string literals hold none."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "flowscope"
KEYWORDS = ("SELECT ", "INSERT ", "UPDATE ", "DELETE FROM ", "CREATE TABLE ")


def sql_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        parts: list[ast.AST] = [node] if isinstance(node, ast.Constant) else []
        for part in parts:
            value = getattr(part, "value", None)
            if isinstance(value, str) and any(k in value for k in KEYWORDS):
                found.append((part.lineno, value.strip()[:60]))
    return found


@pytest.mark.parametrize("package", ["report", "cli"])
def test_package_has_no_sql_string_literals(package):
    hits = [
        f"{p.relative_to(SRC)}:{line}: {text}"
        for p in sorted((SRC / package).rglob("*.py"))
        for line, text in sql_literals(p)
    ]
    assert hits == []


def test_the_check_finds_sql_in_a_literal_and_in_an_f_string(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        'x = store.sql("SELECT 1 FROM prices")\n'
        'y = store.sql(f"SELECT 1 FROM {name} LIMIT 1")\n'
        'z = "selection of funds"\n',
        encoding="utf-8",
    )
    assert [line for line, _ in sql_literals(bad)] == [1, 2]


def test_the_queries_layer_is_where_the_sql_went():
    assert sql_literals(SRC / "queries" / "prices.py")
