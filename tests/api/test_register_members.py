"""`registerMembers` over GraphQL (issue 18): admin only, one result per input in order."""

from __future__ import annotations

ADMIN = "batch-admin-token"
BATCH = """mutation($inputs: [RegisterInput!]!) {
  registerMembers(inputs: $inputs) { member { id sponsor { id } placementParent { id } slot } error { code message } }
}"""


def test_one_result_per_input_in_order(gql, monkeypatch):
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", ADMIN)
    results = gql.ok(BATCH, ADMIN, inputs=[
        {"id": "R", "name": "Root"},
        {"id": "A", "name": "A", "sponsorId": "R"},
        {"id": "B", "name": "B", "sponsorId": "ghost"},
        {"id": "A", "name": "A again", "sponsorId": "R"},
        {"id": "C", "name": "C", "sponsorId": "A"},
    ])["registerMembers"]
    assert [r["error"]["code"] if r["error"] else None for r in results] == [None, None, "NOT_FOUND", "CONFLICT", None]
    assert "ghost" in results[2]["error"]["message"]
    assert results[4]["member"] == {"id": "C", "sponsor": {"id": "A"}, "placementParent": {"id": "A"}, "slot": 1}
    assert gql.ok("query { member(id: \"B\") { id } }", ADMIN)["member"] is None


def test_only_the_admin_registers_a_batch(gql, rn, monkeypatch):
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", ADMIN)
    gql.ok(BATCH, ADMIN, inputs=[{"id": "R", "name": "Root"}])
    token = gql.ok("mutation { createMemberToken(memberId: \"R\") }", ADMIN)["createMemberToken"]
    inputs = [{"name": "K", "sponsorId": "R", "kind": "CUSTOMER"}]
    assert gql.error(BATCH, token, inputs=inputs)["extensions"]["code"] == "FORBIDDEN"
    assert gql.error(BATCH, inputs=inputs)["extensions"]["code"] == "UNAUTHENTICATED"
    assert rn.store.run_text("MATCH (m:Member) RETURN count(m) AS n")[0]["n"] == 1


def test_too_many_inputs_is_bad_input_and_books_nothing(gql, rn, monkeypatch):
    from graph.network.batch import MAX_BATCH

    monkeypatch.setenv("REFNET_ADMIN_TOKEN", ADMIN)
    inputs = [{"id": f"m{i}", "name": "M"} for i in range(MAX_BATCH + 1)]
    assert gql.error(BATCH, ADMIN, inputs=inputs)["extensions"]["code"] == "BAD_INPUT"
    assert rn.store.run_text("MATCH (m:Member) RETURN count(m) AS n")[0]["n"] == 0
