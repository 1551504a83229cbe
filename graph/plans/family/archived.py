"""The family plan's activity of archived periods (issue 19), read with DuckDB from each
period's `activity.parquet` (graph.ledger.archive moves the events of a period once every
family that had them closed it). The hot reads leave out the events of periods still being
removed from the graph (`History.removing`), so, inside `graph.ledger.history.consistent`, a
read sees every event once. Windows return rows (the team-health rules are pure functions
over events); first and last activity is grouped by DuckDB.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.core.periods import parse_period
from graph.ledger.history import History, activity_files, id_hashes, select_rows
from graph.ledger.id_filter import filter_of, key_hash

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
# Every recorded event id's hash (graph.ledger.id_filter.key_hash), to build a file's id filter.
ID_HASHES = "SELECT md5_number_lower(id) AS h FROM read_parquet(?) WHERE id IS NOT NULL"


def window(h: History, family_id: str, start: int, end: int) -> list[dict[str, Any]]:
    """Only the files of periods that overlap [start, end] are opened (a file holds one period)."""
    files = [name for name in activity_files(h) if _overlaps(Path(name).parent.name, start, end)]
    return select_rows(WINDOW, [files, family_id, start, end]) if files else []


def _overlaps(period: str, start: int, end: int) -> bool:
    bounds = parse_period(period)
    return bounds.start_ms <= end and start < bounds.end_ms


def spans(h: History, family_id: str, as_of: int, types: list[str]) -> list[dict[str, Any]]:
    files = activity_files(h)
    return select_rows(SPANS, [files, family_id, as_of, types]) if files and types else []


def _id_hashes(path: str) -> Any:
    return id_hashes(path, ID_HASHES)


def by_ids(h: History, ids: list[str]) -> list[dict[str, Any]]:
    """The archived events among `ids`: only the files whose id filter may hold one of them are
    read (graph.ledger.id_filter), so an import's new ids cost no file read in most cases."""
    if not ids:
        return []
    hashes = [key_hash(event_id) for event_id in ids]
    files = [name for name in activity_files(h)
             if any(filter_of(name, _id_hashes).may_hold_hash(hashed) for hashed in hashes)]
    return select_rows(BY_IDS, [files, ids]) if files else []
