"""Family activity: diamonds received (with the activity type), song uploads, PK participation,
expenses by category — recorded one by one, in bulk, or from a CSV file, always all or nothing.

An event is `(:Activity {type, at, diamonds, category, amount})-[:BY]->(:Member)` and
`-[:IN]->(:Family)`; a batch is one `UNWIND` statement. Every event is checked before anything
is written; an error names the event (`events[3]` / `line 4`) and the field.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.core.errors import BadInput, Conflict, DomainError, NotFound
from graph.core.money import from_cents, parse_positive_money, to_cents
from graph.core.periods import parse_time
from graph.ledger.history import History, consistent
from graph.network.members import check_member_id
from graph.plans.family import archived, periods
from graph.plans.family.plan import ACTIVITY_TYPES, FamilyPlan, plan_of
from graph.store.store import Conflicted

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.family")

MAX_EVENTS = 50_000
MAX_DIAMONDS = 10**12
CSV_COLUMNS = ("family_id", "member_id", "type", "at", "diamonds", "category", "amount", "id")
CSV_REQUIRED = ("member_id", "type", "at")


@dataclass(frozen=True)
class ActivityEvent:
    family_id: str
    member_id: str
    type: str
    at: int  # epoch ms, UTC
    diamonds: int = 0
    category: str | None = None
    amount: Decimal | None = None  # expenses only, exact to the cent
    id: str | None = None  # optional: recording an event with a known id again records nothing

    def same_as(self, other: "ActivityEvent") -> bool:
        """Same content (the id aside): a repeat of an event, not a different one."""
        return (self.family_id, self.member_id, self.type, self.at, self.diamonds, self.category, self.amount) == \
            (other.family_id, other.member_id, other.type, other.at, other.diamonds, other.category, other.amount)


def _relabel(error: DomainError, label: str) -> DomainError:
    return type(error)(f"{label}, {error.message}")


def check_event(event: ActivityEvent, plan: FamilyPlan, now: int) -> None:
    """What can be checked without the graph; BadInput names the field."""
    if event.id is not None:
        check_member_id(event.id, "id")
    check_member_id(event.family_id, "familyId")
    check_member_id(event.member_id, "memberId")
    if event.type not in ACTIVITY_TYPES:
        raise BadInput(f"type: {event.type!r} is not one of {', '.join(ACTIVITY_TYPES)}")
    if isinstance(event.at, bool) or not isinstance(event.at, int) or event.at < 0:
        raise BadInput(f"at: {event.at!r} is not a time")
    if event.at > now:
        raise BadInput("at: is in the future")
    if isinstance(event.diamonds, bool) or not isinstance(event.diamonds, int) or not 0 <= event.diamonds <= MAX_DIAMONDS:
        raise BadInput(f"diamonds: must be a whole number from 0 to {MAX_DIAMONDS}, got {event.diamonds!r}")
    if event.type == "EXPENSE":
        if event.category not in plan.expense_categories:
            raise BadInput(f"category: an expense needs one of {', '.join(plan.expense_categories)}, "
                           f"got {event.category!r}")
        if event.amount is None or event.amount <= 0 or event.amount != event.amount.quantize(Decimal("0.01")):
            raise BadInput(f"amount: an expense needs a positive amount with at most 2 places, got {event.amount!r}")
        if event.diamonds:
            raise BadInput("diamonds: an expense earns no diamonds (leave it 0)")
    elif event.category is not None or event.amount is not None:
        raise BadInput("category: only expenses have a category and an amount")


def record_activity(rn: Refnet, plan: FamilyPlan, events: list[ActivityEvent],
                    labels: list[str] | None = None) -> int:
    """Records every event or none; returns how many were recorded.

    An event's member must be a current member of the event's family (the family's leader may
    record expenses). An event inside a period the family already closed is refused
    (CONFLICT): the commission of a closed period never changes. An event with an `id` that is
    already recorded with the same content is skipped (so re-running an import records nothing
    twice); with other content it is a CONFLICT.
    """
    if len(events) > MAX_EVENTS:
        raise BadInput(f"events: at most {MAX_EVENTS} in one call, got {len(events)}; split the file")
    if not events:
        return 0
    labels = labels or [f"events[{index}]" for index in range(len(events))]
    now = rn.clock()
    for event, label in zip(events, labels):
        try:
            check_event(event, plan, now)
        except DomainError as error:
            raise _relabel(error, label) from None
    events, labels = _unique(events, labels)
    family_ids = sorted({event.family_id for event in events})
    ids = [event.id for event in events if event.id is not None]

    def attempt() -> int:
        rows = rn.store.run("family/activity_read", {"family_ids": family_ids})
        families = {row["family_id"]: row for row in rows}
        version = rows[0]["version"]
        known = recorded_by_ids(rn, ids)
        fresh = []
        for event, label in zip(events, labels):
            if event.id in known:
                if not known[event.id].same_as(event):
                    raise Conflict(f"{label}, id: {event.id!r} is already recorded with other content")
                continue
            fresh.append(event)
            family = families[event.family_id]
            try:
                if not family["found"]:
                    raise NotFound(f"familyId: no family with id {event.family_id!r}")
                if event.member_id == family["leader_id"]:
                    if event.type != "EXPENSE":
                        raise BadInput(f"memberId: {event.member_id!r} leads family {event.family_id!r}; "
                                       "only its expenses are recorded (a leader earns no commission on itself)")
                elif event.member_id not in family["members"]:
                    raise NotFound(f"memberId: {event.member_id!r} is not a member of family {event.family_id!r}")
                period = periods.period_of(event.at, plan.period)
                if period in family["closed"]:
                    raise Conflict(f"at: period {period} of family {event.family_id!r} is closed; "
                                   "its commission is booked and cannot change")
            except DomainError as error:
                raise _relabel(error, label) from None
        if not fresh:
            return 0
        params = [
            {"id": e.id, "family_id": e.family_id, "member_id": e.member_id, "type": e.type, "at": e.at,
             "diamonds": e.diamonds, "category": e.category,
             "amount": to_cents(e.amount) if e.amount is not None else None}
            for e in fresh
        ]
        result = rn.store.run("family/activity_record", {"version": version, "events": params, "now": rn.clock()})
        if not result or result[0]["recorded"] != len(params):
            raise Conflicted()
        return len(params)

    recorded = rn.guard(attempt)
    log.info("recorded %d activity events for %s", recorded, ", ".join(family_ids))
    return recorded


def _unique(events: list[ActivityEvent], labels: list[str]) -> tuple[list[ActivityEvent], list[str]]:
    """The events without repeats of one id in the batch; BadInput for one id with two contents."""
    seen: dict[str, ActivityEvent] = {}
    kept: list[tuple[ActivityEvent, str]] = []
    for event, label in zip(events, labels):
        if event.id is not None:
            if event.id in seen:
                if not seen[event.id].same_as(event):
                    raise BadInput(f"{label}, id: {event.id!r} appears twice with different content")
                continue
            seen[event.id] = event
        kept.append((event, label))
    return [event for event, _ in kept], [label for _, label in kept]


def recorded_by_ids(rn: Refnet, ids: list[str]) -> dict[str, ActivityEvent]:
    """The events recorded with these ids, in the graph or, once their period moved, the archive
    (re-running an import of a moved period records nothing, as before the move)."""
    if not ids:
        return {}

    def read(h: History) -> list[dict]:
        return [*rn.store.run("family/activity_by_ids", {"ids": ids, "archived": h.removing}), *archived.by_ids(h, ids)]

    return {row["id"]: _event(row) for row in consistent(rn, read)}


def _event(row: dict) -> ActivityEvent:
    return ActivityEvent(row["family_id"], row["member_id"], row["type"], row["at"], row["diamonds"] or 0,
                         row["category"], from_cents(row["amount"]) if row["amount"] is not None else None, row["id"])




def _csv_event(row: dict[str, str], family_id: str | None) -> ActivityEvent:
    values = {key: (row.get(key) or "").strip() for key in CSV_COLUMNS}
    family = values["family_id"] or family_id
    if not family:
        raise BadInput("family_id: empty (give the column or --family)")
    for key in CSV_REQUIRED:
        if not values[key]:
            raise BadInput(f"{key}: empty")
    kind = values["type"].upper()
    if kind not in ACTIVITY_TYPES:
        raise BadInput(f"type: {values['type']!r} is not one of {', '.join(ACTIVITY_TYPES)}")
    diamonds_text = values["diamonds"] or "0"
    if not re.fullmatch(r"[0-9]{1,9}", diamonds_text):
        raise BadInput(f"diamonds: {diamonds_text!r} is not a whole number")
    amount = parse_positive_money(values["amount"], "amount") if values["amount"] else None
    return ActivityEvent(
        family_id=family,
        member_id=values["member_id"],
        type=kind,
        at=parse_time(values["at"]),
        diamonds=int(diamonds_text),
        category=values["category"] or None,
        amount=amount,
        id=values["id"] or None,
    )


def parse_csv(text: str, family_id: str | None = None) -> tuple[list[ActivityEvent], list[str]]:
    """Events of a CSV file (docs/family.md) and their labels (`line N`); BadInput names the
    line and the field of the first bad row. The header is line 1."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    if not header:
        raise BadInput("line 1, header: the file is empty; the first line names the columns "
                       f"({', '.join(CSV_COLUMNS)})")
    reader.fieldnames = header
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if unknown:
        raise BadInput(f"line 1, header: unknown column {unknown[0]!r} (columns: {', '.join(CSV_COLUMNS)})")
    missing = [name for name in CSV_REQUIRED if name not in header]
    if "family_id" not in header and family_id is None:
        missing.append("family_id")
    if missing:
        raise BadInput(f"line 1, header: missing column {missing[0]!r}")
    events: list[ActivityEvent] = []
    labels: list[str] = []
    for row in reader:
        label = f"line {reader.line_num}"
        if None in row:
            raise BadInput(f"{label}, row: more fields than the header has columns")
        if not any((value or "").strip() for value in row.values()):
            continue  # a blank line
        try:
            events.append(_csv_event(row, family_id))
        except DomainError as error:
            raise _relabel(error, label) from None
        labels.append(label)
    return events, labels


