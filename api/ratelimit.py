"""Rate limits of the public surface (the `limits` library, moving windows in memory):
public sign-ups per client address and per landing page. A refused call is `RATE_LIMITED`
and changes nothing; the allowance comes back as the window moves on.

Settings (the `limits` notation, e.g. "10/minute", "100 per hour"):
REFNET_SIGNUP_RATE_PER_ADDRESS (default 10/minute) and REFNET_SIGNUP_RATE_PER_SLUG
(default 30/hour). The address is the TCP peer's: behind a proxy, configure uvicorn's
--forwarded-allow-ips so that it is the client's.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from graph.core.errors import DomainError

DEFAULT_PER_ADDRESS = "10/minute"
DEFAULT_PER_SLUG = "30/hour"


class RateLimited(DomainError):
    code = "RATE_LIMITED"


@dataclass
class SignUpLimits:
    per_address: RateLimitItem
    per_slug: RateLimitItem
    limiter: MovingWindowRateLimiter

    @classmethod
    def from_environment(cls) -> "SignUpLimits":
        return cls(
            per_address=parse(os.environ.get("REFNET_SIGNUP_RATE_PER_ADDRESS") or DEFAULT_PER_ADDRESS),
            per_slug=parse(os.environ.get("REFNET_SIGNUP_RATE_PER_SLUG") or DEFAULT_PER_SLUG),
            limiter=MovingWindowRateLimiter(MemoryStorage()),
        )

    def take(self, address: str, slug: str) -> None:
        """Counts one sign-up, or raises RateLimited (counting nothing) when a window is full."""
        for item, key, what in ((self.per_address, address, "from this address"),
                                (self.per_slug, slug, "on this landing page")):
            if not self.limiter.test(item, "signup", what, key):
                seconds = item.get_expiry()
                raise RateLimited(f"too many sign-ups {what}; try again in up to {seconds} seconds")
        self.limiter.hit(self.per_address, "signup", "from this address", address)
        self.limiter.hit(self.per_slug, "signup", "on this landing page", slug)
