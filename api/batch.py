"""Batch writes in GraphQL (issue 18): `registerMembers` and `recordOrders` book many
registrations / orders at once and answer one result per input, in order: the record, or the
coded error of that input alone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Optional

import strawberry
from strawberry.types import Info
from strawberry.types.arguments import InputContext
from strawberry.types.base import StrawberryList, StrawberryOptional, has_object_definition

from api.context import call, require_admin
from api.members import Member, RegisterInput
from api.orders import Order, OrderInput, ms_of
from api.permissions import AdminOnly
from graph.ledger import order_batch
from graph.ledger.order_batch import OrderItem, OrderOutcome
from graph.network import batch
from graph.network.batch import RegisterItem, RegisterOutcome


def plain_input(cls: type) -> type:
    """Builds `cls` straight from its GraphQL input value (strawberry's `from_input` hook): its
    fields are scalars and enums, which graphql-core has already coerced, so strawberry's generic
    conversion of each field (most of a batch's argument time at 1,000 inputs) adds nothing."""
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    for field in definition.fields:
        kind = field.type.of_type if isinstance(field.type, StrawberryOptional) else field.type
        if isinstance(kind, StrawberryList) or has_object_definition(kind):
            raise TypeError(f"{cls.__name__}.{field.python_name}: not a scalar or an enum")
    names: list[tuple[str, str]] = []

    def build(type_: type, value: Mapping[str, Any], context: InputContext) -> Any:
        if not names:
            names.extend((context.config.name_converter.from_field(field), field.python_name)
                         for field in definition.fields)
        return type_(**{python: value[graphql] for graphql, python in names if graphql in value})

    definition.from_input = build
    return cls


plain_input(RegisterInput)
plain_input(OrderInput)


@strawberry.type(description="Why one input of a batch was refused; the batch's other inputs are unaffected.")
class ItemError:
    code: str = strawberry.field(description="BAD_INPUT, NOT_FOUND, CONFLICT or FORBIDDEN, as for the single call.")
    message: str


@strawberry.type(description="One input of registerMembers: the member booked, or the error it alone failed with.")
class RegisterResult:
    member: Optional[Member]
    error: Optional[ItemError]

    @classmethod
    def of(cls, outcome: RegisterOutcome) -> "RegisterResult":
        if outcome.error is not None:
            return cls(member=None, error=ItemError(code=outcome.error.code, message=outcome.error.message))
        assert outcome.member is not None  # an outcome holds a member or an error
        return cls(member=Member(record=outcome.member), error=None)


@strawberry.type(description="One input of recordOrders: the order booked (or found booked: idempotent on id), "
                             "or the error it alone failed with.")
class OrderResult:
    order: Optional[Order]
    error: Optional[ItemError]

    @classmethod
    def of(cls, outcome: OrderOutcome) -> "OrderResult":
        if outcome.error is not None:
            return cls(order=None, error=ItemError(code=outcome.error.code, message=outcome.error.message))
        assert outcome.order is not None  # an outcome holds an order or an error
        return cls(order=Order(record=outcome.order), error=None)


def order_item_of(input: OrderInput) -> OrderItem:
    return OrderItem(
        order_id=str(input.id),
        buyer_id=str(input.buyer_id),
        amount=input.amount,
        referrer_id=str(input.referrer_id) if input.referrer_id is not None else None,
        at=ms_of(input.at) if input.at is not None else None,
    )


def item_of(input: RegisterInput) -> RegisterItem:
    return RegisterItem(
        name=input.name,
        member_id=str(input.id) if input.id is not None else None,
        sponsor_id=str(input.sponsor_id) if input.sponsor_id is not None else None,
        kind=input.kind.value,
        landing_slug=input.landing_slug,
        acting_partner_id=str(input.acting_partner_id) if input.acting_partner_id is not None else None,
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(description=f"Admin: registers many members in one booking, in order, exactly as "
                                     f"registerMember one by one would (at most {batch.MAX_BATCH} inputs). One "
                                     f"result per input: a bad input fails alone and the others are booked.",
                         permission_classes=[AdminOnly])
    async def register_members(self, info: Info, inputs: list[RegisterInput]) -> list[RegisterResult]:
        require_admin(info)
        outcomes = await call(batch.register_many, info.context.rn, [item_of(input) for input in inputs])
        return [RegisterResult.of(outcome) for outcome in outcomes]

    @strawberry.mutation(description=f"Admin: records many orders in one booking, in order, exactly as recordOrder "
                                     f"one by one would (at most {order_batch.MAX_BATCH} inputs). One result per "
                                     f"input: a bad input fails alone and the others are booked.",
                         permission_classes=[AdminOnly])
    async def record_orders(self, info: Info, inputs: list[OrderInput]) -> list[OrderResult]:
        require_admin(info)
        outcomes = await call(order_batch.record_many, info.context.rn, [order_item_of(input) for input in inputs])
        return [OrderResult.of(outcome) for outcome in outcomes]
