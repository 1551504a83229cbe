"""Entry ids: `<source>#<seq>`, where the source names what booked the entry.

Every id is built and read here, never sliced elsewhere. The textual form is the one graphs
already hold, so entries booked before this module keep their ids. The ledger's own kinds:

    order:<order>                 an order's allocation, booked when it is recorded
    refund:<refund>               a refund's reversals
    period:<period>:<step>        a period close's split (`period:2026-11:dividend`)
    period:<period>:<step>:<key>  a period close's booking of one key (`period:2026-11:level:o1`)

A plan adds its own kinds: one part by default (`effects:<order>`, `sale:<n>`), or a layout it
registers with `register_kind` (`family:<family>:<period>`). Member, order and refund ids may
contain ':' but never '#'; a period never contains ':'.
"""

from __future__ import annotations

from dataclasses import dataclass

ORDER, REFUND, PERIOD = "order", "refund", "period"
REVENUE_KINDS = (ORDER, REFUND)  # an order's allocation and its reversals add up to its net amount
TRAILING: dict[str, int] = {}  # kind → parts after its first (the first may contain ':')


def register_kind(kind: str, trailing: int) -> None:
    """A source kind of `1 + trailing` parts, of which only the first may contain ':'."""
    TRAILING[kind] = trailing


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
        trailing = TRAILING.get(kind, 0)
        if trailing:
            first, *others = rest.rsplit(":", trailing)
            return cls(kind, (first, *others))
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
