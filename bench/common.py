"""Shared by the benches: a throw-away embedded database and a skewed random network."""

from __future__ import annotations

import contextlib
import random
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from graph import members
from graph.service import Refnet
from graph.store import open_store


@contextlib.contextmanager
def engine(plan: Any = None) -> Iterator[Refnet]:
    """A Refnet on a fresh embedded FalkorDB in a temporary data dir."""
    with tempfile.TemporaryDirectory(prefix="refnet-bench-") as directory:
        store = open_store(Path(directory), url="")
        try:
            yield Refnet.start(store, plan)
        finally:
            store.close()


def skewed_sponsor(ids: list[str], rng: random.Random) -> str:
    """A sponsor drawn with a realistic skew: early members recruit very many (u³ favours the front)."""
    return ids[int(len(ids) * rng.random() ** 3)]


def grow_network(
    rn: Refnet,
    n: int,
    seed: int = 7,
    on_member: Callable[[int, float], None] | None = None,
) -> list[str]:
    """Registers a root and n members through `members.register`, the API's own path."""
    rng = random.Random(seed)
    ids = ["root"]
    members.register(rn, "Company", member_id="root")
    for index in range(n):
        member_id = f"m{index}"
        started = time.perf_counter()
        members.register(rn, "Member", sponsor_id=skewed_sponsor(ids, rng), member_id=member_id)
        ids.append(member_id)
        if on_member is not None:
            on_member(index, time.perf_counter() - started)
    return ids
