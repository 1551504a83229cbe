"""`refnet payouts PERIOD [--format csv|json]`: the payout file of a month (issue 16)."""

from __future__ import annotations

import argparse
import json
import sys

from cli.main import command, open_engine
from graph.ledger import payouts


def _payouts_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("period", help="month, e.g. 2026-11")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")


@command("payouts", "the payout file of a month: per member what became payable and what to pay",
         _payouts_arguments)
def payouts_command(args: argparse.Namespace) -> int:
    payouts.check_period(args.period)
    rn = open_engine(args)
    try:
        result = payouts.payouts(rn, args.period)
    finally:
        rn.store.close()
    if args.format == "json":
        sys.stdout.write(json.dumps(payouts.json_data(result), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(payouts.csv_text(result))
    return 0
