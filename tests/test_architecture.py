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
SOURCE_DIRS = ("core", *PACKAGES, "data")
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


# --- Stages import one way ----------------------------------------------------------------------
# core (settings, value types) imports nothing of Pantau; nlp only core; pipelines stores what
# the crawler and nlp produce, so never imports the crawler; the crawler never imports the
# command line. pantau/ (the command line and glue) may import every stage.
IMPORT_PACKAGES = ("core", *PACKAGES)
FORBIDDEN = {
    "core": {"crawler", "nlp", "pipelines", "pantau"},
    "nlp": {"crawler", "pipelines", "pantau"},
    "pipelines": {"crawler", "pantau"},
    "crawler": {"pantau"},
}


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Pantau's modules by dotted name (a package by its own name, for its __init__.py)."""
    found = {}
    for package in IMPORT_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The Pantau modules that module `name` imports, anywhere in it (a function-level import
    is a dependency too). `from package import module` depends on that module, not on the
    package's __init__; an import of a name resolves to the module that defines it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            subs = [f"{base}.{alias.name}" for alias in node.names]
            targets = [s for s in subs if s in modules] or [base]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = module_files(root)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles: strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def forbidden_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{a} -> {b}" for a, targets in graph.items() for b in targets
                  if b.split(".")[0] in FORBIDDEN.get(a.split(".")[0], ()))


@pytest.mark.parametrize("graph, expected", [
    pytest.param({"a": {"b"}, "b": {"c"}, "c": set()}, [], id="chain"),
    pytest.param({"a": {"b"}, "b": {"a"}}, [["a", "b"]], id="two"),
    pytest.param({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]],
                 id="three-and-a-tail"),
])
def test_cycle_finder(graph, expected):
    assert cycles(graph) == expected


def test_import_reader_resolves_packages_modules_and_relative_imports(tmp_path):
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "crawler").mkdir()
    for rel, text in {"pipelines/__init__.py": "", "crawler/__init__.py": "",
                      "crawler/sources.py": "X = 1",
                      "pipelines/store.py": "from crawler.sources import X\n"
                                            "def f():\n    from . import db\n",
                      "pipelines/db.py": "import pipelines.store\n"}.items():
        (tmp_path / rel).write_text(text, encoding="utf-8")
    graph = import_graph(tmp_path)
    assert graph["pipelines.store"] == {"crawler.sources", "pipelines.db"}
    assert cycles(graph) == [["pipelines.db", "pipelines.store"]]
    assert forbidden_imports(graph) == ["pipelines.store -> crawler.sources"]


def test_no_import_cycles_between_pantau_modules():
    graph = import_graph()
    assert len(graph) > 50 and "pipelines.schema" in graph["pipelines.db"]
    assert cycles(graph) == []


def test_stages_import_one_way():
    assert forbidden_imports(import_graph()) == []


# --- Errors a user can cause --------------------------------------------------------------------
# Exceptions that never reach the command line, each with the reason.
INTERNAL_ERRORS = {
    # Raised and caught inside the Datasette plugin: the page shows the date as written.
    "data/datasette/plugins/pantau_dates.py:UnreadableDate",
}


def exception_classes() -> list[tuple[str, str, ast.ClassDef]]:
    """(file, class name, node) of every exception class in Pantau's source: a class whose
    base is an exception (a built-in *Error/Exception or another class found here)."""
    classes = []
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(ROOT).as_posix()
        classes += [(rel, node.name, node) for node in ast.walk(tree)
                    if isinstance(node, ast.ClassDef)]
    names = {"Exception", "ValueError", "RuntimeError", "OSError", "LookupError", "KeyError"}
    found, grew = [], True
    while grew:
        grew = False
        for rel, name, node in classes:
            bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                     for b in node.bases}
            if bases & names and (rel, name, node) not in found:
                found.append((rel, name, node))
                names.add(name)
                grew = True
    return sorted(found, key=lambda f: (f[0], f[1]))


def test_every_exception_has_a_docstring():
    found = exception_classes()
    assert len(found) >= 12  # the walk found Pantau's exceptions, not none
    assert [f"{rel}:{name}" for rel, name, node in found if not ast.get_docstring(node)] == []


def test_every_user_error_becomes_one_line_at_the_command_line():
    import importlib

    import click

    from pantau.errors import user_error_types, user_errors

    handled = user_error_types()
    missing = []
    for rel, name, _ in exception_classes():
        if f"{rel}:{name}" in INTERNAL_ERRORS:
            continue
        cls = getattr(importlib.import_module(rel[:-3].replace("/", ".")), name)
        if not issubclass(cls, handled):
            missing.append(f"{rel}:{name}")
            continue
        with pytest.raises(click.ClickException) as raised:
            with user_errors():
                raise cls("first line,\n  second line (the fix)")
        assert raised.value.message == "first line, second line (the fix)", name
    assert missing == [], "add them to pantau/errors.py user_error_types()"


MAX_MODULE_LINES = 400
# What a long module's docstring says of itself: one cohesive thing, and why.
SAYS_WHY = re.compile(r"(over|longer than) 400 lines", re.IGNORECASE)


def test_a_module_over_400_lines_says_why_at_its_top():
    long = {}
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= MAX_MODULE_LINES:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if not SAYS_WHY.search(doc):
            long[str(path.relative_to(ROOT))] = text.count("\n")
    assert long == {}, "split these modules, or say at their top why each is one thing"
