"""The three ways a customer recommender's customer is registered (rules §9), and landing slugs."""

from __future__ import annotations

import pytest

from graph.network.members import SponsorOf, may_register_under

REGISTER = """
mutation($input: RegisterInput!) {
  registerMember(input: $input) { id kind landingSlug sponsor { id kind } }
}"""
SIGN_UP = """
mutation($slug: String!, $name: String!, $id: ID) {
  signUp(landingSlug: $slug, name: $name, id: $id) { id kind sponsor { id } }
}"""
CLAIM = """
mutation($id: ID!, $slug: String!) { claimLandingSlug(memberId: $id, landingSlug: $slug) { id landingSlug } }
"""
MEMBER = 'query($id: ID!) { member(id: $id) { id kind landingSlug sponsor { id } } }'


def register(gql, member_id: str, sponsor: str | None = None, kind: str = "PARTNER", token: str | None = None,
             **extra) -> dict:
    payload = {"id": member_id, "name": f"Member {member_id}", "sponsorId": sponsor, "kind": kind, **extra}
    return gql.ok(REGISTER, token, input=payload)["registerMember"]


def count_members(rn) -> int:
    return rn.store.run_text("MATCH (m:Member) RETURN count(m) AS n")[0]["n"]


@pytest.fixture
def structure(gql) -> None:
    """Company C; partner P sponsors customer K; partner Q elsewhere with its customer L."""
    register(gql, "C")
    register(gql, "P", "C")
    register(gql, "K", "P", "CUSTOMER")
    register(gql, "Q", "C")
    register(gql, "L", "Q", "CUSTOMER")


def test_way_1_the_company_enters_the_customer_with_its_recommender(gql, structure):
    new = register(gql, "N", "K", "CUSTOMER")
    assert new["kind"] == "CUSTOMER" and new["sponsor"] == {"id": "K", "kind": "CUSTOMER"}


def test_way_2_a_partner_enters_a_customer_for_one_of_its_customers(gql, rn, structure):
    new = register(gql, "N", "K", "CUSTOMER", actingPartnerId="P")
    assert new["sponsor"]["id"] == "K"
    assert register(gql, "N2", "P", "CUSTOMER", actingPartnerId="P")["sponsor"]["id"] == "P"
    before = count_members(rn)
    for sponsor, acting in [("L", "P"), ("Q", "P"), ("N", "P"), ("K", "K")]:
        payload = {"id": "X", "name": "X", "sponsorId": sponsor, "kind": "CUSTOMER", "actingPartnerId": acting}
        error = gql.error(REGISTER, input=payload)
        assert error["extensions"]["code"] == "FORBIDDEN", (sponsor, acting)
        assert "actingPartnerId" in error["message"]
    assert count_members(rn) == before


def test_may_register_under_is_itself_or_its_own_customers():
    assert may_register_under("P", SponsorOf("P", "PARTNER", "C", "PARTNER"))
    assert may_register_under("P", SponsorOf("K", "CUSTOMER", "P", "PARTNER"))
    assert not may_register_under("P", SponsorOf("L", "CUSTOMER", "Q", "PARTNER"))
    assert not may_register_under("P", SponsorOf("Q", "PARTNER", "P", "PARTNER"))  # a partner it sponsors
    assert not may_register_under("K", SponsorOf("K", "CUSTOMER", "P", "PARTNER"))  # a customer is no partner
    assert not may_register_under("K", SponsorOf("M", "CUSTOMER", "K", "CUSTOMER"))


def test_way_3_sign_up_on_a_claimed_landing_page_needs_no_token(gql, rn, structure, monkeypatch):
    assert gql.ok(CLAIM, id="K", slug="kathrins-tipps")["claimLandingSlug"] == {"id": "K", "landingSlug": "kathrins-tipps"}
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", "s3cret")
    refused = gql.error(SIGN_UP, slug="kathrins-tipps", name="Nina", id="N")  # only the admin chooses ids
    assert refused["extensions"]["code"] == "FORBIDDEN" and "id" in refused["message"]
    new = gql.ok(SIGN_UP, "s3cret", slug="kathrins-tipps", name="Nina", id="N")["signUp"]
    assert new == {"id": "N", "kind": "CUSTOMER", "sponsor": {"id": "K"}}
    anonymous = gql.ok(SIGN_UP, slug="kathrins-tipps", name="Anonymous")["signUp"]
    assert anonymous["sponsor"]["id"] == "K" and len(anonymous["id"]) == 32
    assert gql.error(CLAIM, id="L", slug="other")["extensions"]["code"] == "UNAUTHENTICATED"
    assert gql.ok(MEMBER, "s3cret", id="N")["member"]["sponsor"]["id"] == "K"


def test_landing_slug_on_registration_then_sign_up(gql, structure):
    assert register(gql, "K2", "P", "CUSTOMER", landingSlug="k2-page")["landingSlug"] == "k2-page"
    assert gql.ok(SIGN_UP, slug="k2-page", name="Nina", id="N")["signUp"]["sponsor"]["id"] == "K2"


def test_a_taken_slug_is_a_conflict_and_writes_nothing(gql, rn, structure):
    gql.ok(CLAIM, id="K", slug="taken")
    before = count_members(rn)
    error = gql.error(REGISTER, input={"id": "X", "name": "X", "sponsorId": "P", "kind": "CUSTOMER",
                                       "landingSlug": "taken"})
    assert error["extensions"]["code"] == "CONFLICT" and "landingSlug" in error["message"]
    assert count_members(rn) == before
    error = gql.error(CLAIM, id="L", slug="taken")
    assert error["extensions"]["code"] == "CONFLICT"
    assert gql.ok(MEMBER, id="L")["member"]["landingSlug"] is None
    assert gql.ok(CLAIM, id="K", slug="taken")["claimLandingSlug"]["landingSlug"] == "taken"  # own: unchanged


def test_claiming_another_slug_frees_the_old_one(gql, structure):
    gql.ok(CLAIM, id="K", slug="old-page")
    gql.ok(CLAIM, id="K", slug="new-page")
    assert gql.error(SIGN_UP, slug="old-page", name="N")["extensions"]["code"] == "NOT_FOUND"
    assert gql.ok(CLAIM, id="L", slug="old-page")["claimLandingSlug"]["landingSlug"] == "old-page"


def test_an_unknown_slug_on_sign_up_is_not_found_and_writes_nothing(gql, rn, structure):
    before = count_members(rn)
    error = gql.error(SIGN_UP, slug="nobody-here", name="Nina")
    assert error["extensions"]["code"] == "NOT_FOUND" and "landingSlug" in error["message"]
    assert count_members(rn) == before


@pytest.mark.parametrize("slug", ["ab", "Upper", "with space", "a" * 41, "under_score", "umlaut-ä"])
def test_malformed_slugs_are_bad_input(gql, rn, structure, slug):
    before = count_members(rn)
    assert gql.error(CLAIM, id="K", slug=slug)["extensions"]["code"] == "BAD_INPUT"
    assert gql.error(SIGN_UP, slug=slug, name="N")["extensions"]["code"] == "BAD_INPUT"
    error = gql.error(REGISTER, input={"id": "X", "name": "X", "sponsorId": "P", "landingSlug": slug})
    assert error["extensions"]["code"] == "BAD_INPUT"
    assert count_members(rn) == before


def test_claiming_for_an_unknown_member_is_not_found(gql, structure):
    assert gql.error(CLAIM, id="nobody", slug="some-page")["extensions"]["code"] == "NOT_FOUND"
