"""Indexes and unique constraints, set up at every start (idempotent) for either backend.

Plan modules add their own labels to `INDEXES` / `UNIQUE` rather than writing DDL.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from graph.store.store import Store

if TYPE_CHECKING:
    from graph.store.falkor_store import FalkorStore

# (label, property) pairs that lookups start from
INDEXES: list[tuple[str, str]] = [
    ("Member", "id"),
    ("Member", "landing_slug"),
    ("Meta", "key"),
    ("Order", "id"),
    ("Entry", "id"),
    ("Entry", "beneficiary_id"),
    ("Entry", "order_id"),
    ("Pool", "name"),
    ("Member", "seq"),  # rotation batches and snapshot pages go through members by seq range
    ("Rotation", "week"),
    ("Refund", "id"),  # refunds (issue 8)
    ("Refund", "order_id"),
    ("Entry", "at"),  # payoutReport reads entries by time range
    ("PlanVersion", "version"),
    ("Entry", "reverses"),  # a refund finds what earlier refunds reversed of an entry
    ("Holding", "id"),
    ("Holding", "member_id"),
    ("Holding", "cap_key"),
    ("Member", "identity"),
    ("Member", "shares_milli"),
    ("Order", "pools_open"),
    ("Order", "level_open"),
    ("PeriodRun", "id"),
    ("Family", "id"),
    ("FamilyPeriodRun", "key"),
    ("Activity", "id"),
    ("Order", "period"),
    ("MemberToken", "digest"),  # a request's token is looked up by its digest (issue 15)
    ("MemberToken", "member_id"),
    ("TreeMove", "id"),  # member administration's audit (issue 16)
    ("TreeMove", "member_id"),
    ("Order", "settle_in"),  # a late differential order: the open month whose close books it (issue 14)
    ("RankMonth", "key"),  # rank history: one per member and closed month (issue 14)
    ("RankMonth", "period"),
    ("RankMonth", "member_id"),
    ("Entry", "period"),  # the archive move reads and checks a closed period's entries (issue 19)
    ("Order", "archive"),  # the orders a move marked for the archive (issue 19)
    ("Refund", "archive"),
    ("Activity", "key"),  # the family plan's events a move marked, removed by their key (issue 19)
    ("Activity", "archive"),
    ("FamilyPeriodRun", "period"),  # the families that closed a period the move takes activity of
]
# (label, property) pairs that must be unique
UNIQUE: list[tuple[str, str]] = [
    ("Member", "id"),
    ("Member", "landing_slug"),
    ("Meta", "key"),
    ("Order", "id"),
    ("Entry", "id"),
    ("Pool", "name"),
    ("Rotation", "week"),
    ("Refund", "id"),
    ("PlanVersion", "version"),
    ("Holding", "id"),
    ("PeriodRun", "id"),
    ("Family", "id"),
    ("FamilyPeriodRun", "key"),  # "<familyId>:<period>": a family's period closes once
    ("MemberToken", "digest"),
    ("TreeMove", "id"),
]


def ensure_schema(store: Store) -> None:
    if store.backend == "neo4j":
        _neo4j(store)
    else:
        _falkordb(cast("FalkorStore", store))  # the backend that is not neo4j
    store.run("meta_init")


def _neo4j(store: Store) -> None:
    for label, prop in INDEXES:
        if (label, prop) in UNIQUE:
            continue
        store.run_text(f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})")
    for label, prop in UNIQUE:
        store.run_text(
            f"CREATE CONSTRAINT {label.lower()}_{prop}_unique IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"
        )


def _falkordb(store: FalkorStore) -> None:
    existing = {
        (row["label"], prop)
        for row in store.run_text("CALL db.indexes() YIELD label, properties RETURN label, properties")
        for prop in row["properties"]
    }
    for label, prop in INDEXES:
        if (label, prop) not in existing:
            _unless_there(store.run_text, f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
    constraints = _falkordb_constraints(store)
    for label, prop in UNIQUE:
        if (label, prop) not in constraints:
            _unless_there(store.command, "GRAPH.CONSTRAINT", "CREATE", store.graph_name, "UNIQUE", "NODE",
                          label, "PROPERTIES", 1, prop)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        states = _falkordb_constraints(store)
        if all(states.get(key) == "OPERATIONAL" for key in UNIQUE):
            return
        if any(state == "FAILED" for state in states.values()):
            raise RuntimeError(f"a unique constraint could not be created: {states}")
        time.sleep(0.05)
    raise RuntimeError("unique constraints did not become operational in 60 s")


def _unless_there(create: Callable[..., object], *arguments: object) -> None:
    """Runs a schema statement; another instance starting at the same moment may have created
    the same index or constraint between our look and our statement, which is what we wanted."""
    try:
        create(*arguments)
    except Exception as error:  # the client's ResponseError; its text is all that tells the cases apart
        if "already" not in str(error).lower():
            raise


def _falkordb_constraints(store: Store) -> dict[tuple[str, str], str]:
    rows = store.run_text(
        "CALL db.constraints() YIELD type, label, properties, status RETURN type, label, properties, status"
    )
    return {
        (row["label"], prop): row["status"]
        for row in rows
        if row["type"] == "UNIQUE"
        for prop in row["properties"]
    }
