"""Placement in the 3-wide tree: lines, designations and the slide-down (三三滑落), rules §2.

Pure functions over plain data; `graph.network.members` reads the data and writes the result.

What the rule needs is kept on every member so that placing one member costs O(depth):
`size` (members in its placement subtree, itself included), `children` (placement children)
and its subtree's *first free position* — the member with a free slot at the smallest depth,
ties by earlier registration — as (`free_depth`, `free_seq`, `free_id`). A member's first free
position is itself while it has a free slot, else the smallest of its children's; so a
placement only changes it on the path from the new member's parent up, and only while it
changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum

SLOTS = (1, 2, 3)


class LineKind(str, Enum):
    WEALTH = "WEALTH"  # 财富线
    CONTRIBUTION = "CONTRIBUTION"  # 贡献线


def designation(slot: int, r: int) -> LineKind:
    """Slot s is WEALTH iff (s - r) mod 3 = 0: slot 3 at r = 0, slot 1 at r = 1, slot 2 at r = 2."""
    return LineKind.WEALTH if (slot - r) % 3 == 0 else LineKind.CONTRIBUTION


def wealth_slot(r: int) -> int:
    return next(s for s in SLOTS if designation(s, r) is LineKind.WEALTH)


def slide_designation(k: int) -> LineKind:
    """The designation a slide for the sponsor's k-th referral aims at: 4, 5 wealth, 6 contribution, …"""
    return LineKind.CONTRIBUTION if (k - 4) % 3 == 2 else LineKind.WEALTH


@dataclass(frozen=True, order=True)
class FreePosition:
    """A member with a free slot, ordered nearest the top first, then earlier registration."""

    depth: int
    seq: int
    member_id: str = field(compare=False)


@dataclass(frozen=True)
class Line:
    slot: int
    member_id: str
    size: int
    first_free: FreePosition


@dataclass(frozen=True)
class SponsorView:
    """What the rule reads of the sponsor S: its referrals so far, rotation offset and lines."""

    member_id: str
    referrals: int  # direct referrals before the new member
    r: int
    depth: int
    seq: int
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Decision:
    """Where the new member goes: under `target` (a FreePosition, or the sponsor itself)."""

    k: int
    slid: bool
    aimed_at: LineKind | None
    via_slot: int | None  # the sponsor's line the slide went into
    target_id: str


def choose_target(sponsor: SponsorView) -> Decision:
    """Rules §2 steps 1–4: the member under which the new referral is placed."""
    k = sponsor.referrals + 1
    taken = {line.slot for line in sponsor.lines}
    if k <= 3 and len(taken) < 3:
        return Decision(k, slid=False, aimed_at=None, via_slot=None, target_id=sponsor.member_id)
    aimed = slide_designation(k)
    if not sponsor.lines:
        return Decision(k, slid=False, aimed_at=aimed, via_slot=None, target_id=sponsor.member_id)
    targets = [line for line in sponsor.lines if designation(line.slot, sponsor.r) is aimed]
    targets = targets or list(sponsor.lines)
    weakest = min(targets, key=lambda line: (line.size, line.slot))
    return Decision(k, slid=True, aimed_at=aimed, via_slot=weakest.slot, target_id=weakest.first_free.member_id)


@dataclass(frozen=True)
class ChainLink:
    """One member on the path from the new member's parent up to the root, as stored."""

    member_id: str
    depth: int
    seq: int
    own_slot: int | None  # this member's slot under its own parent (None at the root)
    children: int  # placement children before the new member
    free: FreePosition  # its subtree's first free position before the new member


def propagate(
    chain: Iterable[ChainLink],
    new_member: FreePosition,
    slot: int,
    children_of: Callable[[str], dict[int, FreePosition]],
) -> list[tuple[str, FreePosition]]:
    """The first free positions that change once `new_member` takes `slot` under `chain[0]`
    (the chain runs from the parent up to the root). Walks up only while they change, and
    asks `children_of` (slot → first free position of each child) only where the old value
    came from the child on the path and got worse."""
    changes: list[tuple[str, FreePosition]] = []
    path_slot: int | None
    path_slot, path_old, path_new = slot, None, new_member
    for index, link in enumerate(chain):
        old = link.free
        if link.children + (1 if index == 0 else 0) < 3:
            new = FreePosition(link.depth, link.seq, link.member_id)
        elif path_new < old:
            new = path_new
        elif path_old is not None and path_old != old:
            new = old  # it came from another child, which did not change
        else:
            assert path_slot is not None  # only the root has no slot, and it is the chain's last link
            new = min({**children_of(link.member_id), path_slot: path_new}.values())
        if new == old:
            break
        changes.append((link.member_id, new))
        path_slot, path_old, path_new = link.own_slot, old, new
    return changes
