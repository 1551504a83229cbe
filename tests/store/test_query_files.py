"""Every query name the code uses has its file under `cypher/`, and every file there is used.

Names are read from the source, not run: the first argument of `run`, `run_many`, `prepare` and
`query_text`, and of any function that hands one of its parameters on to them (a wrapper such
as `families._write`). An argument is followed through conditional expressions, subscripts of
literal dicts and assignments in the same function or module; an f-string is a pattern
("explore/{name}" matches every file under a folder ending in `explore/`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

import pytest

from graph.store.store import query_files, query_path
from tests.support.paths import REPO

SOURCES = ("graph", "api", "cli", "bench")
QUERY_FUNCTIONS = {"run": 0, "run_many": 0, "query_text": 0, "prepare": 0}


def modules() -> Iterator[tuple[str, ast.Module]]:
    for folder in SOURCES:
        for path in sorted((REPO / folder).rglob("*.py")):
            yield str(path.relative_to(REPO)), ast.parse(path.read_text(encoding="utf-8"))


def function_name(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Attribute):
        return expr.attr
    if isinstance(expr, ast.Name):
        return expr.id
    return None


def query_arguments(call: ast.Call, functions: dict[str, int]) -> Iterator[ast.expr]:
    """The arguments of `call` that name a query: a query function's own, or the one after a
    query function handed on (`run_in_threadpool(rn.store.run, "health_probe", ...)`)."""
    index = functions.get(function_name(call.func) or "")
    if index is not None and len(call.args) > index:
        yield call.args[index]
    for position, arg in enumerate(call.args):
        index = functions.get(function_name(arg) or "") if isinstance(arg, (ast.Attribute, ast.Name)) else None
        if index is not None and len(call.args) > position + 1 + index:
            yield call.args[position + 1 + index]


def enclosing_functions(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    """Each node's innermost function (or the module)."""
    owner: dict[ast.AST, ast.AST] = {}

    def visit(node: ast.AST, scope: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            owner[child] = scope
            visit(child, child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else scope)

    visit(tree, tree)
    return owner


def assigned_values(scope: ast.AST, name: str) -> list[ast.expr]:
    values: list[ast.expr] = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if node.value is not None and any(isinstance(t, ast.Name) and t.id == name for t in targets):
            values.append(node.value)
    return values


def names_of(expr: ast.expr, scope: ast.AST, tree: ast.Module) -> Iterator[str | re.Pattern[str]]:
    """The query names (or name patterns) an argument can take."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        yield expr.value
    elif isinstance(expr, ast.IfExp):
        yield from names_of(expr.body, scope, tree)
        yield from names_of(expr.orelse, scope, tree)
    elif isinstance(expr, ast.Dict):
        for value in expr.values:
            yield from names_of(value, scope, tree)
    elif isinstance(expr, ast.Subscript):
        yield from names_of(expr.value, scope, tree)
    elif isinstance(expr, ast.JoinedStr):
        parts = [re.escape(str(part.value)) if isinstance(part, ast.Constant) else "[^/]+" for part in expr.values]
        yield re.compile("(?:.*/)?" + "".join(parts))
    elif isinstance(expr, ast.Name):
        for value in assigned_values(scope, expr.id) or assigned_values(tree, expr.id):
            yield from names_of(value, scope, tree)


def parameter_index(function: ast.AST, name: str) -> int | None:
    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        params = [arg.arg for arg in function.args.posonlyargs + function.args.args]
        if name in params:
            return params.index(name)
    return None


def used_names() -> list[tuple[str, str | re.Pattern[str]]]:
    """(where, name or pattern) for every query name in the code."""
    parsed = list(modules())
    functions = dict(QUERY_FUNCTIONS)
    changed = True
    while changed:  # wrappers: functions whose parameter reaches a query function
        changed = False
        for _, tree in parsed:
            owner = enclosing_functions(tree)
            for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
                for arg in query_arguments(call, functions):
                    scope = owner[call]
                    position = parameter_index(scope, arg.id) if isinstance(arg, ast.Name) else None
                    if position is not None and getattr(scope, "name", None) not in functions:
                        functions[scope.name] = position  # type: ignore[attr-defined]
                        changed = True
    found = []
    for path, tree in parsed:
        owner = enclosing_functions(tree)
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            for arg in query_arguments(call, functions):
                found += [(f"{path}:{call.lineno}", name) for name in names_of(arg, owner[call], tree)]
    return found


def test_the_scan_finds_the_code_s_queries() -> None:
    """The scan itself sees names of every kind: plain, conditional, folder-qualified, patterns."""
    names = {name for _, name in used_names() if isinstance(name, str)}
    assert {"ledger_by_member", "ledger_all", "family/create", "meta_version", "bulk_members_create",
            "health_probe"} <= names
    assert any(isinstance(name, re.Pattern) for _, name in used_names())


def test_every_query_name_has_one_file() -> None:
    missing = []
    for where, name in used_names():
        if isinstance(name, str):
            try:
                query_path(name)
            except LookupError as error:
                missing.append(f"{where}: {error}")
        elif not any(name.fullmatch(path) for path in query_files()):
            missing.append(f"{where}: no file matches {name.pattern}")
    assert not missing, "\n".join(missing)


def test_every_query_file_is_used() -> None:
    used = set()
    for _, name in used_names():
        if isinstance(name, str):
            used.add(query_path(name))
        else:
            used |= {path for path in query_files() if name.fullmatch(path)}
    unused = sorted(set(query_files()) - used)
    assert not unused, f"query files no code names: {unused}"


def test_a_name_is_a_file_name_or_ends_a_path() -> None:
    assert query_path("ledger_by_member") == query_path("ledger/ledger_by_member") == "ledger/ledger_by_member"
    assert query_path("create") == query_path("family/create") == "plans/family/create"
    with pytest.raises(LookupError, match="no file"):
        query_path("no_such_query")


def test_an_ambiguous_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.store import store

    monkeypatch.setattr(store, "query_files", lambda: {"ledger/close": None, "plans/family/close": None})
    with pytest.raises(LookupError, match="several files: ledger/close, plans/family/close"):
        store.query_path.__wrapped__("close")
    assert store.query_path.__wrapped__("family/close") == "plans/family/close"
