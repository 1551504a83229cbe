"""Per-request context: the engine, whether the caller is the admin, and fresh DataLoaders."""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from starlette.concurrency import run_in_threadpool
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from graph.network import members
from graph.core.errors import Unauthenticated
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
    is_admin: bool
    member: DataLoader = field(init=False)
    lines: DataLoader = field(init=False)
    referrals: DataLoader = field(init=False)
    extra: dict[str, DataLoader] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.member = _loader(self.rn, members.get_members)
        self.lines = _loader(self.rn, members.lines_of, [])
        self.referrals = _loader(self.rn, members.referrals_of, [])

    def loader(self, name: str, fetch: Callable[[Refnet, list[str]], dict[str, Any]], default: Any = None) -> DataLoader:
        """A named per-request loader for plan modules' fields (created on first use)."""
        if name not in self.extra:
            self.extra[name] = _loader(self.rn, fetch, default)
        return self.extra[name]


def admin_token() -> str | None:
    return os.environ.get("REFNET_ADMIN_TOKEN") or None


def caller_is_admin(authorization: str | None) -> bool:
    token = admin_token()
    if token is None:
        return True
    scheme, _, given = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def require_admin(info: Info) -> None:
    """Operations other than signUp and public reads need the admin token when one is set."""
    if not info.context.is_admin:
        raise Unauthenticated("this operation needs Authorization: Bearer <REFNET_ADMIN_TOKEN>")


async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking `graph/` call off the event loop."""
    return await run_in_threadpool(fn, *args, **kwargs)
