"""Rotation helpers: put the engine's clock in a given ISO week."""

from __future__ import annotations

from graph.network import rotation
from graph.service import Refnet


def at_week(week: str, seconds: int = 3600) -> int:
    """Epoch ms `seconds` into the ISO week `week`."""
    return rotation.week_start_ms(rotation.parse_week(week)) + seconds * 1000


def set_week(rn: Refnet, week: str) -> None:
    moment = at_week(week)
    rn.clock = lambda: moment
