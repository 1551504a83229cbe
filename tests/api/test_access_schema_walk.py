"""Every field of the schema, for every principal: anonymous, member, family leader, admin.
Root fields are called with arguments inside the caller's own scope; a refusal is
UNAUTHENTICATED for the anonymous caller and FORBIDDEN for the others, never INTERNAL."""

from __future__ import annotations

import pytest

from api.permissions import REACHABLE_TYPES
from api.schema import POLICY
from graph.core.plan import load_plan

ADMIN = "adm1n-token"
PUBLIC = {"me", "plans", "pointsMarket", "rotations", "signUp"}
MEMBER_OWN = {"member", "upline", "downline", "ledger", "claimLandingSlug", "registerMember", "statement", "nextPlacement", "mutualFund", "families"}
LEADER_OWN = {"family", "teamHealth"}
REFUSED = {"FORBIDDEN", "UNAUTHENTICATED"}
# Member fields: anyone who reached a member reads its id and name; its profile is readable
# by itself and its upline; its money by itself only.
MEMBER_NAME = {"id", "name"}
MEMBER_MONEY = {"balance", "identity"}

INTROSPECT = """{ __schema { types { name kind fields { name args { name defaultValue type { ...T } }
  type { ...T } } inputFields { name defaultValue type { ...T } } enumValues { name } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }"""


@pytest.fixture
def plan():
    return load_plan("family")


def named(type_: dict) -> dict:
    while type_.get("ofType") is not None:
        type_ = type_["ofType"]
    return type_


class Caller:
    def __init__(self, kind: str, token: str | None, member_id: str) -> None:
        self.kind, self.token, self.member_id = kind, token, member_id


class Values:
    """Literal arguments in the caller's own scope, from the introspected types."""

    def __init__(self, types: dict[str, dict], caller: Caller) -> None:
        self.types, self.caller = types, caller

    def value(self, name: str, type_: dict, field: str) -> str:
        if type_["kind"] == "NON_NULL":
            return self.value(name, type_["ofType"], field)
        if type_["kind"] == "LIST":
            return "[]"
        base = type_["name"]
        if name in ("familyId",) or (name == "id" and field in ("family", "createFamily")):
            return '"F"'
        if base == "ID":
            return f'"{self.caller.member_id}"'
        if name == "kind":
            return "CUSTOMER"
        scalars = {"String": '"2024-01"', "Int": "1", "Boolean": "true", "Money": '"1.00"', "Decimal": '"1"',
                   "DateTime": '"2024-01-01T00:00:00Z"', "JSON": "null", "Float": "1.0"}
        if base in scalars:
            return scalars[base]
        definition = self.types[base]
        if definition["kind"] == "ENUM":
            return definition["enumValues"][0]["name"]
        parts = [f"{f['name']}: {self.value(f['name'], f['type'], field)}" for f in definition["inputFields"]
                 if f["type"]["kind"] == "NON_NULL" or f["name"] == "kind"]
        return "{" + ", ".join(parts) + "}"

    def call(self, operation: str, field: dict) -> str:
        args = [f"{a['name']}: {self.value(a['name'], a['type'], field['name'])}" for a in field["args"]
                if a["type"]["kind"] == "NON_NULL" or a["name"] in ("memberId",)]
        selection = "" if named(field["type"])["kind"] in ("SCALAR", "ENUM") else " { __typename }"
        return f"{operation} {{ {field['name']}{'(' + ', '.join(args) + ')' if args else ''}{selection} }}"


def expected_allowed(caller: Caller, field: str) -> bool:
    if caller.kind == "ADMIN" or field in PUBLIC:
        return True
    if caller.kind == "ANONYMOUS":
        return False
    return field in MEMBER_OWN or (caller.kind == "LEADER" and field in LEADER_OWN)


@pytest.fixture
def world(gql, monkeypatch) -> dict[str, Caller]:
    """Root R; leader L under R leads family F; member M under L; the admin."""
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", ADMIN)
    register = "mutation($id: ID!, $n: String!, $s: ID) { registerMember(input: {id: $id, name: $n, sponsorId: $s}) { id } }"
    for member, sponsor in (("R", None), ("L", "R"), ("M", "L")):
        gql.ok(register, ADMIN, id=member, n=member, s=sponsor)
    gql.ok('mutation { createFamily(id: "F", name: "Fam", leaderId: "L") { id } }', ADMIN)
    gql.ok('mutation { claimLandingSlug(memberId: "R", landingSlug: "r-page") { id } }', ADMIN)
    token = 'mutation($id: ID!) { createMemberToken(memberId: $id) }'
    return {
        "ANONYMOUS": Caller("ANONYMOUS", None, "M"),
        "MEMBER": Caller("MEMBER", gql.ok(token, ADMIN, id="M")["createMemberToken"], "M"),
        "LEADER": Caller("LEADER", gql.ok(token, ADMIN, id="L")["createMemberToken"], "L"),
        "ADMIN": Caller("ADMIN", ADMIN, "M"),
    }


