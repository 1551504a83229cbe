"""Per-request context: the engine, the caller (its principal), and fresh DataLoaders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.auth import ADMIN, Principal
from graph.network import members
from graph.service import Refnet

T = TypeVar("T")


def _loader(rn: Refnet, fetch: Callable[[Refnet, list[str]], dict[str, Any]], default: Any = None) -> DataLoader:
    """A DataLoader whose batch is one `UNWIND $ids` query, run off the event loop."""

    async def load(ids: list[str]) -> list[Any]:
        found = await run_in_threadpool(fetch, rn, list(ids))
        return [found.get(key, default) for key in ids]

    return DataLoader(load_fn=load)


@dataclass
class Context:
    rn: Refnet
    principal: Principal = ADMIN
    client: str = "unknown"  # the client's address (rate limits)
    signup_limits: Any = None  # api.ratelimit.SignUpLimits of the app
    writer: Any = None  # graph.group_commit.GroupCommit of the app: single writes book through it
    scope: dict[str, bool] = field(default_factory=dict)  # member id → readable in full by the principal
    member: DataLoader = field(init=False)
    lines: DataLoader = field(init=False)
    referrals: DataLoader = field(init=False)
    extra: dict[str, DataLoader] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.member = _loader(self.rn, members.get_members)
        self.lines = _loader(self.rn, members.lines_of, [])
        self.referrals = _loader(self.rn, members.referrals_of, [])

    @property
    def is_admin(self) -> bool:
        return self.principal.is_admin

    def loader(self, name: str, fetch: Callable[[Refnet, list[str]], dict[str, Any]], default: Any = None) -> DataLoader:
        """A named per-request loader for plan modules' fields (created on first use)."""
        if name not in self.extra:
            self.extra[name] = _loader(self.rn, fetch, default)
        return self.extra[name]


def require_admin(info: Info) -> None:
    """A second line behind the fields' permission classes (api/permissions.py)."""
    if not info.context.is_admin:
        from api.permissions import deny

        deny(info.context.principal, info.field_name)


async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking `graph/` call off the event loop."""
    return await run_in_threadpool(fn, *args, **kwargs)


async def write(info: Info, kind: str, item: Any, alone: Callable[[], T]) -> Any:
    """The outcome of one write through the app's group commit (`graph.group_commit`), raising
    its coded error; without a writer, `alone()` books it by itself off the event loop."""
    writer = info.context.writer
    if writer is None:
        return await call(alone)
    outcome = await writer.write(kind, item)
    if outcome.error is not None:
        raise outcome.error
    return outcome
