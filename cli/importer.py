"""`refnet import`: members, historical orders and opening balances from CSV (docs/migrating.md)."""

from __future__ import annotations

import argparse
import sys
import time

from cli.main import command, open_engine
from graph.admin import import_files, importer


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--members", help="members CSV: id, name, kind, sponsor_id, placement_parent_id, slot, "
                                          "registered_at, landing_slug")
    parser.add_argument("--orders", help="historical orders CSV: id, buyer_id, amount, at, referrer_id")
    parser.add_argument("--balances", help="opening balances CSV: member_id, available, frozen, quota_used, points")


def _progress(stage: str, done: int, total: int) -> None:
    print(f"  {stage}: {done}/{total}", file=sys.stderr, flush=True)


@command("import", "import members, historical orders and opening balances from CSV (all or nothing)",
         _import_arguments)
def import_command(args: argparse.Namespace) -> int:
    if not (args.members or args.orders or args.balances):
        print("refnet import: give at least one of --members, --orders, --balances", file=sys.stderr)
        return 2
    started = time.perf_counter()
    members = import_files.members_of(import_files.read_text(args.members), args.members) if args.members else []
    orders = import_files.orders_of(import_files.read_text(args.orders), args.orders) if args.orders else []
    balances = import_files.balances_of(import_files.read_text(args.balances), args.balances) if args.balances else []
    print(f"checked {len(members)} members, {len(orders)} orders, {len(balances)} opening balances",
          file=sys.stderr, flush=True)
    rn = open_engine(args)
    try:
        result = importer.import_files(rn, members, orders, balances, _progress)
    finally:
        rn.store.close()
    skipped = sum(result.skipped.values())
    print(f"imported {result.members} members, {result.orders} orders, {result.balances} opening balances"
          + (f" ({skipped} rows already imported)" if skipped else "")
          + f" in {time.perf_counter() - started:.1f} s")
    return 0
