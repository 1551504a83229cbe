"""Member tokens and scoped reads: a member reads itself and its downlines, its own money only,
its upline as ids and names; a partner registers its customers as itself (rules §9 way 2)."""

from __future__ import annotations

import pytest

ADMIN = "adm1n-token"
REGISTER = """
mutation($input: RegisterInput!) { registerMember(input: $input) { id kind sponsor { id name } } }"""
CREATE = "mutation($id: ID!) { createMemberToken(memberId: $id) }"
REVOKE = "mutation($id: ID!) { revokeMemberTokens(memberId: $id) }"
ME = "{ me { kind memberId name } }"
MEMBER = "query($id: ID!) { member(id: $id) { id name kind balance { available } } }"
DOWNLINE = "query($id: ID!) { downline(id: $id, tree: SPONSOR) { member { id name status } } }"
LEDGER = "query($id: ID) { ledger(memberId: $id) { id amount } }"


def register(gql, member_id: str, sponsor: str | None, kind: str = "PARTNER") -> None:
    gql.ok(REGISTER, ADMIN, input={"id": member_id, "name": f"Name {member_id}", "sponsorId": sponsor, "kind": kind})


@pytest.fixture
def tree(gql, monkeypatch):
    """Root R sponsors partners A and X; A sponsors partner B; B sponsors customer K."""
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", ADMIN)
    register(gql, "R", None)
    register(gql, "A", "R")
    register(gql, "X", "R")
    register(gql, "B", "A")
    register(gql, "K", "B", "CUSTOMER")


def token_of(gql, member_id: str) -> str:
    return gql.ok(CREATE, ADMIN, id=member_id)["createMemberToken"]


def count(rn, label: str) -> int:
    return rn.store.run_text(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]


def test_only_the_digest_is_stored_and_me_names_the_member(gql, rn, tree):
    token = token_of(gql, "A")
    stored = rn.store.run_text("MATCH (t:MemberToken) RETURN t.digest AS digest, t.member_id AS member")
    assert len(stored) == 1 and stored[0]["member"] == "A"
    assert token not in str(stored) and len(stored[0]["digest"]) == 64
    assert gql.ok(ME, token)["me"] == {"kind": "MEMBER", "memberId": "A", "name": "Name A"}
    assert gql.ok(ME, ADMIN)["me"]["kind"] == "ADMIN"
    assert gql.ok(ME)["me"] == {"kind": "ANONYMOUS", "memberId": None, "name": None}


def test_a_member_reads_itself_and_its_downline_but_not_others(gql, rn, tree):
    token = token_of(gql, "A")
    assert gql.ok(MEMBER, token, id="A")["member"]["balance"]["available"] == "0.00"
    downline = {n["member"]["id"] for n in gql.ok(DOWNLINE, token, id="A")["downline"]}
    assert downline == {"B", "K"}
    assert gql.ok("query($id: ID!) { member(id: $id) { id kind } }", token, id="K")["member"] == \
        {"id": "K", "kind": "CUSTOMER"}
    for other in ("X", "R"):
        assert gql.error(MEMBER, token, id=other)["extensions"]["code"] == "FORBIDDEN"
        assert gql.error(DOWNLINE, token, id=other)["extensions"]["code"] == "FORBIDDEN"
    # a downline's money is its own
    assert gql.error(MEMBER, token, id="B")["extensions"]["code"] == "FORBIDDEN"


def test_the_upline_is_ids_and_names_only(gql, tree):
    token = token_of(gql, "B")
    upline = gql.ok("query { upline(id: \"B\", tree: SPONSOR) { member { id name } } }", token)["upline"]
    assert [n["member"] for n in upline] == [{"id": "A", "name": "Name A"}, {"id": "R", "name": "Name R"}]
    assert gql.ok("{ member(id: \"B\") { sponsor { id name } } }", token)["member"]["sponsor"]["id"] == "A"
    error = gql.error("{ member(id: \"B\") { sponsor { id status } } }", token)
    assert error["extensions"]["code"] == "FORBIDDEN" and error["path"] == ["member", "sponsor", "status"]
    error = gql.error("{ member(id: \"B\") { sponsor { directReferrals { id } } } }", token)
    assert error["extensions"]["code"] == "FORBIDDEN"


