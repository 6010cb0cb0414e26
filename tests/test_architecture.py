"""Pantau's shape (docs/architecture.md): the schema in one module, checked over the source.

Read with Python's `ast`, never by importing: a check of the source cannot be fooled by what a
module does at import time. Pantau's source is every .py file of its packages and of data/
(the Datasette plugins, the gazetteer builder). tests/ and benchmarks/ are left out: tests
build legacy and foreign schemas on purpose, to check upgrades, and benchmarks inspect
databases with their own scratch tables; neither is part of what Pantau runs.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pantau", "crawler", "nlp", "pipelines")
SOURCE_DIRS = (*PACKAGES, "data")
# The one module that may define tables, indexes, triggers and views.
SCHEMA_MODULE = "pipelines/schema.py"

# A DDL statement in a string (plain or the literal parts of an f-string).
DDL = re.compile(r"\b(create|drop)\s+(temp\s+|temporary\s+)?(unique\s+)?(virtual\s+)?"
                 r"(table|index|trigger|view)\b", re.IGNORECASE)
# sqlite-utils calls that change the schema: db[...].create(...), .create_index(...) ...
DDL_METHODS = {"create_index", "create_view", "create_table", "enable_fts", "add_column",
               "add_foreign_key", "transform", "drop_view"}
DDL_ON_TABLE = {"create", "drop"}  # only on a table object, db["name"].create(...)


def source_files() -> list[Path]:
    files = [p for d in SOURCE_DIRS for p in sorted((ROOT / d).rglob("*.py"))]
    assert len(files) > 40  # the walk found the source, not an empty folder
    return files


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string nodes that are docstrings (prose, not SQL)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def ddl_in(source: str) -> list[tuple[int, str]]:
    """(line, what) of each DDL statement or schema-changing sqlite-utils call in `source`."""
    tree = ast.parse(source)
    # Docstrings are prose; an f-string's literal parts are read with the f-string.
    skip = _docstrings(tree) | {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                                for v in node.values}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in skip):
            text = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in DDL_METHODS or (name in DDL_ON_TABLE
                                       and isinstance(node.func.value, ast.Subscript)):
                found.append((node.lineno, f".{name}(...)"))
            continue
        else:
            continue
        match = DDL.search(text)
        if match:
            found.append((node.lineno, match.group(0)))
    return found


@pytest.mark.parametrize("source, expected", [
    pytest.param('x = "create table t (a)"', [(1, "create table")], id="plain"),
    pytest.param('x = f"CREATE INDEX i on {t} (a)"', [(1, "CREATE INDEX")], id="f-string"),
    pytest.param('x = "create  temp table if not exists t (a)"', [(1, "create  temp table")],
                 id="temp"),
    pytest.param('x = "create virtual table f using fts5(a)"',
                 [(1, "create virtual table")], id="virtual"),
    pytest.param('db.execute("drop trigger if exists x")', [(1, "drop trigger")], id="drop"),
    pytest.param('db["t"].create({"a": int}, pk="a")', [(1, ".create(...)")], id="sqlite-utils"),
    pytest.param('db["t"].create_index(["a"])', [(1, ".create_index(...)")], id="index-call"),
    # Prose about tables, and the same words in other calls, are not DDL.
    pytest.param('"""Create tables on open."""\nx = "the created table"', [], id="prose"),
    pytest.param('tempfile.NamedTemporaryFile(); Path("x").touch(); obj.create()', [],
                 id="other-calls"),
])
def test_ddl_finder(source, expected):
    assert ddl_in(source) == expected


def test_only_the_schema_module_defines_the_schema():
    outside = {}
    for path in source_files():
        rel = path.relative_to(ROOT).as_posix()
        found = ddl_in(path.read_text(encoding="utf-8"))
        if rel == SCHEMA_MODULE:
            assert found, "the schema module defines no table: has it moved?"
        elif found:
            outside[rel] = found
    assert outside == {}, "DDL outside pipelines/schema.py: add a function there and call it"
