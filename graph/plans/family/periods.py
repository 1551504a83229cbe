"""Family periods: ISO weeks (`2026-W48`, the week arithmetic of graph.network.rotation) or calendar
months (`2026-11`), UTC, as epoch ms."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

from graph.core.errors import BadInput
from graph.network.rotation import parse_week, week_name, week_of, week_start_ms

WEEK = re.compile(r"\d{4}-W\d{2}")
MONTH = re.compile(r"(\d{4})-(\d{2})")


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()) * 1000


def _day(ms: int) -> date:
    return datetime.fromtimestamp(ms // 1000, tz=timezone.utc).date()


def kind_of(period: str) -> str | None:
    """"week", "month", or None when `period` is neither format."""
    if WEEK.fullmatch(period):
        return "week"
    if MONTH.fullmatch(period):
        return "month"
    return None


def bounds(period: str, field: str = "period") -> tuple[int, int]:
    """[start, end) of the period in epoch ms; BadInput for a malformed or impossible one."""
    if WEEK.fullmatch(period):
        index = parse_week(period, field)
        return week_start_ms(index), week_start_ms(index + 1)
    try:
        if match := MONTH.fullmatch(period):
            year, month = int(match[1]), int(match[2])
            start = date(year, month, 1)
            end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
            return _ms(start), _ms(end)
    except ValueError:
        pass
    raise BadInput(f"{field}: {period!r} is not an ISO week like 2026-W48 or a month like 2026-11")


def period_of(ms: int, kind: str) -> str:
    if kind == "week":
        return week_name(week_of(ms))
    day = _day(ms)
    return f"{day.year}-{day.month:02d}"


def previous(period: str) -> str:
    start, _ = bounds(period)
    return period_of(start - 1, kind_of(period) or "week")


def last_periods(ms: int, kind: str, count: int, include_current: bool = True) -> list[str]:
    """`count` periods, oldest first, ending with the one holding `ms` (or the one before it)."""
    current = period_of(ms, kind)
    periods = [current] if include_current else []
    cursor = current
    while len(periods) < count:
        cursor = previous(cursor)
        periods.append(cursor)
    return list(reversed(periods))
