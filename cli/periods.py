"""`refnet close-period`: the running plan's period close."""

from __future__ import annotations

import argparse

from cli.main import command, open_engine
from graph.ledger import period_close


def _close_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("period", help='the period to close, e.g. "2026-11" or "2026-W48"')


@command("close-period", "close a period of the running plan (idempotent; finishes a killed run)", _close_arguments)
def close_period_command(args: argparse.Namespace) -> int:
    rn = open_engine(args)
    try:
        run = period_close.close_period(rn, args.period)
    finally:
        rn.store.close()
    print(f"{run.period}: {run.entries} entries, {run.total}")
    return 0
