"""The public surface: sign-up gives nothing away and is rate-limited; every bad input is a
coded JSON error (never INTERNAL or a bare 500); abusive documents are refused before they run;
explore is bounded; a browser signs in with a cookie and proves it with the CSRF header."""

from __future__ import annotations

import time

import pytest
from starlette.testclient import TestClient

ADMIN = "adm1n-token"
SIGN_UP = 'mutation($slug: String!, $name: String!) { signUp(landingSlug: $slug, name: $name) { id name kind sponsor { id name } } }'


@pytest.fixture
def landing(gql, monkeypatch):
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", ADMIN)
    gql.ok('mutation { registerMember(input: {id: "P", name: "Pat"}) { id } }', ADMIN)
    gql.ok('mutation { claimLandingSlug(memberId: "P", landingSlug: "pats-page") { id } }', ADMIN)


def count_members(rn) -> int:
    return rn.store.run_text("MATCH (m:Member) RETURN count(m) AS n")[0]["n"]


def test_sign_up_shows_the_new_member_itself_and_no_path_to_others(gql, landing):
    new = gql.ok(SIGN_UP, slug="pats-page", name="Nina")["signUp"]
    assert new["kind"] == "CUSTOMER" and new["sponsor"] == {"id": "P", "name": "Pat"}
    for probe in ("sponsor { balance { available } }", "sponsor { directReferrals { id } }", "balance { available }",
                  "sponsor { sponsor { id } }", "identity"):
        body = gql(f'mutation {{ signUp(landingSlug: "pats-page", name: "X") {{ {probe} }} }}')
        assert body["errors"][0]["extensions"]["code"] == "BAD_INPUT", probe  # no such field on NewMember


def test_sign_up_is_rate_limited_per_address_and_recovers(rn, monkeypatch):
    from api.app import create_app

    monkeypatch.setenv("REFNET_ADMIN_TOKEN", ADMIN)
    monkeypatch.setenv("REFNET_SIGNUP_RATE_PER_ADDRESS", "3/2second")
    with TestClient(create_app(lambda: rn, jobs=[])) as http:
        def post(query: str, token: str | None = None) -> dict:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            return http.post("/graphql", json={"query": query}, headers=headers).json()

        post('mutation { registerMember(input: {id: "P", name: "Pat", landingSlug: "pats-page"}) { id } }', ADMIN)
        sign_up = 'mutation { signUp(landingSlug: "pats-page", name: "N") { id } }'
        assert all(not post(sign_up).get("errors") for _ in range(3))
        before = count_members(rn)
        refused = post(sign_up)["errors"][0]
        assert refused["extensions"]["code"] == "RATE_LIMITED" and "try again" in refused["message"]
        assert count_members(rn) == before
        aliased = post("mutation { " + " ".join(f'a{i}: signUp(landingSlug: "pats-page", name: "N") {{ id }}'
                                                for i in range(5)) + " }")
        assert {e["extensions"]["code"] for e in aliased["errors"]} == {"RATE_LIMITED"}
        time.sleep(2.1)
        assert not post(sign_up).get("errors")  # the window moved on


def test_sign_up_per_landing_page_limit(rn, monkeypatch):
    from api.ratelimit import RateLimited, SignUpLimits

    monkeypatch.setenv("REFNET_SIGNUP_RATE_PER_SLUG", "2/hour")
    limits = SignUpLimits.from_environment()
    limits.take("1.1.1.1", "page")
    limits.take("2.2.2.2", "page")
    with pytest.raises(RateLimited):
        limits.take("3.3.3.3", "page")
    limits.take("3.3.3.3", "other-page")


BAD_BODIES = [
    ({"content": b'{"query": "{ plans { version } "'}, "not valid JSON"),
    ({"content": b'\xff\xfe{"query": 1}'}, "not UTF-8"),
    ({"content": ("[" * 5000 + "]" * 5000).encode()}, "nests deeper"),
    ({"content": b'"just a string"'}, "JSON object"),
    ({"content": b'{"query": "{ me { kind } }", "variables": {"x": "a\\u0000b"}}'}, "control characters"),
    ({"content": b'{"query": "{ me { kind } }", "variables": {"x": "\\ud800"}}'}, "surrogates"),
]


@pytest.mark.parametrize("request_args, message", BAD_BODIES)
def test_transport_errors_are_coded_json(gql, request_args, message):
    response = gql.http.post("/graphql", headers={"Content-Type": "application/json"}, **request_args)
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_INPUT" and message in error["message"]


