"""Periods every plan closes: calendar months (`2026-11`) and ISO weeks (`2026-W48`), in UTC.

One lifecycle for every plan (docs/periods.md): a period string is valid only between
`FIRST_YEAR` and `LAST_YEAR`; a period can be closed only once it has ended; a closed period
never changes, and whatever arrives later for it is booked in the first open period after it
(`first_open`), with an explanation naming the period it belongs to (`late_note`).
Pure functions over strings and epoch milliseconds; the graph side is `graph.ledger.period_close`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from graph.core.errors import BadInput

FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_MS, END_MS = 946_684_800_000, 4_133_980_800_000  # 2000-01-01 and 2101-01-01, UTC
CLOCK_SKEW_SETTING = "REFNET_CLOCK_SKEW_SECONDS"
CLOCK_SKEW_DEFAULT = 300
MONTH, WEEK = "month", "week"
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
EXAMPLE = {MONTH: "2026-11", WEEK: "2026-W48"}


@dataclass(frozen=True)
class Period:
    name: str
    kind: str  # MONTH or WEEK
    start_ms: int  # inclusive, UTC
    end_ms: int  # exclusive, UTC: the period has ended at this instant

    @property
    def end_text(self) -> str:
        return iso_utc(self.end_ms)


def iso_utc(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()) * 1000


def parse_period(text: object, field: str = "period", kind: str | None = None) -> Period:
    """The period `text` names; BadInput for anything else, for a year outside
    FIRST_YEAR..LAST_YEAR, or for a period not of `kind` (when given)."""
    example = EXAMPLE[kind] if kind else "2026-11 or 2026-W48"
    if not isinstance(text, str):
        raise BadInput(f"{field}: must be a period like {example}")
    week, month = _WEEK.fullmatch(text), _MONTH.fullmatch(text)
    if week is None and month is None:
        raise BadInput(f"{field}: {text!r} is not a period like {example}")
    match = week or month
    assert match is not None
    year, number = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadInput(f"{field}: {text!r} is out of range (periods of the years {FIRST_YEAR} to {LAST_YEAR})")
    found_kind = WEEK if week else MONTH
    if kind is not None and found_kind != kind:
        raise BadInput(f"{field}: {text!r} is not a {kind} like {EXAMPLE[kind]} (this plan closes {kind}s)")
    if found_kind == WEEK:
        try:
            start = date.fromisocalendar(year, number, 1)
        except ValueError:
            raise BadInput(f"{field}: {text!r} is not an ISO week (year {year} has no ISO week {number})") from None
        end = start + timedelta(days=7)
    else:
        if not 1 <= number <= 12:
            raise BadInput(f"{field}: {text!r} is not a month (months are 01 to 12)")
        start = date(year, number, 1)
        end = date(year + 1, 1, 1) if number == 12 else date(year, number + 1, 1)
    return Period(text, found_kind, _ms(start), _ms(end))


def period_of(ms: int, kind: str = MONTH) -> str:
    """The name of the period of `kind` holding instant `ms`."""
    day = datetime.fromtimestamp(ms / 1000, tz=timezone.utc).date()
    if kind == WEEK:
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return f"{day.year:04d}-{day.month:02d}"


def next_period(name: str) -> str:
    """The period right after `name`, of the same kind."""
    period = parse_period(name)
    return period_of(period.end_ms, period.kind)


def check_closable(name: object, now_ms: int, kind: str | None = None) -> Period:
    """The period, if it can be closed at `now_ms`: valid and ended; else BadInput naming its end."""
    period = parse_period(name, kind=kind)
    if now_ms < period.end_ms:
        raise BadInput(f"period: {period.name} has not ended yet: it ends at {period.end_text} (UTC); "
                       "a period can be closed only after it has ended")
    return period


def first_open(name: str, closed: Iterable[str]) -> str:
    """`name` if it is open, else the first period after it (same kind) that is not closed."""
    closed = set(closed)
    while name in closed:
        name = next_period(name)
    return name


def late_note(belongs_to: str, booked_in: str) -> str:
    """The explanation's tail of an entry booked for a closed period in a later, open one."""
    return f" [late: belongs to closed period {belongs_to}, booked in {booked_in}]"


def mark_late(rows: list[dict[str, Any]], belongs_to: str, booked_in: str) -> list[dict[str, Any]]:
    """Entry rows (`graph.ledger.entries.entry_rows`) moved to `booked_in` with the late note."""
    if belongs_to == booked_in:
        return rows
    note = late_note(belongs_to, booked_in)
    for row in rows:
        row["period"] = booked_in
        row["explanation"] = row["explanation"] + note
    return rows


def clock_skew_ms() -> int:
    """How far in the future an order may be dated (clocks of two machines differ): the setting
    REFNET_CLOCK_SKEW_SECONDS, default 5 minutes."""
    text = os.environ.get(CLOCK_SKEW_SETTING, "").strip()
    if not text:
        return CLOCK_SKEW_DEFAULT * 1000
    if not text.isdigit():
        raise ValueError(f"{CLOCK_SKEW_SETTING}: must be a whole number of seconds, got {text!r}")
    return int(text) * 1000


def check_date(at: int, now_ms: int, field: str = "at") -> int:
    """`at` if it is a date a business event can have: within the periods' range and not later
    than now plus the clock-skew tolerance; else BadInput."""
    if not FIRST_MS <= at < END_MS:
        raise BadInput(f"{field}: {iso_utc(at) if 0 <= at < 253402300800000 else at} is out of range "
                       f"(dates of the years {FIRST_YEAR} to {LAST_YEAR})")
    skew = clock_skew_ms()
    if at > now_ms + skew:
        raise BadInput(f"{field}: {iso_utc(at)} is in the future (now is {iso_utc(now_ms)} UTC; "
                       f"at most {skew // 1000} seconds ahead are accepted for clocks that differ)")
    return at


def parse_time(text: str, field: str = "at") -> int:
    """ISO 8601 (`2026-11-23T18:00:00Z`, an offset, or none = UTC) as epoch ms."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"{field}: {text!r} is not an ISO 8601 time like 2026-11-23T18:00:00Z") from None
    return epoch_ms(moment)


def epoch_ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    delta = moment - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000
