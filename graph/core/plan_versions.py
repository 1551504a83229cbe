"""Plan versions (issue 8): every plan file content an engine ran, and when it was first used.

A plan's version is the first 12 hex digits of the sha256 of its file (`Plan.version`); it is
stored on every order, entry, refund and period or rotation run booked under it. Loading a
changed file is a new version; booked entries keep the version they were booked under.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # core never imports the store at run time
    from graph.store.store import Store


@dataclass(frozen=True)
class PlanVersionRecord:
    version: str
    hash: str
    name: str
    source: str | None
    first_used_at: int  # epoch ms: when an engine first ran it


def register(store: Store, plan: Any, at: int) -> None:
    """Records `plan`'s version unless known (idempotent; the first use time stays)."""
    if plan is None or not getattr(plan, "content_hash", ""):
        return
    store.run("plan_version_merge", {"version": plan.version, "hash": plan.content_hash, "name": plan.name,
                                     "source": plan.source or None, "at": at})


def plan_versions(store: Store) -> list[PlanVersionRecord]:
    return [PlanVersionRecord(**row) for row in store.run("plan_versions")]
