"""`refnet import`: members, historical orders and opening balances from CSV or JSON Lines
(docs/migrating.md)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sized

from cli.main import command, open_engine
from graph.admin import import_files, importer


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--members", help="members CSV (or JSON Lines, .jsonl): id, name, kind, sponsor_id, placement_parent_id, slot, "
                                          "registered_at, landing_slug")
    parser.add_argument("--orders", help="historical orders CSV (or .jsonl): id, buyer_id, amount, at, referrer_id")
    parser.add_argument("--balances", help="opening balances CSV (or .jsonl): member_id, available, frozen, quota_used, points")


def _counted(things: int | Sized, noun: str) -> str:
    number = things if isinstance(things, int) else len(things)
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _progress(stage: str, done: int, total: int) -> None:
    print(f"  {stage}: {done}/{total}", file=sys.stderr, flush=True)


@command("import", "import members, historical orders and opening balances from CSV or JSON Lines "
                   "(all or nothing)",
         _import_arguments)
def import_command(args: argparse.Namespace) -> int:
    if not (args.members or args.orders or args.balances):
        print("refnet import: give at least one of --members, --orders, --balances", file=sys.stderr)
        return 2
    started = time.perf_counter()
    members = import_files.members_of(import_files.read_text(args.members), args.members) if args.members else []
    orders = import_files.orders_of(import_files.read_text(args.orders), args.orders) if args.orders else []
    balances = import_files.balances_of(import_files.read_text(args.balances), args.balances) if args.balances else []
    print(f"read {_counted(members, 'member')}, {_counted(orders, 'order')}, "
          f"{_counted(balances, 'opening balance')} from the files; checking them against the graph",
          file=sys.stderr, flush=True)
    rn = open_engine(args)
    try:
        result = importer.import_files(rn, members, orders, balances, _progress)
    finally:
        rn.store.close()
    skipped = sum(result.skipped.values())
    print(f"imported {_counted(result.members, 'member')}, {_counted(result.orders, 'order')}, "
          f"{_counted(result.balances, 'opening balance')}"
          + (f" ({_counted(skipped, 'row')} already imported)" if skipped else "")
          + f" in {time.perf_counter() - started:.1f} s")
    return 0
