"""`refnet preview-period`: what a period close would book, booking nothing."""

from __future__ import annotations

import argparse

from cli.main import command, open_engine
from graph.ledger import preview


def _period_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("period", help='the period to preview, e.g. "2026-11" or "2026-W48"')


@command("preview-period", "show what close-period would book, with totals per rule and member (books nothing)",
         _period_arguments)
def preview_period_command(args: argparse.Namespace) -> int:
    rn = open_engine(args)
    try:
        result = preview.preview_period(rn, args.period)
    finally:
        rn.store.close()
    print(f"{result.period}: {len(result.entries)} entries, {result.total}")
    for line in result.by_rule:
        print(f"  {line.rule:<20} {line.status:<8} {line.amount:>14} ({line.entries} entries)")
    for member in result.by_member:
        print(f"  member {member.member_id:<30} {member.amount:>14} ({member.entries} entries)")
    return 0
