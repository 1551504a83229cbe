"""Member tokens: an admin issues a bearer token for one member; the graph stores only its
SHA-256 digest (a token is 256 random bits, so a plain digest cannot be reversed or guessed),
with an expiry, so tokens survive restarts and work in every process on the same graph."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.core.errors import NotFound
from graph.network.members import check_member_id

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


TOKEN_PREFIX = "rnm_"
DAY_MS = 86_400_000
DEFAULT_TOKEN_DAYS = 90


def token_days() -> int:
    """REFNET_MEMBER_TOKEN_DAYS: how long a new member token is valid (default 90 days)."""
    text = os.environ.get("REFNET_MEMBER_TOKEN_DAYS", "")
    return int(text) if text.isascii() and text.isdigit() and int(text) > 0 else DEFAULT_TOKEN_DAYS


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class TokenHolder:
    member_id: str
    name: str
    kind: str
    leads: tuple[str, ...]  # ids of the families this member leads


def create_token(rn: Refnet, member_id: str, days: int | None = None) -> str:
    """A new token for `member_id`, shown once; NotFound (and nothing stored) for an unknown member."""
    check_member_id(member_id, "memberId")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = rn.clock()
    rows = rn.store.run("token_create", {"member_id": member_id, "digest": digest(token), "now": now,
                                         "expires_at": now + (days or token_days()) * DAY_MS})
    if not rows:
        raise NotFound(f"memberId: no member with id {member_id!r}")
    return token


def revoke_tokens(rn: Refnet, member_id: str) -> int:
    """Revokes every token of `member_id`; returns how many there were."""
    check_member_id(member_id, "memberId")
    return int(rn.store.run("tokens_revoke", {"member_id": member_id})[0]["revoked"])


def token_holder(rn: Refnet, token: str) -> TokenHolder | None:
    """The member an unexpired, unrevoked token belongs to, else None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    rows = rn.store.run("token_holder", {"digest": digest(token), "now": rn.clock()})
    if not rows:
        return None
    row = rows[0]
    return TokenHolder(row["member_id"], row["name"], row["kind"], tuple(sorted(row["leads"])))


def readable_members(rn: Refnet, me: str, ids: list[str]) -> set[str]:
    """The ids among `ids` that `me` may read in full: itself and its downlines in both trees."""
    return {row["id"] for row in rn.store.run("member_scope", {"me": me, "ids": list(ids)})}
