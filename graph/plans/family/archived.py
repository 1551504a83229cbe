"""The family plan's activity of archived periods (issue 19), read with DuckDB from each
period's `activity.parquet` (graph.ledger.archive moves the events of a period once every
family that had them closed it). The hot reads leave out the events of periods still being
removed from the graph (`History.removing`), so, inside `graph.ledger.history.consistent`, a
read sees every event once. Windows return rows (the team-health rules are pure functions
over events); first and last activity is grouped by DuckDB.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from graph.core.errors import Unavailable
from graph.ledger.history import History, activity_files, connection

# A family's archived events with $from <= at <= $to (as activity_window.cypher).
WINDOW = """SELECT member_id, type, "at", diamonds, category, amount FROM read_parquet(?)
WHERE family_id = ? AND "at" >= ? AND "at" <= ? ORDER BY "at", member_id"""

# Per member of a family, the first and last archived activity of the given types at or before
# a moment (as last_activity.cypher).
SPANS = """SELECT member_id, min("at")::BIGINT AS first_at, max("at")::BIGINT AS last_at FROM read_parquet(?)
WHERE family_id = ? AND "at" <= ? AND type IN (SELECT unnest(?::VARCHAR[])) GROUP BY member_id"""

# Archived events by the id they were recorded with (as activity_by_ids.cypher).
BY_IDS = """SELECT id, family_id, member_id, type, "at", diamonds, category, amount FROM read_parquet(?)
WHERE id IN (SELECT unnest(?::VARCHAR[]))"""


def _rows(sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cursor = connection()
    try:
        result = cursor.execute(sql, list(params))
        names = [column[0] for column in result.description]
        return [dict(zip(names, values, strict=True)) for values in result.fetchall()]
    except duckdb.IOException as error:
        raise Unavailable(f"the archive cannot be read: {error}") from error
    finally:
        cursor.close()


def window(h: History, family_id: str, start: int, end: int) -> list[dict[str, Any]]:
    files = activity_files(h)
    return _rows(WINDOW, [files, family_id, start, end]) if files else []


def spans(h: History, family_id: str, as_of: int, types: list[str]) -> list[dict[str, Any]]:
    files = activity_files(h)
    return _rows(SPANS, [files, family_id, as_of, types]) if files and types else []


def by_ids(h: History, ids: list[str]) -> list[dict[str, Any]]:
    files = activity_files(h)
    return _rows(BY_IDS, [files, ids]) if files and ids else []
