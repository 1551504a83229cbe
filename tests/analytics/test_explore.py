"""Read-only Cypher for people: writes refused (graph unchanged), timeout, row cap, JSON-safe
values; through graph.analytics.explore, `refnet query` and the admin-only GraphQL `explore`."""

from __future__ import annotations

import json

import pytest

from graph.analytics import explore as exploring
from graph.analytics.explore import explore, parse_param, write_clause
from graph.core.errors import BadInput, Forbidden
from graph.network import members

# An aggregate: the row cap pushed into the statement (LIMIT) cannot end it early.
SLOW = ("UNWIND range(1, 3000) AS x UNWIND range(1, 3000) AS y WITH x, y WHERE (x * y) % 7 = 3 "
        "RETURN count(*) AS n")
WRITES = [
    "CREATE (x:Member {id: 'intruder'})",
    "MATCH (m:Member {id: 'a'}) SET m.paid = 100000000",
    "MATCH (m:Member {id: 'a'}) DETACH DELETE m",
    "MATCH (m:Member {id: 'a'}) REMOVE m.name",
    "MERGE (p:Pool {name: 'x'})",
    "MATCH (m:Member) WITH m LIMIT 1 CREATE (m)-[:SPONSORED_BY]->(m)",
    "MATCH (v:Meta) FOREACH (_ IN [1] | SET v.value = 0)",
    "match (m:Member) set m.status = 'BOSS'",
]