def test_own_ledger_only(gql, tree):
    token = token_of(gql, "A")
    assert gql.ok(LEDGER, token, id="A")["ledger"] == []
    assert gql.error(LEDGER, token, id="B")["extensions"]["code"] == "FORBIDDEN"
    assert gql.error(LEDGER, token, id=None)["extensions"]["code"] == "FORBIDDEN"


def test_a_member_cannot_use_admin_operations(gql, rn, tree):
    token = token_of(gql, "A")
    before = count(rn, "Member")
    for query in ('mutation { createMemberToken(memberId: "X") }', "{ networkReport { members } }",
                  'mutation { recordOrder(input: {id: "o1", buyerId: "A", amount: "10.00"}) { id } }'):
        assert gql.error(query, token)["extensions"]["code"] == "FORBIDDEN", query
    assert count(rn, "Member") == before and count(rn, "Order") == 0


def test_revoked_and_expired_tokens_are_refused(gql, rn, tree):
    token, second = token_of(gql, "A"), token_of(gql, "A")
    assert gql.ok(REVOKE, ADMIN, id="A")["revokeMemberTokens"] == 2
    for revoked in (token, second):
        assert gql.ok(ME, revoked)["me"]["kind"] == "ANONYMOUS"
        assert gql.error(MEMBER, revoked, id="A")["extensions"]["code"] == "UNAUTHENTICATED"
    fresh = token_of(gql, "A")
    assert gql.ok(ME, fresh)["me"]["memberId"] == "A"
    start = rn.clock()
    rn.clock = lambda: start + 91 * 86_400_000  # past the default 90 days
    error = gql.error(MEMBER, fresh, id="A")
    assert error["extensions"]["code"] == "UNAUTHENTICATED" and "expired" in error["message"]


def test_tokens_for_unknown_members_are_not_found(gql, rn, tree):
    assert gql.error(CREATE, ADMIN, id="nobody")["extensions"]["code"] == "NOT_FOUND"
    assert count(rn, "MemberToken") == 0


def test_seed_way_2_a_partner_registers_a_customer_as_itself(gql, rn, tree):
    token = token_of(gql, "B")
    new = gql.ok(REGISTER, token, input={"name": "Nina", "kind": "CUSTOMER"})["registerMember"]
    assert new["kind"] == "CUSTOMER" and new["sponsor"] == {"id": "B", "name": "Name B"}
    under_customer = gql.ok(REGISTER, token, input={"name": "Otto", "kind": "CUSTOMER", "sponsorId": "K"})
    assert under_customer["registerMember"]["sponsor"]["id"] == "K"
    before = count(rn, "Member")
    refusals = [
        {"name": "Y", "kind": "CUSTOMER", "sponsorId": "X"},          # not its own customer
        {"name": "Y", "kind": "CUSTOMER", "sponsorId": "A"},          # its upline
        {"name": "Y", "kind": "PARTNER"},                             # partners: the company
        {"name": "Y", "kind": "CUSTOMER", "id": "chosen"},            # ids: the admin
        {"name": "Y", "kind": "CUSTOMER", "actingPartnerId": "A"},    # as someone else
    ]
    for payload in refusals:
        assert gql.error(REGISTER, token, input=payload)["extensions"]["code"] == "FORBIDDEN", payload
    assert count(rn, "Member") == before


def test_a_customer_claims_its_own_landing_slug_only(gql, tree):
    token = token_of(gql, "K")
    claim = 'mutation($id: ID!) { claimLandingSlug(memberId: $id, landingSlug: "kays-page") { landingSlug } }'
    assert gql.ok(claim, token, id="K")["claimLandingSlug"]["landingSlug"] == "kays-page"
    assert gql.error(claim, token, id="B")["extensions"]["code"] == "FORBIDDEN"


def test_without_an_admin_token_the_loopback_default_is_open_but_member_tokens_still_scope(gql, monkeypatch):
    monkeypatch.delenv("REFNET_ADMIN_TOKEN", raising=False)
    gql.ok(REGISTER, None, input={"id": "R", "name": "R", "kind": "PARTNER"})
    gql.ok(REGISTER, None, input={"id": "X", "name": "X", "kind": "PARTNER"})
    assert gql.ok(ME)["me"]["kind"] == "ADMIN"
    token = gql.ok(CREATE, id="R")["createMemberToken"]
    assert gql.ok(ME, token)["me"]["memberId"] == "R"
    assert gql.error(MEMBER, token, id="X")["extensions"]["code"] == "FORBIDDEN"
