"""A member's statement of one month (issue 16): opening balance, every entry of the month with
its explanation and what it did to the balance, closing balance, and the check that
closing = opening + entries.

The balance is the available one (`paid − withdrawn`, docs/ledger.md); entries that do not move
it (BURNED, a FROZEN part of an order) are listed with effect 0. Months and the effect of an
entry are those of the payout file (`graph.ledger.payouts.month_of`, `column_of`), so a statement and
the payout line of the same member and month agree. `closing` is recounted from every entry up
to the month's end, independently of the lines, so the check can fail.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.core.errors import NotFound
from graph.core.money import from_cents
from graph.ledger.entries import EntryRecord
from graph.ledger.history import History, consistent, member_entries
from graph.ledger.payouts import MoneyEntry, check_period, column_of, month_of, signed
from graph.network.members import check_member_id, get_member
from graph.store.store import Row

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet



@dataclass(frozen=True)
class StatementLine:
    entry: EntryRecord
    effect: Decimal  # what the entry did to the available balance
    balance: Decimal  # the balance after it


@dataclass(frozen=True)
class Statement:
    member_id: str
    name: str
    period: str
    opening: Decimal
    lines: list[StatementLine]
    closing: Decimal

    @property
    def balanced(self) -> bool:
        """closing = opening + Σ the month's entries."""
        return self.closing == self.opening + sum((line.effect for line in self.lines), Decimal("0.00"))


def _money(entry: EntryRecord, release: bool) -> MoneyEntry:
    return MoneyEntry(entry.beneficiary_id or "", entry.rule, entry.status, int(entry.amount * 100), entry.period,
                      entry.at, entry.reverses, release)


def build(member_id: str, name: str, period: str, rows: list[tuple[EntryRecord, bool]]) -> Statement:
    """The statement from every entry of the member, each with its release flag (pure)."""
    opening = closing = 0
    month_entries: list[tuple[EntryRecord, int]] = []
    for entry, release in sorted(rows, key=lambda item: (item[0].at, item[0].source, item[0].seq)):
        money = _money(entry, release)
        month = month_of(money)
        if month > period:
            continue
        column = column_of(money)
        effect = signed(column, money.amount) if column is not None else 0
        closing += effect
        if month < period:
            opening += effect
        else:
            month_entries.append((entry, effect))
    lines = []
    balance = opening
    for entry, effect in month_entries:
        balance += effect
        lines.append(StatementLine(entry, from_cents(effect), from_cents(balance)))
    return Statement(member_id, name, period, from_cents(opening), lines, from_cents(closing))


def statement(rn: Refnet, member_id: str, period: str) -> Statement:
    check_member_id(member_id, "memberId")
    check_period(period)
    member = get_member(rn, member_id)
    if member is None:
        raise NotFound(f"memberId: no member with id {member_id!r}")
    def read(h: History) -> list[Row]:
        return [*rn.store.run("statement_entries", {"id": member_id, "archived": h.removing}),
                *member_entries(h, member_id)]

    rows = [(EntryRecord.from_row(row), bool(row["release"])) for row in consistent(rn, read)]
    return build(member_id, member.name, period, rows)


CSV_COLUMNS = ("at", "entry_id", "rule", "status", "amount", "effect", "balance", "explanation")


def csv_text(result: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(["", "", "opening balance", "", "", "", result.opening, ""])
    for line in result.lines:
        entry = line.entry
        writer.writerow([_time(entry.at), entry.id, entry.rule, entry.status, entry.amount, line.effect, line.balance,
                         entry.explanation])
    writer.writerow(["", "", "closing balance", "", "", "", result.closing,
                     "closing = opening + entries" if result.balanced else "CHECK FAILED: closing ≠ opening + entries"])
    return out.getvalue()


def html_text(result: Statement) -> str:
    """A self-contained page a member can print."""
    cells = "".join(
        f"<tr><td>{_time(line.entry.at)}</td><td>{html.escape(line.entry.rule)}</td>"
        f"<td>{line.entry.status}</td><td class=n>{line.entry.amount}</td><td class=n>{line.effect}</td>"
        f"<td class=n>{line.balance}</td><td>{html.escape(line.entry.explanation)}</td></tr>"
        for line in result.lines
    )
    check = "closing = opening + entries" if result.balanced else "CHECK FAILED: closing ≠ opening + entries"
    title = f"Statement {html.escape(result.period)} — {html.escape(result.name)} ({html.escape(result.member_id)})"
    return (
        "<!doctype html><html><head><meta charset=utf-8>"
        f"<title>{title}</title><style>body{{font-family:sans-serif}}td,th{{padding:2px 8px;text-align:left}}"
        "td.n{text-align:right}</style></head><body>"
        f"<h1>{title}</h1><p>Opening balance: <b>{result.opening}</b></p>"
        "<table><thead><tr><th>time (UTC)</th><th>rule</th><th>status</th><th>amount</th><th>effect</th>"
        f"<th>balance</th><th>explanation</th></tr></thead><tbody>{cells}</tbody></table>"
        f"<p>Closing balance: <b>{result.closing}</b> ({check})</p></body></html>\n"
    )


def _time(ms: int) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
