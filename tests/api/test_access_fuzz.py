"""Fuzzing the GraphQL surface (hypothesis-graphql): generated documents, as the anonymous caller
and as a member, must each answer a coded error or data — never INTERNAL, never an HTTP 5xx —
and a refused request must leave the graph as it was. Bounded by example count for CI."""

from __future__ import annotations

import pytest
from graphql import FieldNode, OperationDefinitionNode, StringValueNode, parse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema

from api.schema import sdl

ADMIN = "adm1n-token"
# Custom scalars: sometimes well-formed, mostly anything.
SCALARS = {
    name: st.one_of(st.sampled_from(good), st.text(max_size=12)).map(lambda text: StringValueNode(value=text))
    for name, good in (("Money", ["10.00", "-1", "1e3", "1_000"]), ("Decimal", ["1.5", "NaN"]),
                       ("DateTime", ["2024-01-01T00:00:00Z", "yesterday"]), ("JSON", ["{}"]))
}
QUERIES = from_schema(sdl(), custom_scalars=SCALARS, allow_x00=True)


def refused_whole(document: str, errors: list[dict]) -> bool:
    """True when no root field ran to success: a request-level error (no path), or an error on
    every root field itself. A mutation's root fields run one after another, so one that succeeded
    before a later one failed has changed the graph even when null propagation empties `data`."""
    if any(not error.get("path") for error in errors):
        return True
    operation = parse(document).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    roots = {(field.alias or field.name).value for field in operation.selection_set.selections
             if isinstance(field, FieldNode)}
    failed = {error["path"][0] for error in errors if len(error["path"]) == 1}
    return roots <= failed


def graph_state(rn) -> tuple:
    counts = rn.store.run_text("MATCH (n) RETURN count(n) AS nodes")[0]["nodes"]
    props = rn.store.run_text("MATCH (m:Member) RETURN collect(m.id + ':' + coalesce(m.landing_slug, '')) AS s")
    return counts, tuple(sorted(props[0]["s"]))


@pytest.fixture
def callers(gql, monkeypatch):
    monkeypatch.setenv("REFNET_ADMIN_TOKEN", ADMIN)
    monkeypatch.setenv("REFNET_SIGNUP_RATE_PER_ADDRESS", "1000/second")
    gql.ok('mutation { registerMember(input: {id: "P", name: "Pat", landingSlug: "pats-page"}) { id } }', ADMIN)
    token = gql.ok('mutation { createMemberToken(memberId: "P") }', ADMIN)["createMemberToken"]
    return [None, token]


def test_fuzzed_documents_answer_coded_errors(gql, rn, callers):
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(document=QUERIES, caller=st.sampled_from(callers))
    def check(document: str, caller: str | None) -> None:
        before = graph_state(rn)
        headers = {"Authorization": f"Bearer {caller}"} if caller else {}
        response = gql.http.post("/graphql", json={"query": document}, headers=headers)
        assert response.status_code < 500, response.text
        body = response.json()
        codes = [error.get("extensions", {}).get("code") for error in body.get("errors") or []]
        assert None not in codes and "INTERNAL" not in codes, (document, body)
        if codes and refused_whole(document, body["errors"]):
            assert graph_state(rn) == before, document

    check()
