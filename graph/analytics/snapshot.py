"""A read-only snapshot of all members and both trees, for exports and network reports.

Read in a few bulk queries paged by registration number (`Member.seq`, indexed), never one
query per member, and kept column-wise (one list per field) so that a million members stay
small and turn into numpy arrays cheaply. Pages are consistent each on its own; a snapshot of
a graph that is being written to may mix moments (fine for exploration, not for accounting).
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from graph.network.placement import designation

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


# The fields of cypher/analytics/snapshot_members.cypher's packed row, in order; the name comes last.
FIELDS = (
    "id", "status", "kind", "seq", "depth", "sponsor_depth", "r", "size",
    "paid", "frozen", "burned", "released", "created_at", "sponsor_id", "parent_id", "slot", "rank", "name",
)
INT_FIELDS = frozenset({
    "seq", "depth", "sponsor_depth", "r", "size", "paid", "frozen", "burned", "released", "created_at", "slot",
})
PAGE_ROWS = 50_000


@dataclass
class Snapshot:
    """Members column-wise: `columns[field][i]` is field of the i-th member (registration order)."""

    columns: dict[str, list[Any]] = field(default_factory=lambda: {name: [] for name in FIELDS})

    def __len__(self) -> int:
        return len(self.columns["id"])

    @cached_property
    def index(self) -> dict[str, int]:
        return {member_id: i for i, member_id in enumerate(self.columns["id"])}

    def array(self, name: str, dtype: Any = np.int64) -> np.ndarray:
        return np.asarray([0 if v is None else v for v in self.columns[name]], dtype=dtype)

    def parent_index(self, tree: str) -> np.ndarray:
        """For each member, the row of its parent in `tree` ('sponsor' or 'placement'); -1 at a root."""
        key = "sponsor_id" if tree == "sponsor" else "parent_id"
        index = self.index
        return np.fromiter((-1 if p is None else index.get(p, -1) for p in self.columns[key]),
                           dtype=np.int64, count=len(self))

    @cached_property
    def line_kinds(self) -> list[str | None]:
        """The kind of each member's own line under its placement parent, as designated now."""
        index, rs = self.index, self.columns["r"]
        return [
            None if parent is None or slot is None else designation(slot, rs[index[parent]] or 0).value
            for parent, slot in zip(self.columns["parent_id"], self.columns["slot"])
        ]

    def rows(self) -> Iterator[dict[str, Any]]:
        names = list(self.columns)
        for values in zip(*(self.columns[name] for name in names)):
            yield dict(zip(names, values))


def read_snapshot(rn: Refnet, page_rows: int = PAGE_ROWS) -> Snapshot:
    """All members, in windows of `seq` sized to hold about `page_rows` members each.

    The next page is already asked for while this one is parsed (two in flight: the database
    works while Python parses), and the cyclic garbage collector is paused meanwhile: it would
    walk the growing columns again and again and make the read quadratic (nothing here makes
    cycles)."""
    snapshot = Snapshot()
    bounds = rn.store.run("snapshot_bounds")[0]
    if not bounds["members"]:
        return snapshot
    lo, hi = bounds["lo"], bounds["hi"]
    # seq has gaps (every write bumps the version): start with the average density.
    width = max(1, int(page_rows * (hi - lo + 1) / bounds["members"]))

    def fetch(start: int, stop: int) -> list[list[str]]:
        return [row["member"].split("|", len(FIELDS) - 1)
                for row in rn.store.run("snapshot_members", {"lo": start, "hi": stop})]

    collecting = gc.isenabled()
    gc.disable()
    try:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="snapshot") as pool:
            pending: deque[Future[list[list[str]]]] = deque()
            next_lo = lo
            while pending or next_lo <= hi:
                while len(pending) < 2 and next_lo <= hi:
                    pending.append(pool.submit(fetch, next_lo, next_lo + width))
                    next_lo += width
                page = pending.popleft().result()
                if len(page) > 2 * page_rows:
                    width = max(1, width // 2)
                elif len(page) < page_rows // 2:
                    width *= 2
                _append(snapshot, page)
    finally:
        if collecting:
            gc.enable()
    return snapshot


def _append(snapshot: Snapshot, rows: list[list[str]]) -> None:
    """Packed rows into the columns: '' is None, integer fields as int; in registration order."""
    seq = FIELDS.index("seq")
    rows.sort(key=lambda row: int(row[seq]))
    for position, name in enumerate(FIELDS):
        values = (row[position] for row in rows)
        if name in INT_FIELDS:
            snapshot.columns[name].extend(None if v == "" else int(v) for v in values)
        elif name == "name":
            snapshot.columns[name].extend(values)
        else:
            snapshot.columns[name].extend(None if v == "" else v for v in values)
