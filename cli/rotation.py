"""`refnet rotate`: the weekly line rotation from the command line."""

from __future__ import annotations

import argparse
import sys

from api.members import datetime_of
from cli.main import command, open_engine
from graph.network import rotation


def _rotate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--week", help='ISO week such as 2026-W48 (default: the current week, UTC)')
    parser.add_argument("--catch-up", action="store_true",
                        help="run every week missed since the latest run, through the current week "
                             "(what `refnet serve` does at start)")
    parser.add_argument("--batch-size", type=int, default=rotation.BATCH_SIZE,
                        help=f"members per seq range and statement (default {rotation.BATCH_SIZE})")


@command("rotate", "run the weekly rotation of wealth and contribution lines", _rotate_arguments)
def rotate(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        print("refnet: --batch-size must be at least 1", file=sys.stderr)
        return 2
    rn = open_engine(args)
    try:
        def progress(p: rotation.Progress) -> None:
            print(f"{p.week}: batch {p.batch}, members up to seq {min(p.seq_to, p.seq_end + 1) - 1:,} "
                  f"of {p.seq_end:,}, {p.rotated_in_batch:,} rotated in this batch, {p.rotated:,} in the run",
                  flush=True)

        if args.catch_up:
            if args.week:
                print("refnet: --week and --catch-up exclude each other", file=sys.stderr)
                return 2
            runs = rotation.catch_up(rn, on_batch=progress, batch_size=args.batch_size)
        else:
            week = args.week or rotation.week_name(rotation.week_of(rn.clock()))
            runs = [rotation.rotate(rn, week, on_batch=progress, batch_size=args.batch_size)]
        for run in runs:
            print(f"{run.week}: done, {run.rotated:,} members rotated, finished "
                  f"{datetime_of(run.at).isoformat()}", flush=True)
        if not runs:
            print("nothing to catch up", flush=True)
        return 0
    finally:
        rn.store.close()
