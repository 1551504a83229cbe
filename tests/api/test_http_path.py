"""What a request costs beyond its own work (issue 18 item 5): a document seen before is neither
parsed nor validated again, whoever sends it; each request still gets its own answer."""

from __future__ import annotations

from api import limits

REGISTER = "mutation($input: RegisterInput!) { registerMember(input: $input) { id sponsor { id } } }"


def test_a_repeated_document_is_parsed_and_validated_once_per_process(gql):
    gql.ok(REGISTER, input={"id": "R", "name": "Root"})
    parsed, validated = limits._parse.cache_info(), limits._validate.cache_info()
    for index in range(3):
        data = gql.ok(REGISTER, input={"id": f"M{index}", "name": "Member", "sponsorId": "R"})
        assert data["registerMember"] == {"id": f"M{index}", "sponsor": {"id": "R"}}
    assert limits._parse.cache_info().misses == parsed.misses
    assert limits._parse.cache_info().hits == parsed.hits + 3
    assert limits._validate.cache_info().misses == validated.misses
    assert limits._validate.cache_info().hits == validated.hits + 3


def test_a_repeated_bad_document_still_answers_its_coded_error(gql):
    for _ in range(2):
        error = gql.error("mutation { registerMember(input: {name: 5}) { id } }")
        assert error["extensions"]["code"] == "BAD_INPUT"
