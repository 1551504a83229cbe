"""Members and trees through GraphQL: the worked example of rules §2, errors, bounds and access."""

from __future__ import annotations

import pytest

REGISTER = """
mutation($input: RegisterInput!) {
  registerMember(input: $input) { id name slot placementParent { id } sponsor { id } }
}"""

MEMBER = """
query($id: ID!) {
  member(id: $id) {
    id status kind slot placementParent { id } sponsor { id }
    lines { slot kind size member { id } }
    directReferrals { id }
  }
}"""


def register(gql, member_id: str, sponsor: str | None = None, token: str | None = None) -> dict:
    return gql.ok(REGISTER, token, input={"id": member_id, "name": f"Member {member_id}", "sponsorId": sponsor})


def test_worked_example_of_rules_section_2(gql):
    register(gql, "S")
    for name in "ABCDEFGHI":
        register(gql, name, "S")
    expected = {  # rules §2: member → (placement parent, slot)
        "A": ("S", 1), "B": ("S", 2), "C": ("S", 3), "D": ("C", 1), "E": ("C", 2),
        "F": ("A", 1), "G": ("C", 3), "H": ("D", 1), "I": ("B", 1),
    }
    for name, (parent, slot) in expected.items():
        member = gql.ok(MEMBER, id=name)["member"]
        assert (member["placementParent"]["id"], member["slot"]) == (parent, slot), name
        assert member["sponsor"]["id"] == "S"
    s = gql.ok(MEMBER, id="S")["member"]
    assert [r["id"] for r in s["directReferrals"]] == list("ABCDEFGHI")
    assert [(line["slot"], line["kind"], line["size"], line["member"]["id"]) for line in s["lines"]] == [
        (1, "CONTRIBUTION", 2, "A"), (2, "CONTRIBUTION", 2, "B"), (3, "WEALTH", 5, "C"),
    ]
    assert s["placementParent"] is None and s["sponsor"] is None


def test_upline_and_downline_in_both_trees(gql):
    register(gql, "S")
    for name in "ABCDEFGHI":
        register(gql, name, "S")
    up = gql.ok('{ upline(id: "H", tree: PLACEMENT) { member { id } depth parentId slot } }')["upline"]
    assert [(n["member"]["id"], n["depth"], n["parentId"], n["slot"]) for n in up] == [
        ("D", 1, "C", 1), ("C", 2, "S", 3), ("S", 3, None, None),
    ]
    up = gql.ok('{ upline(id: "H", tree: SPONSOR) { member { id } depth } }')["upline"]
    assert [(n["member"]["id"], n["depth"]) for n in up] == [("S", 1)]
    down = gql.ok('{ downline(id: "S", tree: PLACEMENT) { member { id } depth parentId slot } }')["downline"]
    assert [n["member"]["id"] for n in down] == ["A", "B", "C", "F", "I", "D", "E", "G", "H"]
    assert [n["depth"] for n in down] == [1, 1, 1, 2, 2, 2, 2, 2, 3]
    down = gql.ok('{ downline(id: "S", tree: PLACEMENT, maxDepth: 1) { member { id } } }')["downline"]
    assert [n["member"]["id"] for n in down] == ["A", "B", "C"]
    down = gql.ok('{ downline(id: "S", tree: SPONSOR) { member { id } depth parentId } }')["downline"]
    assert [n["member"]["id"] for n in down] == list("ABCDEFGHI")
    assert {n["parentId"] for n in down} == {"S"}


def count_members(rn) -> int:
    return rn.store.run_text("MATCH (m:Member) RETURN count(m) AS n")[0]["n"]


@pytest.mark.parametrize(
    "payload, code, field",
    [
        ({"id": "X", "name": "X", "sponsorId": "nobody"}, "NOT_FOUND", "sponsorId"),
        ({"id": "S", "name": "Again"}, "CONFLICT", "id"),
        ({"id": "Y", "name": "   ", "sponsorId": "S"}, "BAD_INPUT", "name"),
        ({"id": "bad id!", "name": "Z", "sponsorId": "S"}, "BAD_INPUT", "id"),
    ],
)
def test_bad_registrations_answer_a_code_and_write_nothing(gql, rn, payload, code, field):
    register(gql, "S")
    before = count_members(rn)
    error = gql.error(REGISTER, input=payload)
    assert error["extensions"]["code"] == code
    assert field in error["message"]
    assert "Traceback" not in error["message"]
    assert count_members(rn) == before


def test_downline_bounds(gql):
    register(gql, "S")
    error = gql.error('{ downline(id: "S", tree: PLACEMENT, maxDepth: 65) { depth } }')
    assert error["extensions"]["code"] == "BAD_INPUT" and "maxDepth" in error["message"]
    error = gql.error('{ downline(id: "nobody", tree: PLACEMENT) { depth } }')
    assert error["extensions"]["code"] == "NOT_FOUND"


def test_downline_node_cap(gql, rn, monkeypatch):
    from graph.network import members

    register(gql, "S")
    for index in range(6):
        register(gql, f"m{index}", "S")
    monkeypatch.setattr(members, "DOWNLINE_MAX_NODES", 5)
    error = gql.error('{ downline(id: "S", tree: SPONSOR) { depth } }')
    assert error["extensions"]["code"] == "BAD_INPUT" and "more than 5" in error["message"]


def test_query_depth_limit(gql):
    register(gql, "S")
    nested = "sponsor { " * 14 + "id" + " }" * 14
    error = gql.error("{ member(id: \"S\") { " + nested + " } }")
    assert "exceeds maximum operation depth" in error["message"]


def test_money_scalar_refuses_floats(gql):
    """The Money scalar takes strings only (checked here on its parser, used by orders)."""
    from api.scalars import _parse_money
    from graph.core.errors import BadInput

    with pytest.raises(BadInput):
        _parse_money(12.5)
    with pytest.raises(BadInput):
        _parse_money("1.234")
    assert str(_parse_money("12.5")) == "12.50"


def test_admin_token_gates_operations(gql, rn, monkeypatch):
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", "s3cret")
    error = gql.error(REGISTER, input={"id": "S", "name": "S"})
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert count_members(rn) == 0
    error = gql.error(REGISTER, "wrong", input={"id": "S", "name": "S"})
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    register(gql, "S", token="s3cret")
    assert gql.error(MEMBER, id="S")["extensions"]["code"] == "UNAUTHENTICATED"
    assert gql.ok(MEMBER, "s3cret", id="S")["member"]["id"] == "S"


def test_unexpected_errors_are_masked(gql, rn, monkeypatch):
    from graph.network import members

    def broken(*args, **kwargs):
        raise RuntimeError("database said: secret internals")

    monkeypatch.setattr(members, "upline", broken)
    register(gql, "S")
    error = gql.error('{ upline(id: "S", tree: SPONSOR) { depth } }')
    assert error["message"] == "Unexpected error."
    assert "secret" not in str(error)


def test_healthz_and_graphiql(gql):
    response = gql.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "graph": "falkordb"}
    page = gql.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
