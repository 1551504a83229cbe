"""When the embedded server rewrites its append-only file while serving.

A start loads the file's image and then replays the statements logged since, each at the
speed it first ran. So what a long log costs is the database time of its statements, not its
bytes: a batch of 1,000 orders logs 3 MB that replay in ~0.35 s, the same bytes of lone
registrations take ~4 s. A rewrite costs a forked copy of the whole graph (~0.4 s of a core
at 100,000 members). Rewriting at a tenth of the image's bytes alone therefore rewrote after
nearly every batch, the rewrites costing as much CPU as the batches themselves.

The rule: rewrite when the statement log has grown by a tenth of the image (the bound on
start-up time, docs/operations.md) *and* its statements took at least `share` times what the
last rewrite took (and at least `min_s`): a rewrite never costs more than half of what it saves
at a start, and a start replays at most max(min_s, share × a rewrite) more than before.
"""

from __future__ import annotations

from dataclasses import dataclass

LOG_SHARE_OF_IMAGE = 0.10  # the statement log may grow by this share of the image
LOG_MIN_BYTES = 256 << 10


@dataclass
class CompactionClock:
    """Adds up the database time of the statements logged since the last image."""

    min_s: float = 1.0
    share: float = 2.0
    statements_s: float = 0.0
    rewrite_s: float = 0.0
    next_check_s: float = 0.0

    def __post_init__(self) -> None:
        self.next_check_s = self.next_check_s or self.min_s

    def ran(self, seconds: float) -> bool:
        """Counts a statement; true when the log is worth a look (its size, then perhaps a rewrite)."""
        self.statements_s += seconds
        return self.statements_s >= self.next_check_s

    def not_yet(self) -> None:
        """The log was looked at and is still small: look again after another `min_s`."""
        self.next_check_s = self.statements_s + self.min_s

    def rewritten(self, took_s: float) -> None:
        """A rewrite finished (or the log was found empty): start counting again."""
        self.rewrite_s = took_s
        self.statements_s = 0.0
        self.next_check_s = max(self.min_s, self.share * took_s)


def log_due(image_bytes: int, log_bytes: int) -> bool:
    """Whether the statement log has grown enough, against the image, to be worth a rewrite."""
    return log_bytes >= max(LOG_MIN_BYTES, LOG_SHARE_OF_IMAGE * image_bytes)