def dump(store) -> list:
    nodes = store.run_text("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    rels = store.run_text("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, properties(r) AS props, b.id AS b")
    return sorted(json.dumps(row, sort_keys=True, default=str) for row in nodes + rels)


@pytest.fixture
def small(rn):
    members.register(rn, "Root", member_id="root")
    for name in "abcde":
        members.register(rn, name.upper(), sponsor_id="root", member_id=name)
    return rn


def test_reads_and_json_safe_values(small):
    result = explore(small, "MATCH (m:Member {id: 'a'})-[s:SPONSORED_BY]->(r:Member) RETURN m, s, r.id AS sponsor, "
                            "1.5 AS f, [1, 'x'] AS l, {k: null} AS map")
    assert result.columns == ["m", "s", "sponsor", "f", "l", "map"]
    assert not result.truncated
    (m, s, sponsor, f, items, mapping), = result.rows
    assert m["labels"] == ["Member"] and m["properties"]["id"] == "a" and m["properties"]["name"] == "A"
    assert s == {"type": "SPONSORED_BY", "properties": {}}
    assert (sponsor, f, items, mapping) == ("root", 1.5, [1, "x"], {"k": None})
    path = explore(small, "MATCH p = (m:Member {id: 'a'})-[:PLACED_UNDER]->(r:Member) RETURN p").rows[0][0]
    assert [n["properties"]["id"] for n in path["nodes"]] == ["a", "root"]
    assert path["relationships"][0]["type"] == "PLACED_UNDER" and path["relationships"][0]["properties"] == {"slot": 1}
    json.dumps(result.rows)


def test_parameters(small):
    result = explore(small, "MATCH (m:Member) WHERE m.id IN $ids AND m.depth >= $d RETURN m.id AS id ORDER BY id",
                     {"ids": ["a", "b", "zz"], "d": 1})
    assert result.rows == [["a"], ["b"]]
    with pytest.raises(BadInput):
        explore(small, "RETURN $x", {"bad name": 1})


@pytest.mark.parametrize("statement", WRITES)
def test_writes_are_forbidden_and_change_nothing(small, statement):
    before = dump(small.store)
    with pytest.raises(Forbidden):
        explore(small, statement)
    assert dump(small.store) == before


@pytest.mark.parametrize("statement", WRITES[:5] + ["CALL db.idx.fulltext.createNodeIndex('Member', 'name')"])
def test_the_database_refuses_writes_without_the_pre_check(small, statement, monkeypatch):
    """The pre-check only words the message: the read-only mode of the database is what holds."""
    monkeypatch.setattr(exploring, "write_clause", lambda text: None)
    before = dump(small.store)
    with pytest.raises(Forbidden):
        explore(small, statement)
    assert dump(small.store) == before


def test_write_words_in_strings_names_and_comments_are_not_writes(small):
    assert write_clause("MATCH (m:Member) WHERE m.name <> 'CREATE' RETURN m.created_at, {set: 1} // DELETE") is None
    assert write_clause("RETURN `SET` AS x /* MERGE */") is None
    assert write_clause("MATCH (m:Member) RETURN m.id AS create, m.name AS Set") is None
    assert write_clause("MATCH (m:Member) WITH m AS x SET x.a = 1") == "SET"
    assert write_clause("MATCH (n) DETACH DELETE n") == "DETACH"
    assert explore(small, "MATCH (m:Member {id: 'a'}) RETURN 'DELETE me' AS word, m.created_at > 0 AS t").rows == [["DELETE me", True]]


def test_row_cap(small):
    capped = explore(small, "UNWIND range(1, 50) AS x RETURN x", max_rows=10)
    assert capped.rows == [[x] for x in range(1, 11)] and capped.truncated
    full = explore(small, "UNWIND range(1, 50) AS x RETURN x", max_rows=50)
    assert len(full.rows) == 50 and not full.truncated
    with pytest.raises(BadInput):
        explore(small, "RETURN 1", max_rows=exploring.MAX_ROWS_LIMIT + 1)


def test_timeout(small):
    with pytest.raises(BadInput, match="longer than 50 ms"):
        explore(small, SLOW, timeout_ms=50)
    with pytest.raises(BadInput):
        explore(small, "RETURN 1", timeout_ms=exploring.MAX_TIMEOUT_MS + 1)


def test_bad_queries_are_bad_input(small):
    with pytest.raises(BadInput, match="rejected"):
        explore(small, "MATCH (m:Member RETURN m")
    with pytest.raises(BadInput):
        explore(small, "   ")


def test_parse_param():
    assert parse_param("n=5") == ("n", 5)
    assert parse_param("x=2.5") == ("x", 2.5)
    assert parse_param("id=m001") == ("id", "m001")
    assert parse_param('id="123"') == ("id", "123")
    assert parse_param("ids=[\"a\",\"b\"]") == ("ids", ["a", "b"])
    assert parse_param("flag=true") == ("flag", True)
    assert parse_param("none=null") == ("none", None)
    assert parse_param("s=") == ("s", "")
    with pytest.raises(BadInput):
        parse_param("no-equals")


# ---- GraphQL ----------------------------------------------------------------------------------

EXPLORE = """query($c: String!, $p: JSON, $n: Int! = 1000, $t: Int! = 10000) {
  explore(cypher: $c, params: $p, maxRows: $n, timeoutMs: $t) { columns rows truncated } }"""


def test_graphql_explore(small, gql):
    data = gql.ok(EXPLORE, c="MATCH (m:Member) WHERE m.id IN $ids RETURN m.id AS id, m ORDER BY id",
                  p={"ids": ["a", "b"]})["explore"]
    assert data["columns"] == ["id", "m"] and not data["truncated"]
    assert [row[0] for row in data["rows"]] == ["a", "b"]
    assert data["rows"][0][1]["properties"]["name"] == "A"
    capped = gql.ok(EXPLORE, c="UNWIND range(1, 20) AS x RETURN x", n=5)["explore"]
    assert capped == {"columns": ["x"], "rows": [[1], [2], [3], [4], [5]], "truncated": True}


@pytest.mark.parametrize("statement", WRITES[:4])
def test_graphql_explore_refuses_writes(small, gql, statement):
    before = dump(small.store)
    error = gql.error(EXPLORE, c=statement)
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert dump(small.store) == before


def test_graphql_explore_timeout_and_admin_only(small, gql, monkeypatch):
    error = gql.error(EXPLORE, c=SLOW, t=50)
    assert error["extensions"]["code"] == "BAD_INPUT" and "50 ms" in error["message"]
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", "s3cret")
    assert gql.error(EXPLORE, c="RETURN 1 AS one")["extensions"]["code"] == "UNAUTHENTICATED"
    assert gql.ok(EXPLORE, token="s3cret", c="RETURN 1 AS one")["explore"]["rows"] == [[1]]
