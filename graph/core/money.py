"""Exact money: `Decimal` in Python, integer cents in the graph, every share rounded down.

Points are exact to 4 places and stored as integer ten-thousandths. Nothing here ever
touches a float.
"""

import re
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache
from numbers import Integral

from graph.core.errors import BadInput

CENT = Decimal("0.01")
POINT = Decimal("0.0001")
# The one money syntax clients may use: ASCII digits, an optional minus, at most 2 places.
# No exponent, sign "+", underscores, spaces, trailing dot or non-ASCII digits.
MONEY_PATTERN = re.compile(r"-?[0-9]+(\.[0-9]{1,2})?")
MONEY_DIGITS_MAX = 15  # whole-number digits: far above any amount, far below cents' int64 limit


def parse_money(text: str, field: str = "amount") -> Decimal:
    """A client's money string ("1000.00", "12.5", "-3") as a Decimal: exactly `MONEY_PATTERN`."""
    if not isinstance(text, str):
        raise BadInput(f"{field}: money must be a string like \"1000.00\", got {type(text).__name__}")
    if not MONEY_PATTERN.fullmatch(text):
        if re.fullmatch(r"-?[0-9]+\.[0-9]{3,}", text):
            raise BadInput(f"{field}: {text[:40]!r} has more than 2 decimal places")
        raise BadInput(f"{field}: {text[:40]!r} is not an amount; write ASCII digits with at most 2 places, "
                       "like \"1000.00\" or \"-12.5\"")
    if len(text.lstrip("-").partition(".")[0]) > MONEY_DIGITS_MAX:
        raise BadInput(f"{field}: {text[:40]!r} is too large (at most {MONEY_DIGITS_MAX} digits before the point)")
    return Decimal(text).quantize(CENT)


def parse_positive_money(text: str, field: str = "amount") -> Decimal:
    value = parse_money(text, field)
    if value <= 0:
        raise BadInput(f"{field}: must be positive, got {text!r}")
    return value


def to_cents(amount: Decimal) -> int:
    """Whole cents of an amount that is already exact to the cent."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """Integer cents as money. A float is refused: it is what a database's sum() answers, and
    money read back from the graph must be exact (convert where the query is read)."""
    if type(cents) is int:  # the common case, without the abstract-class check (hot in batches)
        return Decimal(cents).scaleb(-2)
    if not isinstance(cents, Integral):
        raise TypeError(f"cents must be an integer, got {cents!r}")
    return (Decimal(int(cents)) / 100).quantize(CENT)


def fmt_money(amount: Decimal) -> str:
    return str(amount.quantize(CENT))


def share(amount: Decimal, rate: Decimal) -> Decimal:
    """rate × amount rounded down to the cent (every percentage share in refnet)."""
    return (amount * rate).quantize(CENT, rounding=ROUND_DOWN)


def round_points(points: Decimal) -> Decimal:
    return points.quantize(POINT, rounding=ROUND_DOWN)


def to_units(points: Decimal) -> int:
    """Points as integer ten-thousandths for the graph."""
    units = points * 10000
    if units != units.to_integral_value():
        raise ValueError(f"{points} has more than 4 decimal places")
    return int(units)


def from_units(units: int) -> Decimal:
    return (Decimal(units) / 10000).quantize(POINT)


@lru_cache(maxsize=1024)
def percent(rate: Decimal) -> str:
    """A rate for explanations: Decimal('0.15') → '15%', Decimal('0.005') → '0.5%'. Cached: a
    plan has a handful of rates and a month close writes them into a million explanations."""
    text = format((rate * 100).normalize(), "f")
    return f"{text}%"
