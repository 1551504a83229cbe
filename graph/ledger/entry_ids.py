"""Entry ids: `<source>#<seq>`, where the source names what booked the entry.

Every id is built and read here, never sliced elsewhere. The textual form is the one graphs
already hold, so entries booked before this module keep their ids:

    order:<order>                 an order's allocation, booked when it is recorded
    effects:<order>               what an order changes beyond its allocation (points sales)
    sale:<n> / withdrawal:<n>     a member's points sale or withdrawal (n: the graph version)
    refund:<refund>               a refund's reversals
    period:<period>:<step>        a period close's split (`period:2026-11:dividend`)
    period:<period>:<step>:<key>  a period close's booking of one key (`period:2026-11:level:o1`)
    family:<family>:<period>      a family's period close

Member, order and refund ids may contain ':' but never '#'; a period never contains ':'.
"""

from __future__ import annotations

from dataclasses import dataclass

ORDER, EFFECTS, SALE, WITHDRAWAL, REFUND, PERIOD, FAMILY = (
    "order", "effects", "sale", "withdrawal", "refund", "period", "family")
REVENUE_KINDS = (ORDER, REFUND)  # an order's allocation and its reversals add up to its net amount


@dataclass(frozen=True, order=True)
class EntrySource:
    """What booked a group of entries; `parts` follow `kind` as documented above."""

    kind: str
    parts: tuple[str, ...]

    def __str__(self) -> str:
        return ":".join((self.kind, *self.parts))

    @classmethod
    def of(cls, kind: str, *parts: object) -> "EntrySource":
        return cls(kind, tuple(str(part) for part in parts))

    @classmethod
    def order(cls, order_id: str) -> "EntrySource":
        return cls(ORDER, (order_id,))

    @classmethod
    def refund(cls, refund_id: str) -> "EntrySource":
        return cls(REFUND, (refund_id,))

    @classmethod
    def period_step(cls, period: str, step: str, key: str | None = None) -> "EntrySource":
        return cls(PERIOD, (period, step) if key is None else (period, step, key))

    @property
    def period(self) -> str | None:
        """The period of a period close's source (`period:<period>:…`), else None."""
        return self.parts[0] if self.kind == PERIOD else None

    @classmethod
    def parse(cls, text: str) -> "EntrySource":
        kind, _, rest = text.partition(":")
        if kind == PERIOD:
            period, _, tail = rest.partition(":")
            step, _, key = tail.partition(":")
            return cls(kind, (period, step, key) if key else (period, step))
        if kind == FAMILY:
            family, _, period = rest.rpartition(":")
            return cls(kind, (family, period))
        return cls(kind, (rest,))

    def entry(self, seq: int) -> "EntryId":
        return EntryId(self, seq)

    @property
    def prefix(self) -> str:
        """What every entry id of this source starts with."""
        return f"{self}#"


@dataclass(frozen=True, order=True)
class EntryId:
    source: EntrySource
    seq: int

    def __str__(self) -> str:
        return f"{self.source}#{self.seq}"

    @classmethod
    def parse(cls, text: str) -> "EntryId":
        source, _, seq = text.rpartition("#")
        if not source or not seq.isdigit():
            raise ValueError(f"not an entry id: {text!r}")
        return cls(EntrySource.parse(source), int(seq))


def revenue_prefixes() -> list[str]:
    """Id prefixes of the entries that are revenue (`cypher/payout_rows.cypher`'s `$revenue`)."""
    return [f"{kind}:" for kind in REVENUE_KINDS]