# --- through the engine's one writer (graph.group_commit) -------------------------------------

MAX_QUEUED = 100  # activity calls the writer books in one turn (each its own statement)


@dataclass(frozen=True)
class ActivityItem:
    """One `record_activity` call queued for the writer (all its events or none)."""

    events: list[ActivityEvent]


@dataclass(frozen=True)
class ActivityOutcome:
    """A queued call's own outcome: how many events it recorded, or the coded error that
    refused it alone."""

    recorded: int | None = None
    error: DomainError | None = None


def activity_alone(rn: Refnet, item: ActivityItem) -> ActivityOutcome:
    try:
        plan = plan_of(rn)
        if plan is None:
            name = rn.plan.name if rn.plan is not None else "(none)"
            raise BadInput(f"plan: families need the `family` plan (refnet serve --plan family); plan {name} "
                           "runs no family module")
        return ActivityOutcome(recorded=record_activity(rn, plan, item.events))
    except DomainError as error:
        return ActivityOutcome(error=error)


def activity_queued(rn: Refnet, items: list[ActivityItem]) -> list[ActivityOutcome]:
    """Queued calls in queue order, each by `record_activity` (one statement each: a call
    is all or nothing, and a later one may repeat an earlier one's event ids)."""
    return [activity_alone(rn, item) for item in items]
