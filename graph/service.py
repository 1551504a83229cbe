"""The context every operation of `graph/` runs in: the store, its write guard, the plan, a clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.store.schema import ensure_schema
from graph.store.store import Store, WriteGuard


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class Refnet:
    store: Store
    plan: Any = None
    clock: Callable[[], int] = now_ms
    guard: WriteGuard = field(init=False)
    archive: Path | None = None  # root of the closed periods' archive; None: this engine archives nothing (issue 19)
    working_set: Any = None  # graph.working_set.WorkingSet of the writer, or None (issue 18)

    def __post_init__(self) -> None:
        self.guard = WriteGuard()

    @classmethod
    def start(cls, store: Store, plan: Any = None, archive: Path | None = None) -> "Refnet":
        from graph.core.plan_versions import register
        from graph.ledger.orders import finish_half_done
        from graph.ledger.period_runs import upgrade
        from graph.network.rotation import upgrade_offsets

        ensure_schema(store)
        engine = cls(store, plan)
        engine.archive = archive
        upgrade_offsets(store, engine.clock())  # offsets stored before the rotation run counter
        register(store, plan, engine.clock())  # a changed plan file is a new version (issue 8)
        upgrade(engine)  # period runs booked before the one run shape
        finish_half_done(engine)  # an order a crash left half-done by an earlier version's two statements
        return engine
