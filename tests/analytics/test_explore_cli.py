"""`refnet query`, `refnet export` and `refnet report` on a data dir of their own."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from cli.main import main, open_engine
from graph.network import members

pytestmark = pytest.mark.integration  # every test here starts its own database


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("refnet-cli")
    args = type("Args", (), {"data": str(directory), "plan": None})()
    rn = open_engine(args)
    try:
        members.register(rn, "Root", member_id="root")
        for name in "abcdefg":
            members.register(rn, name.upper(), sponsor_id="root", member_id=name)
    finally:
        rn.store.close()
    return directory


def run(data: Path, capsys, *argv: str) -> tuple[int, str, str]:
    code = main([argv[0], "--data", str(data), *argv[1:]])
    out = capsys.readouterr()
    return code, out.out, out.err


def dump(data: Path, capsys) -> list:
    """Every node and relationship with all its properties, read through `refnet query` itself."""
    nodes = run(data, capsys, "query", "MATCH (n) RETURN labels(n) AS l, properties(n) AS p", "--format", "json")[1]
    rels = run(data, capsys, "query", "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, properties(r) AS p, "
                                     "b.id AS b", "--format", "json")[1]
    rows = json.loads(nodes)["rows"] + json.loads(rels)["rows"]
    assert len(rows) > 10
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


def test_query_formats_and_params(data, capsys):
    code, out, _ = run(data, capsys, "query", "MATCH (m:Member) WHERE m.depth = $d AND m.id <= $last "
                       "RETURN m.id AS id, m.name AS name ORDER BY id", "-p", "d=1", "-p", "last=c", "--format", "json")
    assert code == 0
    assert json.loads(out) == {"columns": ["id", "name"], "rows": [["a", "A"], ["b", "B"], ["c", "C"]], "truncated": False}
    code, out, _ = run(data, capsys, "query", "MATCH (m:Member {id: $id}) RETURN m.id AS id, m.depth AS depth",
                       "--param", "id=a", "--format", "csv")
    assert out == "id,depth\na,1\n"
    code, out, _ = run(data, capsys, "query", "MATCH (m:Member {id: 'a'}) RETURN m.id AS id, m.kind AS kind")
    assert out.splitlines()[0].split() == ["id", "|", "kind"] and "(1 row)" in out


def test_query_refuses_writes_and_changes_nothing(data, capsys):
    before = dump(data, capsys)
    for statement in ("CREATE (x:Member {id: 'x'})", "MATCH (m:Member) SET m.size = 0", "MATCH (n) DETACH DELETE n",
                      "MERGE (p:Pool {name: 'x'})", "MATCH (m:Member) REMOVE m.name"):
        code, out, err = run(data, capsys, "query", statement)
        assert code == 2 and "FORBIDDEN" in err and out == ""
    assert dump(data, capsys) == before


def test_query_row_cap_and_timeout(data, capsys):
    code, out, err = run(data, capsys, "query", "UNWIND range(1, 30) AS x RETURN x", "--max-rows", "7", "--format", "json")
    assert code == 0 and json.loads(out)["rows"] == [[x] for x in range(1, 8)] and json.loads(out)["truncated"]
    assert "only the first 7" in err
    code, out, err = run(data, capsys, "query", "UNWIND range(1, 3000) AS x UNWIND range(1, 3000) AS y "
                         "WITH x, y WHERE (x * y) % 7 = 3 RETURN count(*) AS n", "--timeout-ms", "50")
    assert code == 2 and "BAD_INPUT" in err and "50 ms" in err


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv"])
def test_export_command(data, capsys, tmp_path, fmt):
    target = tmp_path / f"tree.{fmt}"
    code, _, err = run(data, capsys, "export", "--tree", "placement", "--format", fmt, "-o", str(target))
    assert code == 0 and "exported 8 members, 7 edges" in err
    if fmt == "csv":
        from graph.analytics.export import read_csv

        with target.open(encoding="utf-8", newline="") as source:
            graph = read_csv(source)
    else:
        graph = nx.read_graphml(target) if fmt == "graphml" else nx.read_gexf(target, node_type=str)
    # rules §2's worked example: a, b, c under root; d, e, g slide into c (wealth), f into a
    assert sorted(graph.edges()) == sorted([("root", "a"), ("root", "b"), ("root", "c"), ("c", "d"),
                                            ("c", "e"), ("c", "g"), ("a", "f")])
    assert graph.number_of_nodes() == 8 and graph.nodes["a"]["line_kind"] == "CONTRIBUTION"
    code, _, err = run(data, capsys, "export", "--tree", "sponsor", "--root", "nobody")
    assert code == 2 and "NOT_FOUND" in err


def test_report_command(data, capsys):
    code, out, _ = run(data, capsys, "report", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["members"] == 8 and report["sponsor"]["max_depth"] == 1
    assert report["earnings"]["gini"] == 0.0
    code, out, _ = run(data, capsys, "report")
    assert "members        8 (1 root)" in out and "Gini 0.0000" in out
    assert "placement      depth max " in out and "sponsor        depth max 1," in out
