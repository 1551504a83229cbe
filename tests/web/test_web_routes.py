"""The back office's routes for each role (anonymous, admin, member, family leader): sign-in and
its cookies, CSRF on cookie-authenticated GraphQL, and every /app page deciding through the
same GraphQL permission checks as API clients. Also the reads the pages need beside the
existing ones (nextPlacement, mutualFund, families) against the real graph."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from graph.core.plan import load_plan
from graph.network.members import register
from graph.service import Refnet

TOKEN = "s3cret-admin"
PAGES = ["/app/network", "/app/money", "/app/family", "/app/graphiql"]


@pytest.fixture
def app(rn: Refnet, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    from api.app import create_app

    monkeypatch.setenv("REFNET_ADMIN_TOKEN", TOKEN)
    with TestClient(create_app(lambda: rn, jobs=[]), follow_redirects=False) as client:
        yield client


@pytest.fixture
def network(rn: Refnet) -> dict[str, str]:
    """S sponsors A, B, C; A sponsors A1, A2. Z is another root."""
    register(rn, "Sam", member_id="S")
    for child in "ABC":
        register(rn, f"Member {child}", sponsor_id="S", member_id=child)
    register(rn, "Ann One", sponsor_id="A", member_id="A1")
    register(rn, "Ann Two", sponsor_id="A", member_id="A2")
    register(rn, "Zed", member_id="Z")
    return {}


def member_token(client: TestClient, member_id: str) -> str:
    response = client.post("/graphql", json={"query": "mutation($m: ID!) { createMemberToken(memberId: $m) }",
                                             "variables": {"m": member_id}},
                           headers={"Authorization": f"Bearer {TOKEN}"})
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]["createMemberToken"]


def sign_in(client: TestClient, token: str) -> None:
    response = client.post("/auth/login", data={"token": token, "next": "/app/network"})
    assert response.status_code == 303 and response.headers["location"] == "/app/network"
    assert client.cookies.get("refnet_session") and client.cookies.get("refnet_csrf")


def graphql(client: TestClient, query: str, csrf: bool = True, **variables: object) -> dict:
    headers = {"X-CSRF-Token": client.cookies.get("refnet_csrf") or ""} if csrf else {}
    return client.post("/graphql", json={"query": query, "variables": variables}, headers=headers).json()


# ---- sign-in --------------------------------------------------------------------------------

def test_login_sets_an_httponly_strict_session_and_a_readable_csrf_cookie(app, network):
    response = app.post("/auth/login", data={"token": TOKEN})
    assert response.status_code == 303 and response.headers["location"] == "/app"
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("refnet_session="))
    csrf = next(c for c in cookies if c.startswith("refnet_csrf="))
    assert "HttpOnly" in session and "SameSite=strict" in session and "Path=/" in session
    assert "HttpOnly" not in csrf and "SameSite=strict" in csrf


def test_a_bad_token_is_refused_and_signs_nobody_in(app, network):
    form = app.post("/auth/login", data={"token": "wrong"})
    assert form.status_code == 303 and form.headers["location"] == "/app/login?error=1"
    assert "refnet_session" not in app.cookies
    as_json = app.post("/auth/login", json={"token": "m.S.0000"})
    assert as_json.status_code == 401 and as_json.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert app.post("/auth/login", content=b"[1]", headers={"content-type": "application/json"}).status_code == 400
    assert "That token was not accepted" in app.get("/app/login?error=1").text


def test_login_json_answers_the_principal(app, network):
    token = member_token(app, "A")
    response = app.post("/auth/login", json={"token": token})
    assert response.json() == {"ok": True, "principal": {"kind": "MEMBER", "memberId": "A", "name": "Member A"}}


def test_next_only_goes_to_a_path_of_this_site(app, network):
    for bad in ("//evil.example/x", "https://evil.example/", "\\\\evil"):
        response = app.post("/auth/login", data={"token": TOKEN, "next": bad})
        assert response.headers["location"] == "/app"


def test_logout_clears_both_cookies(app, network):
    sign_in(app, TOKEN)
    response = app.post("/auth/logout", content=b"", headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 303 and response.headers["location"] == "/app/login"
    assert "refnet_session" not in app.cookies and "refnet_csrf" not in app.cookies
    assert app.get("/app/network").status_code == 303


def test_a_cookie_post_needs_the_csrf_header(app, network):
    sign_in(app, TOKEN)
    refused = app.post("/graphql", json={"query": "{ me { kind } }"})
    assert refused.status_code == 403 and refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    wrong = app.post("/graphql", json={"query": "{ me { kind } }"}, headers={"X-CSRF-Token": "nope"})
    assert wrong.status_code == 403
    assert graphql(app, "{ me { kind } }")["data"]["me"]["kind"] == "ADMIN"


def test_bearer_clients_need_no_csrf_header(app, network):
    body = app.post("/graphql", json={"query": "{ me { kind memberId } }"},
                    headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert body["data"]["me"] == {"kind": "ADMIN", "memberId": None}


def test_me_of_each_role(app, network, rn):
    assert graphql(app, "{ me { kind memberId } }", csrf=False)["data"]["me"] == {"kind": "ANONYMOUS", "memberId": None}
    sign_in(app, member_token(app, "A"))
    assert graphql(app, "{ me { kind memberId name } }")["data"]["me"] == {
        "kind": "MEMBER", "memberId": "A", "name": "Member A"}


def test_create_member_token_is_admins_only_and_knows_its_members(app, network):
    sign_in(app, member_token(app, "A"))
    body = graphql(app, 'mutation { createMemberToken(memberId: "A1") }')
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    admin = app.post("/graphql", json={"query": 'mutation { createMemberToken(memberId: "nobody") }'},
                     headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert admin["errors"][0]["extensions"]["code"] == "NOT_FOUND"


# ---- pages per role -------------------------------------------------------------------------

@pytest.mark.parametrize("path", [*PAGES, "/app"])
def test_anonymous_is_sent_to_sign_in(app, network, path):
    response = app.get(path)
    assert response.status_code == 303 and response.headers["location"].startswith("/app/login?next=")


def test_the_sign_in_page_and_the_assets_are_public(app):
    page = app.get("/app/login?next=/app/money")
    assert page.status_code == 200 and 'action="/auth/login"' in page.text and 'value="/app/money"' in page.text
    assert 'for="token"' in page.text  # the field has its label
    for asset in ("app.js", "app.css", "vendor/graphiql/graphiql.min.js", "vendor/react/react.production.min.js"):
        assert app.get(f"/app/static/{asset}").status_code == 200


@pytest.mark.parametrize("path", ["/app/network?id=A1", "/app/money?id=A1", "/app/network?id=Z", "/app/family",
                                  "/app/graphiql", "/app/money", "/app/network"])
def test_admin_opens_every_page(app, network, path):
    sign_in(app, TOKEN)
    response = app.get(path)
    assert response.status_code == 200, response.text
    assert "<main" in response.text and 'href="/app/graphiql"' in response.text


@pytest.mark.parametrize("path", ["/app/network?id=nobody", "/app/money?id=nobody"])
def test_an_unknown_member_is_a_404_page(app, network, path):
    sign_in(app, TOKEN)
    response = app.get(path)
    assert response.status_code == 404 and "no member with id nobody" in response.text


@pytest.mark.parametrize("path, status", [
    ("/app/network", 200), ("/app/network?id=A", 200), ("/app/network?id=A1", 200),  # itself and below it
    ("/app/network?id=S", 403), ("/app/network?id=B", 403), ("/app/network?id=Z", 403),  # above, beside, elsewhere
    ("/app/money", 200), ("/app/money?id=A", 200),
    ("/app/money?id=A1", 403), ("/app/money?id=S", 403),  # money is its own only
    ("/app/family", 403), ("/app/graphiql", 200),
])
def test_a_member_opens_its_own_pages_only(app, network, path, status):
    sign_in(app, member_token(app, "A"))
    response = app.get(path)
    assert response.status_code == status, response.text
    if status == 403:
        assert "Not allowed" in response.text


def test_a_member_reads_its_own_network_through_graphql_and_nothing_else(app, network):
    sign_in(app, member_token(app, "A"))
    own = graphql(app, 'query { member(id: "A") { lines { member { id } } } ledger(memberId: "A") { id } }')
    assert not own.get("errors") and {line["member"]["id"] for line in own["data"]["member"]["lines"]} == {"A1", "A2"}
    for query in ('{ member(id: "S") { id } }', '{ ledger(memberId: "A1") { id } }', '{ ledger { id } }',
                  '{ downline(id: "B", tree: SPONSOR) { depth } }', '{ networkReport { members } }',
                  'mutation { registerMember(input: {name: "x", sponsorId: "A"}) { id } }'):
        body = graphql(app, query)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", query
    assert rn_members(app) == 7  # S, A, B, C, A1, A2, Z: nothing was registered


def rn_members(client: TestClient) -> int:
    body = client.post("/graphql", json={"query": '{ downline(id: "S", tree: SPONSOR) { depth } }'},
                       headers={"Authorization": f"Bearer {TOKEN}"}).json()
    return len(body["data"]["downline"]) + 2  # S and Z themselves


def test_graphiql_is_served_from_refnet_at_both_addresses(app, network):
    sign_in(app, TOKEN)
    for path in ("/app/graphiql", "/graphql"):
        page = app.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert "/app/static/vendor/graphiql/graphiql.min.js" in page.text
        assert "://" not in page.text.replace("http://www.w3.org", "")  # no asset from another host


# ---- the family dashboard and its chart -----------------------------------------------------

class TestFamilyRoutes:
    @pytest.fixture
    def plan(self):
        return load_plan("family")

    @pytest.fixture
    def families(self, app, rn):
        for member in ("L", "a", "b", "K"):
            register(rn, f"Member {member}", member_id=member)
        ask = {"Authorization": f"Bearer {TOKEN}"}
        for query in ('mutation { createFamily(id: "F", name: "Sing", leaderId: "L") { id } }',
                      'mutation { addFamilyMember(familyId: "F", memberId: "a") { id } }',
                      'mutation { createFamily(id: "G", name: "Other", leaderId: "K") { id } }',
                      'mutation { addFamilyMember(familyId: "G", memberId: "b") { id } }'):
            body = app.post("/graphql", json={"query": query}, headers=ask).json()
            assert not body.get("errors"), body

    def test_a_leader_opens_its_own_family_only(self, app, families):
        sign_in(app, member_token(app, "L"))
        assert graphql(app, "{ me { kind } }")["data"]["me"]["kind"] == "LEADER"
        assert app.get("/app/family").status_code == 200
        assert app.get("/app/family?id=F").status_code == 200
        assert app.get("/app/family?id=G").status_code == 403
        chart = app.get("/families/F/chart.svg")
        assert chart.status_code == 200 and chart.headers["content-type"].startswith("image/svg+xml")
        assert app.get("/families/G/chart.svg").status_code == 403
        assert [f["id"] for f in graphql(app, "{ families { id } }")["data"]["families"]] == ["F"]

    def test_a_member_of_a_family_has_no_dashboard(self, app, families):
        sign_in(app, member_token(app, "a"))
        assert app.get("/app/family?id=F").status_code == 403
        assert app.get("/families/F/chart.svg").status_code == 403
        assert graphql(app, "{ families { id } }")["data"]["families"] == []

    def test_admin_sees_every_family(self, app, families):
        sign_in(app, TOKEN)
        assert app.get("/app/family?id=G").status_code == 200
        assert app.get("/app/family?id=nope").status_code == 404
        assert app.get("/families/nope/chart.svg").status_code == 404
        assert [f["id"] for f in graphql(app, "{ families { id name leaderId } }")["data"]["families"]] == ["F", "G"]

    def test_anonymous_gets_no_chart(self, app, families):
        assert app.get("/families/F/chart.svg").status_code == 401


# ---- the reads the pages need ---------------------------------------------------------------

NEXT = "query($s: ID!) { nextPlacement(sponsorId: $s) { k slid aimedAt viaSlot parentId slot } }"
PLACED = "mutation($s: ID!, $id: ID!, $name: String!) { registerMember(input: {id: $id, name: $name, sponsorId: $s}) { placementParent { id } slot } }"


def test_next_placement_predicts_where_each_referral_lands(app, rn):
    register(rn, "Sam", member_id="S")
    ask = {"Authorization": f"Bearer {TOKEN}"}
    for n in range(1, 11):
        predicted = app.post("/graphql", json={"query": NEXT, "variables": {"s": "S"}}, headers=ask).json()["data"]
        placed = app.post("/graphql", json={"query": PLACED, "variables": {"s": "S", "id": f"R{n}", "name": f"R{n}"}}, headers=ask).json()
        assert not placed.get("errors"), placed
        landed = placed["data"]["registerMember"]
        p = predicted["nextPlacement"]
        assert p["k"] == n and p["slid"] == (n > 3)
        assert (p["parentId"], p["slot"]) == (landed["placementParent"]["id"], landed["slot"])
        assert (p["aimedAt"] is None) == (n <= 3)


def test_next_placement_of_an_unknown_sponsor(app):
    body = app.post("/graphql", json={"query": NEXT, "variables": {"s": "nobody"}},
                    headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


FUND = """query($m: ID!) { mutualFund(memberId: $m) { frozen released lines { memberId status teamOrders qualifies }
  linesNeeded ordersNeeded teamOrders conditionMet } }"""


def test_mutual_fund_shows_b1_b2_and_their_orders(app, rn):
    ask = {"Authorization": f"Bearer {TOKEN}"}

    def call(query: str, **variables: object) -> dict:
        body = app.post("/graphql", json={"query": query, "variables": variables}, headers=ask).json()
        assert not body.get("errors"), body
        return body["data"]

    register(rn, "Sam", member_id="S")
    fresh = call(FUND, m="S")["mutualFund"]
    assert fresh == {"frozen": "0.00", "released": False, "lines": [], "linesNeeded": 2, "ordersNeeded": 20,
                     "teamOrders": 0, "conditionMet": False}
    register(rn, "B one", sponsor_id="S", member_id="B1")
    register(rn, "B two", sponsor_id="S", member_id="B2")
    register(rn, "B three", sponsor_id="S", member_id="B3")
    call('mutation { recordOrder(input: {id: "o0", buyerId: "S", amount: "1000.00"}) { id } }')
    call('mutation { recordOrder(input: {id: "o1", buyerId: "B1", amount: "1000.00"}) { id } }')
    call('mutation { recordOrder(input: {id: "o3", buyerId: "B3", amount: "1000.00"}) { id } }')
    call('mutation { withdraw(memberId: "S", amount: "50.00") { id } }')
    fund = call(FUND, m="S")["mutualFund"]
    assert [line["memberId"] for line in fund["lines"]] == ["B1", "B2"]  # the first two, B3 is not one of them
    b1, b2 = fund["lines"]
    assert b1["teamOrders"] == 1 and b2["teamOrders"] == 0 and fund["teamOrders"] == 1
    assert b1["qualifies"] == (b1["status"] in ("AGENT", "BOSS")) and not b2["qualifies"]
    assert fund["frozen"] == "10.00" and not fund["released"] and not fund["conditionMet"]


def test_without_an_admin_token_every_caller_is_the_admin_as_before(rn, network, monkeypatch):
    from api.app import create_app

    monkeypatch.delenv("REFNET_ADMIN_TOKEN", raising=False)
    with TestClient(create_app(lambda: rn, jobs=[]), follow_redirects=False) as client:
        assert client.get("/app/network?id=A").status_code == 200
        me = client.post("/graphql", json={"query": "{ me { kind } }"}).json()
        assert me["data"]["me"]["kind"] == "ADMIN"


def test_the_back_office_reads_follow_the_member_scope(app, network):
    sign_in(app, member_token(app, "A"))
    allowed = graphql(app, '{ a: nextPlacement(sponsorId: "A") { k } a1: nextPlacement(sponsorId: "A1") { k } '
                           'mutualFund(memberId: "A") { frozen } }')
    assert not allowed.get("errors") and allowed["data"]["a"]["k"] == 3 and allowed["data"]["a1"]["k"] == 1
    for query in ('{ nextPlacement(sponsorId: "S") { k } }', '{ mutualFund(memberId: "A1") { frozen } }',
                  '{ mutualFund(memberId: "S") { frozen } }'):
        assert graphql(app, query)["errors"][0]["extensions"]["code"] == "FORBIDDEN", query
    app.cookies.clear()
    anonymous = graphql(app, "{ families { id } }", csrf=False)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
