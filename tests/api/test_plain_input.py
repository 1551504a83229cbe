"""Batch inputs built straight from their coerced GraphQL values (`api.batch.plain_input`)."""

from __future__ import annotations

from typing import Optional

import pytest
import strawberry

from api.batch import plain_input
from api.members import MemberKind, RegisterInput
from api.orders import OrderInput


@strawberry.input
class Line:
    sku: str


@strawberry.input
class Basket:
    lines: list[Line]


@strawberry.input
class Parcel:
    line: Optional[Line] = None


@pytest.mark.parametrize("cls", [Basket, Parcel])
def test_a_type_with_a_list_or_an_input_field_is_refused(cls):
    with pytest.raises(TypeError, match="not a scalar or an enum"):
        plain_input(cls)


def test_the_batch_inputs_take_the_plain_path():
    for cls in (RegisterInput, OrderInput):
        assert cls.__strawberry_definition__.from_input is not None


def test_a_registration_built_from_its_graphql_value_has_the_fields_given_and_the_defaults():
    from api.schema import schema

    seen = []

    @strawberry.type
    class Query:
        @strawberry.field
        def echo(self, inputs: list[RegisterInput]) -> int:
            seen.extend(inputs)
            return len(inputs)

    small = strawberry.Schema(query=Query, config=schema.config)
    result = small.execute_sync('{ echo(inputs: [{name: "A"}, {name: "B", id: "b", sponsorId: "a", kind: CUSTOMER, '
                                'landingSlug: "b-page"}]) }')
    assert result.errors is None and result.data == {"echo": 2}
    assert seen == [RegisterInput(name="A"),
                    RegisterInput(name="B", id="b", sponsor_id="a", kind=MemberKind.CUSTOMER, landing_slug="b-page")]
