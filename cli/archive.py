"""`refnet archive [PERIOD]`: move closed periods' entries to the archive, or finish a move (issue 19)."""

from __future__ import annotations

import argparse

from cli.main import command, open_engine


def _archive_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("period", nargs="?", help="a closed period (2026-11); default: every closed period not "
                                                  "archived yet")


@command("archive", "move closed periods' entries, orders and refunds to the archive (Parquet), or finish a "
         "move; idempotent",
         _archive_arguments)
def archive_command(args: argparse.Namespace) -> int:
    from graph.ledger.archive import archive_closed, archive_period

    rn = open_engine(args)
    try:
        results = [archive_period(rn, args.period)] if args.period else archive_closed(rn)
    finally:
        rn.store.close()
    for result in results:
        print(f"{result.period}: {result.rows} entries in the archive, {result.removed} removed from the graph now; "
              f"{result.orders} orders, {result.refunds} refunds in the archive")
    if not results:
        print("nothing to archive: every closed period is in the archive")
    return 0
