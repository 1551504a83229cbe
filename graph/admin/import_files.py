"""The import's three CSV files (docs/migrating.md): members, historical orders, opening balances.

Pure parsing: every value is checked here, before the graph is read; a bad value raises
`BadInput` naming the file, the line (the header is line 1) and the column. Checks that need
the graph or the other files live in `graph.importer`.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TypeVar

from graph.core.errors import BadInput, DomainError
from graph.core.money import POINT, to_cents
from graph.core.money import parse_money as parse_money_uncached
from graph.core.periods import parse_time as parse_time_uncached
from graph.network.members import KINDS, PARTNER, check_landing_slug, check_member_id, check_name

T = TypeVar("T")

MEMBER_COLUMNS = ("id", "name", "kind", "sponsor_id", "placement_parent_id", "slot", "registered_at", "landing_slug")
MEMBER_REQUIRED = ("id", "name", "sponsor_id")
ORDER_COLUMNS = ("id", "buyer_id", "amount", "at", "referrer_id")
ORDER_REQUIRED = ("id", "buyer_id", "amount", "at")
BALANCE_COLUMNS = ("member_id", "available", "frozen", "quota_used", "points")
BALANCE_REQUIRED = ("member_id",)


@dataclass(slots=True)
class MemberRow:
    where: str  # "members.csv line 4": what an error about this row names
    id: str
    name: str
    kind: str
    sponsor_id: str | None  # None: a root (the company account)
    parent_id: str | None  # the legacy placement parent; None: placed by the slide-down rule
    slot: int | None  # the legacy slot; None: the lowest free one
    registered_at: int | None  # epoch ms; None: the time of the import
    landing_slug: str | None


@dataclass(slots=True)
class OrderRow:
    where: str
    id: str
    buyer_id: str
    amount: Decimal
    at: int
    referrer_id: str | None
    cents: int  # the amount in cents: the import adds and compares these, not Decimals


@dataclass(slots=True)
class BalanceRow:
    where: str
    member_id: str
    available: Decimal  # may be negative: money the member owed the old system
    frozen: Decimal
    quota_used: Decimal
    points: Decimal


UTC_SECONDS = re.compile(r"(\d{4}-\d\d-\d\d)T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)Z")


def parse_time(text: str, field: str = "at") -> int:
    """`parse_time` of the family import; the common export form `2024-01-31T18:05:00Z` is
    read as its day (parsed once per day) plus the time of day, the same milliseconds."""
    utc = UTC_SECONDS.fullmatch(text)
    if utc is None:
        return parse_time_remembered(text, field)
    day, hours, minutes, seconds = utc.groups()
    try:
        midnight = parse_time_remembered(day, field)
    except BadInput:  # no such day: the message names the whole text
        return parse_time_remembered(text, field)
    return midnight + int(hours) * 3_600_000 + int(minutes) * 60_000 + int(seconds) * 1000


@lru_cache(maxsize=65_536)
def parse_time_remembered(text: str, field: str) -> int:
    """`parse_time`, remembered: exports repeat dates and times a lot."""
    return parse_time_uncached(text, field)


@lru_cache(maxsize=4_096)
def parse_money(text: str, field: str = "amount") -> Decimal:
    """`parse_money`, remembered: an export's amounts are mostly a few package prices."""
    return parse_money_uncached(text, field)


@lru_cache(maxsize=4_096)
def parse_order_amount(text: str) -> tuple[Decimal, int]:
    """An order's amount and its cents, once per distinct text."""
    amount = parse_money_uncached(text, "amount")
    if amount <= 0:
        raise BadInput(f"amount: must be positive, got {text!r}")
    return amount, to_cents(amount)


def relabel(error: DomainError, where: str) -> DomainError:
    return type(error)(f"{where}, {error.message}")


JSON_LINES = (".jsonl", ".ndjson")


