"""`refnet statement MEMBER PERIOD [--format csv|html]`: a member's statement of a month (issue 16)."""

from __future__ import annotations

import argparse
import sys

from cli.main import command, open_engine
from graph.ledger import statements


def _statement_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("member", help="member id")
    parser.add_argument("period", help="month, e.g. 2026-11")
    parser.add_argument("--format", choices=("csv", "html"), default="csv")


@command("statement", "a member's statement of a month (csv or html)", _statement_arguments)
def statement_command(args: argparse.Namespace) -> int:
    rn = open_engine(args)
    try:
        result = statements.statement(rn, args.member, args.period)
    finally:
        rn.store.close()
    sys.stdout.write(statements.html_text(result) if args.format == "html" else statements.csv_text(result))
    return 0