def schema_types(gql) -> dict[str, dict]:
    return {t["name"]: t for t in gql.ok(INTROSPECT, ADMIN)["__schema"]["types"]}


@pytest.mark.parametrize("kind", ["ANONYMOUS", "MEMBER", "LEADER", "ADMIN"])
def test_every_root_field_for_every_principal(gql, world, kind):
    caller = world[kind]
    assert gql.ok("{ me { kind } }", caller.token)["me"]["kind"] == kind
    types = schema_types(gql)
    values = Values(types, caller)
    checked = 0
    for operation, root in (("query", "Query"), ("mutation", "Mutation")):
        for field in types[root]["fields"]:
            if field["name"] == "signUp" and kind != "ADMIN":
                continue  # its own tests: public, rate-limited, no ids
            body = gql(values.call(operation, field), caller.token)
            codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
            assert "INTERNAL" not in codes and None not in codes, (field["name"], body)
            refused = bool(codes) and codes[0] in REFUSED
            assert refused != expected_allowed(caller, field["name"]), (kind, field["name"], body)
            if refused:
                assert codes[0] == ("UNAUTHENTICATED" if kind == "ANONYMOUS" else "FORBIDDEN"), body
            checked += 1
    assert checked >= 30


@pytest.mark.parametrize("kind", ["MEMBER", "LEADER", "ADMIN"])
def test_every_member_field_by_relation(gql, world, kind):
    """Each Member field read on the caller itself, its downline and its upline."""
    caller = world[kind]
    types = schema_types(gql)
    relations = {"MEMBER": {"self": "M", "upline": "L"}, "LEADER": {"self": "L", "downline": "M", "upline": "R"},
                 "ADMIN": {"other": "M"}}[kind]
    for field in types["Member"]["fields"]:
        selection = field["name"] if named(field["type"])["kind"] in ("SCALAR", "ENUM") else \
            f"{field['name']} {{ __typename }}"
        for relation, member_id in relations.items():
            # the upline is reached through the caller's own sponsor (member(id) refuses it outright)
            own = caller.member_id if relation == "upline" else member_id
            query = f'{{ member(id: "{own}") {{ {"sponsor { " + selection + " }" if relation == "upline" else selection} }} }}'
            body = gql(query, caller.token)
            codes = [e["extensions"]["code"] for e in body.get("errors") or []]
            allowed = (kind == "ADMIN" or field["name"] in MEMBER_NAME
                       or (relation == "self") or (relation == "downline" and field["name"] not in MEMBER_MONEY))
            assert (codes[:1] == ["FORBIDDEN"]) != allowed, (kind, relation, field["name"], body)
            assert "INTERNAL" not in codes


def test_every_field_has_a_policy_and_undeclared_ones_are_admin_only(gql):
    types = schema_types(gql)
    objects = {name: t for name, t in types.items()
               if t["kind"] == "OBJECT" and not name.startswith("__")}
    for name, type_ in objects.items():
        for field in type_["fields"]:
            policy = POLICY[f"{name}.{field['name']}"]
            if name not in ("Query", "Mutation", "Member", "MemberName"):
                assert policy in ("Reachable", "AdminOnly") or name in REACHABLE_TYPES or policy == "Public", \
                    (name, field["name"], policy)
    undeclared = [key for key, policy in POLICY.items() if policy == "AdminOnly"]
    assert "Query.explore" in undeclared and "Mutation.closePeriod" in undeclared


def test_the_chart_of_a_family_named_with_dollars_and_its_leaders_cookie_free_access(gql, world):
    gql.ok('mutation { createFamily(id: "G", name: "Cash $ Kings $x$", leaderId: "R") { id } }', ADMIN)
    response = gql.http.get("/families/G/chart.svg", headers={"Authorization": f"Bearer {ADMIN}"})
    assert response.status_code == 200 and response.text.lstrip().startswith("<?xml")
    leader = {"Authorization": f"Bearer {world['LEADER'].token}"}
    assert gql.http.get("/families/F/chart.svg", headers=leader).status_code == 200
    refused = gql.http.get("/families/G/chart.svg", headers=leader)
    assert refused.status_code == 403 and refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