def rows_of(
    text: str, name: str, columns: tuple[str, ...], required: tuple[str, ...],
    parse: Callable[[str, dict[str, str]], T],
) -> list[T]:
    """The rows of one file parsed by `parse(where, values)`: CSV (UTF-8, header row), or JSON
    Lines when the name ends in .jsonl/.ndjson (one object a line, keys as the CSV columns).
    Blank lines are skipped, unknown or missing columns are refused."""
    lines = _json_lines(text, name, columns) if name.endswith(JSON_LINES) else _csv_lines(text, name, columns, required)
    result: list[T] = []
    with paused_gc():
        for where, values in lines:
            try:
                for column in required:
                    if not values[column] and column != "sponsor_id":
                        raise BadInput(f"{column}: empty")
                result.append(parse(where, values))
            except DomainError as error:
                raise relabel(error, where) from None
    return result


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: reading and importing allocate millions of
    long-lived, acyclic rows, and each collection would walk them all again."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _csv_lines(text: str, name: str, columns: tuple[str, ...], required: tuple[str, ...]
               ) -> Iterator[tuple[str, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip() for column in next(reader, [])]
    if not any(header):
        raise BadInput(f"{name} line 1, header: the file is empty; the first line names the columns "
                       f"({', '.join(columns)})")
    unknown = [column for column in header if column not in columns]
    if unknown:
        raise BadInput(f"{name} line 1, header: unknown column {unknown[0]!r} (columns: {', '.join(columns)})")
    missing = [column for column in required if column not in header]
    if missing:
        raise BadInput(f"{name} line 1, header: missing column {missing[0]!r}")
    twice = [column for index, column in enumerate(header) if column in header[:index]]
    if twice:
        raise BadInput(f"{name} line 1, header: column {twice[0]!r} is named twice")
    absent = {column: "" for column in columns if column not in header}
    width = len(header)
    for fields in reader:
        where = f"{name} line {reader.line_num}"
        if len(fields) != width:
            if len(fields) > width:
                raise BadInput(f"{where}, row: more fields than the header has columns")
            fields += [""] * (width - len(fields))
        if not "".join(fields).strip():
            continue
        values = dict(zip(header, map(str.strip, fields)))
        if absent:
            values.update(absent)
        yield where, values


def _json_lines(text: str, name: str, columns: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    """Each object's values as the CSV reader gives them: text, stripped; null or absent is
    empty; a whole number is its digits. Other numbers are refused: an amount written as a JSON
    number is a float, which money must never pass through."""
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines: JSON text may hold U+2028
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise BadInput(f"{where}, row: not JSON ({error.msg})") from None
        if not isinstance(row, dict):
            raise BadInput(f"{where}, row: expected an object like {{\"{columns[0]}\": ...}}")
        values = dict.fromkeys(columns, "")
        for key, value in row.items():
            if key not in values:
                raise BadInput(f"{where}, {key}: unknown field (fields: {', '.join(columns)})")
            if isinstance(value, str):
                values[key] = value.strip()
            elif type(value) is int:
                values[key] = str(value)
            elif value is not None:
                raise BadInput(f"{where}, {key}: must be text or a whole number, got {json.dumps(value)} "
                               "(write amounts as text, like \"1000.00\")")
        yield where, values


def parse_member(where: str, values: dict[str, str]) -> MemberRow:
    kind = (values["kind"] or PARTNER).upper()
    if kind not in KINDS:
        raise BadInput(f"kind: {values['kind']!r} is not one of {', '.join(KINDS)}")
    slot_text = values["slot"]
    slot = None
    if slot_text:
        if slot_text not in ("1", "2", "3"):
            raise BadInput(f"slot: {slot_text!r} is not 1, 2 or 3")
        slot = int(slot_text)
    sponsor = check_member_id(values["sponsor_id"], "sponsor_id") if values["sponsor_id"] else None
    parent_text = values["placement_parent_id"]
    parent = check_member_id(parent_text, "placement_parent_id") if parent_text else None
    if sponsor is None and parent is not None:
        raise BadInput("placement_parent_id: a member without sponsor is a root and has no placement parent")
    if slot is not None and parent is None:
        raise BadInput("slot: given without placement_parent_id")
    return MemberRow(
        where=where,
        id=check_member_id(values["id"], "id"),
        name=check_name(values["name"]),
        kind=kind,
        sponsor_id=sponsor,
        parent_id=parent,
        slot=slot,
        registered_at=parse_time(values["registered_at"], "registered_at") if values["registered_at"] else None,
        landing_slug=check_landing_slug(values["landing_slug"], "landing_slug") if values["landing_slug"] else None,
    )


def parse_order(where: str, values: dict[str, str]) -> OrderRow:
    amount, cents = parse_order_amount(values["amount"])
    referrer = check_member_id(values["referrer_id"], "referrer_id") if values["referrer_id"] else None
    return OrderRow(
        where=where,
        id=check_member_id(values["id"], "id"),
        buyer_id=check_member_id(values["buyer_id"], "buyer_id"),
        amount=amount,
        at=parse_time(values["at"], "at"),
        referrer_id=referrer,
        cents=cents,
    )


def _points(text: str, field: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadInput(f"{field}: {text!r} is not a decimal number") from None
    if not value.is_finite() or value != value.quantize(POINT) or value < 0:
        raise BadInput(f"{field}: {text!r} is not a non-negative number with at most 4 decimal places")
    return value.quantize(POINT)


def parse_balance(where: str, values: dict[str, str]) -> BalanceRow:
    def money(field: str, negative: bool = False) -> Decimal:
        value = parse_money(values[field] or "0", field)
        if value < 0 and not negative:
            raise BadInput(f"{field}: must not be negative, got {values[field]!r}")
        return value

    return BalanceRow(
        where=where,
        member_id=check_member_id(values["member_id"], "member_id"),
        available=money("available", negative=True),
        frozen=money("frozen"),
        quota_used=money("quota_used"),
        points=_points(values["points"] or "0", "points"),
    )


def members_of(text: str, name: str = "members.csv") -> list[MemberRow]:
    return _unique(rows_of(text, name, MEMBER_COLUMNS, MEMBER_REQUIRED, parse_member), lambda row: row.id, "id")


def orders_of(text: str, name: str = "orders.csv") -> list[OrderRow]:
    return _unique(rows_of(text, name, ORDER_COLUMNS, ORDER_REQUIRED, parse_order), lambda row: row.id, "id")


def balances_of(text: str, name: str = "balances.csv") -> list[BalanceRow]:
    return _unique(rows_of(text, name, BALANCE_COLUMNS, BALANCE_REQUIRED, parse_balance),
                   lambda row: row.member_id, "member_id")


def _unique(rows: list[T], key: Callable[[T], str], field: str) -> list[T]:
    seen: dict[str, str] = {}
    for row in rows:
        value = key(row)
        if value in seen:
            raise BadInput(f"{row.where}, {field}: {value!r} is already on {seen[value]}")  # type: ignore[attr-defined]
        seen[value] = row.where  # type: ignore[attr-defined]
    return rows


def read_text(path: str) -> str:
    """A file's text (UTF-8, a byte-order mark allowed); BadInput when unreadable."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except OSError as error:
        raise BadInput(f"file: cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise BadInput(f"file: {path} is not UTF-8 text") from None


def iter_batches(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
