"""Scalars that keep money exact: strings in and out, never floats."""

import re
from decimal import Decimal
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from graph.core.errors import BadInput
from graph.core.money import POINT, fmt_money, parse_money


def _parse_money(value: object) -> Decimal:
    if not isinstance(value, str):
        raise BadInput(f"Money must be a string like \"1000.00\", not {type(value).__name__} {value!r}")
    return parse_money(value, "Money")


DECIMAL_PATTERN = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,8})?")


def _parse_points(value: object) -> Decimal:
    if not isinstance(value, str):
        raise BadInput(f"Decimal must be a string like \"147.0000\", not {type(value).__name__} {value!r}")
    if not DECIMAL_PATTERN.fullmatch(value):
        raise BadInput(f"Decimal: {value[:40]!r} is not a number; write ASCII digits with an optional point, "
                       "like \"147.5\"")
    return Decimal(value)


Money = NewType("Money", Decimal)
Points = NewType("Points", Decimal)


def _serialize_points(value: Decimal) -> str:
    exponent = value.as_tuple().exponent  # a letter only for NaN and infinities, never parsed in
    return str(value.quantize(POINT)) if isinstance(exponent, int) and exponent > -4 else str(value)


SCALARS: dict[object, ScalarDefinition] = {
    Money: strawberry.scalar(
        name="Money",
        description='Exact decimal as a string with 2 places: "1000.00". Floats are refused.',
        serialize=fmt_money,
        parse_value=_parse_money,
    ),
    Points: strawberry.scalar(
        name="Decimal",
        description='Exact decimal as a string: "147.0000". Floats are refused.',
        serialize=_serialize_points,
        parse_value=_parse_points,
    ),
}
