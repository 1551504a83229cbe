"""An independent, plain-Python reading of rules §2, written from the text and nothing else:
it scans whole subtrees where the engine keeps counters, so it is slow and obviously right."""

from __future__ import annotations


class PlacementModel:
    def __init__(self) -> None:
        self.sponsor: dict[str, str | None] = {}
        self.parent: dict[str, str | None] = {}
        self.slot: dict[str, int | None] = {}
        self.children: dict[str, dict[int, str]] = {}
        self.referrals: dict[str, int] = {}
        self.order: dict[str, int] = {}
        self.depth: dict[str, int] = {}
        self.r: dict[str, int] = {}

    def subtree(self, member: str) -> list[str]:
        found, queue = [], [member]
        while queue:
            current = queue.pop(0)
            found.append(current)
            queue.extend(self.children[current][s] for s in sorted(self.children[current]))
        return found

    def is_wealth(self, member: str, slot: int) -> bool:
        return (slot - self.r[member]) % 3 == 0

    def rotate(self) -> None:
        """One week's rotation (rules §4): every member with three lines moves its wealth line on."""
        for member, lines in self.children.items():
            if len(lines) == 3:
                self.r[member] += 1

    def register(self, member: str, sponsor: str | None) -> None:
        self.sponsor[member] = sponsor
        self.order[member] = len(self.order)
        self.children[member] = {}
        self.referrals[member] = 0
        self.r[member] = 0
        if sponsor is None:
            self.parent[member], self.slot[member], self.depth[member] = None, None, 0
            return
        self.referrals[sponsor] += 1
        k = self.referrals[sponsor]
        lines = self.children[sponsor]
        if (k <= 3 and len(lines) < 3) or not lines:
            parent = sponsor
        else:
            want_wealth = (k - 4) % 3 in (0, 1)
            targets = [s for s in lines if self.is_wealth(sponsor, s) == want_wealth] or list(lines)
            weakest = min(targets, key=lambda s: (len(self.subtree(lines[s])), s))
            free = [m for m in self.subtree(lines[weakest]) if len(self.children[m]) < 3]
            parent = min(free, key=lambda m: (self.depth[m], self.order[m]))
        slot = min(s for s in (1, 2, 3) if s not in self.children[parent])
        self.children[parent][slot] = member
        self.parent[member], self.slot[member] = parent, slot
        self.depth[member] = self.depth[parent] + 1


# Every member with its sponsor, placement parent and slot, and registration number.
PLACEMENTS = ("MATCH (m:Member) OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member) "
              "OPTIONAL MATCH (m)-[l:PLACED_UNDER]->(p:Member) "
              "RETURN m.id AS id, m.seq AS seq, s.id AS sponsor, p.id AS parent, l.slot AS slot")


def assert_placed_in_seq_order(rows: list[dict]) -> None:
    """The stored placements (rows of PLACEMENTS) are those of registering every member one by
    one in registration order, as the model places them."""
    model = PlacementModel()
    for row in sorted(rows, key=lambda row: row["seq"]):
        model.register(row["id"], row["sponsor"])
        assert (model.parent[row["id"]], model.slot[row["id"]]) == (row["parent"], row["slot"])