def test_wrong_content_type_and_oversized_bodies(gql):
    response = gql.http.post("/graphql", content=b"{ me { kind } }", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415 and response.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    response = gql.http.post("/graphql", content=b" " * (2 << 20), headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT"


@pytest.mark.parametrize("query, variables", [
    ('mutation($k: MemberKind!) { registerMember(input: {name: "x", kind: $k}) { id } }', {"k": "ADMIN"}),
    ('mutation($a: Money!) { withdraw(memberId: "P", amount: $a) { id } }', {"a": "1e30"}),
    ('query($n: Int) { upline(id: "P", tree: SPONSOR, maxDepth: $n) { depth } }', {"n": "many"}),
    ('mutation($n: String!) { signUp(landingSlug: "pats-page", name: $n) { id } }', {"n": "\u202eevil"}),
    ('mutation($n: String!) { signUp(landingSlug: "pats-page", name: $n) { id } }', {"n": "\x1b[31mred"}),
    ('mutation($n: String!) { signUp(landingSlug: "pats-page", name: $n) { id } }', {"n": "\ufeffbom"}),
    ('mutation($n: String!) { signUp(landingSlug: "pats-page", name: $n) { id } }', {"n": "x\uffff"}),
])
def test_bad_variables_are_bad_input_and_change_nothing(gql, rn, landing, query, variables):
    before = count_members(rn)
    body = gql.http.post("/graphql", json={"query": query, "variables": variables},
                         headers={"Authorization": f"Bearer {ADMIN}"}).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_INPUT", body
    assert count_members(rn) == before


@pytest.mark.parametrize("text", ["1e3", ".5e4", "1_000.00", "\u0661\u0660\u0660\u0660.\u0660\u0660",
                                  "\uff11\uff10\uff10\uff10", "+1000.00", "1000.", "1000.00\n", " 1000", "1.234",
                                  "NaN", "Infinity", "-", ""])
def test_money_is_ascii_digits_with_at_most_two_places(text):
    from graph.core.errors import BadInput
    from graph.core.money import parse_money

    with pytest.raises(BadInput):
        parse_money(text)


@pytest.mark.parametrize("text, value", [("1000.00", "1000.00"), ("-12.5", "-12.50"), ("0", "0.00")])
def test_money_accepts_the_plain_form(text, value):
    from graph.core.money import parse_money

    assert str(parse_money(text)) == value


def test_abusive_documents_are_refused_before_validation(gql, landing):
    huge = "{ " + " ".join(f"a{i}: plans {{ version }}" for i in range(10_000)) + " }"
    assert len(huge) > 240_000
    for document, message in ((huge, "characters long"),
                              ("{ " + " ".join(f"a{i}: plans {{ version }}" for i in range(500)) + " }", "aliases"),
                              ('{ member(id: "P") { ' + "directReferrals { " * 5 + "id" + " }" * 5 + " } }", "cost"),
                              ("{" * 3000 + "}" * 3000, "nests deeper")):
        response = gql.http.post("/graphql", json={"query": document})
        assert response.status_code in (200, 400), response.text
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_INPUT" and message in error["message"], error
    assert gql.http.get("/healthz").json()["status"] == "ok"


def test_route_parameters_are_coded_errors(gql, monkeypatch):
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", ADMIN)
    headers = {"Authorization": f"Bearer {ADMIN}"}
    response = gql.http.get("/export/SPONSOR.graphml?depth=\u00b2", headers=headers)
    assert response.status_code == 400 and response.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    response = gql.http.get("/export/SPONSOR.graphml")
    assert response.status_code == 401 and response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_explore_refuses_eager_floods_and_cuts_rows_in_the_database(gql, rn, monkeypatch):
    from graph.analytics.explore import limited

    monkeypatch.setenv("REFNET_ADMIN_TOKEN", ADMIN)
    query = "query($c: String!, $r: Int!) { explore(cypher: $c, maxRows: $r, timeoutMs: 100) { rows truncated } }"
    error = gql.error(query, ADMIN, c="RETURN size(range(1,300000000))", r=10)
    assert error["extensions"]["code"] == "BAD_INPUT" and "range()" in error["message"]
    flood = "UNWIND range(1, 1000000) AS x RETURN x"
    assert limited(flood, 1).endswith("LIMIT 2")
    result = gql.ok(query, ADMIN, c=flood, r=1)["explore"]
    assert result == {"rows": [[1]], "truncated": True}
    assert gql.http.get("/healthz").json()["status"] == "ok"


def test_cookie_sign_in_with_csrf(gql, rn, monkeypatch):
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", ADMIN)
    gql.ok('mutation { registerMember(input: {id: "P", name: "Pat"}) { id } }', ADMIN)
    token = gql.ok('mutation { createMemberToken(memberId: "P") }', ADMIN)["createMemberToken"]
    http = gql.http
    bad = http.post("/auth/login", json={"token": "rnm_wrong"})
    assert bad.status_code == 401 and bad.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    form = http.post("/auth/login", data={"token": "nope"}, follow_redirects=False)
    assert form.status_code == 303 and form.headers["location"] == "/app/login?error=1"
    ok = http.post("/auth/login", json={"token": token})
    assert ok.json() == {"ok": True, "principal": {"kind": "MEMBER", "memberId": "P", "name": "Pat"}}
    cookie = ok.headers.get_list("set-cookie")
    assert any("refnet_session=" in c and "HttpOnly" in c and "SameSite=strict" in c for c in cookie)
    csrf = http.cookies["refnet_csrf"]
    me = '{"query": "{ me { kind memberId } }"}'
    refused = http.post("/graphql", content=me, headers={"Content-Type": "application/json"})
    assert refused.status_code == 403 and refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    allowed = http.post("/graphql", content=me, headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    assert allowed.json()["data"]["me"] == {"kind": "MEMBER", "memberId": "P"}
    form = http.post("/auth/login", data={"token": ADMIN, "next": "//evil.example"}, follow_redirects=False)
    assert form.status_code == 303 and form.headers["location"] == "/app"
    http.post("/auth/logout")
    assert "refnet_session" not in http.cookies


def test_serve_refuses_a_public_address_without_an_admin_token(monkeypatch, capsys, tmp_path):
    from cli.main import main

    monkeypatch.delenv("REFNET_ADMIN_TOKEN", raising=False)
    code = main(["serve", "--data", str(tmp_path), "--host", "0.0.0.0"])
    assert code == 2 and "REFNET_ADMIN_TOKEN" in capsys.readouterr().err
