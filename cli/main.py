"""The `refnet` command line."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from graph.core.errors import BadInput
from graph.service import Refnet
from graph.store.store import open_store

if TYPE_CHECKING:
    from graph.core.plan import Plan

log = logging.getLogger("refnet")

Command = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Command, str]] = {}


def command(name: str, help: str, arguments: Callable[[argparse.ArgumentParser], None] = lambda p: None,
            ) -> Callable[[Command], Command]:
    """Registers a sub-command: `arguments` adds its options, the decorated function runs it."""

    def register(run: Command) -> Command:
        COMMANDS[name] = (arguments, run, help)
        return run

    return register


def data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data or os.environ.get("REFNET_DATA") or "./refnet-data")


def archive_dir(args: argparse.Namespace) -> Path:
    """Where closed periods are archived: REFNET_ARCHIVE, or `archive` in the data dir (issue 19)."""
    return Path(os.environ.get("REFNET_ARCHIVE") or data_dir(args) / "archive")


def requested_plan(args: argparse.Namespace) -> str | None:
    """The plan of --plan / REFNET_PLAN; None: the one the data dir runs (graph/core/plan_pin.py)."""
    return args.plan or os.environ.get("REFNET_PLAN") or None


def load_plan(args: argparse.Namespace) -> Plan:
    """The plan of --plan / REFNET_PLAN, or the default when none is given (validation only)."""
    from graph.core.plan import DEFAULT_PLAN
    from graph.core.plan import load_plan as load

    return load(requested_plan(args) or DEFAULT_PLAN)


def open_engine(args: argparse.Namespace, attach: bool = True) -> Refnet:
    """The engine on the data dir; with `attach` (every command but serve) through the running
    service's database when `refnet serve` holds the data dir."""
    from graph.core.plan_pin import resolve_plan
    from graph.service import now_ms

    directory = data_dir(args)
    directory.mkdir(parents=True, exist_ok=True)
    store = open_store(directory, attach=attach)
    try:
        plan = resolve_plan(store, requested_plan(args), getattr(args, "change_plan", False), now_ms())
        return Refnet.start(store, plan, archive=archive_dir(args))
    except BaseException:
        store.close()
        raise


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--insecure", action="store_true",
                        help="listen on a non-loopback address without REFNET_ADMIN_TOKEN (everyone is the admin)")


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@command("serve", "run the GraphQL service", _serve_arguments)
def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.auth import admin_token
    from graph import working_set

    if admin_token() is None and not is_loopback(args.host):
        if not args.insecure:
            raise BadInput(f"--host {args.host}: without REFNET_ADMIN_TOKEN every caller is the admin, so refnet "
                           "listens only on a loopback address; set REFNET_ADMIN_TOKEN or pass --insecure")
        print(f"refnet: WARNING: listening on {args.host} without REFNET_ADMIN_TOKEN: every caller is the admin",
              file=sys.stderr)
    if requested_plan(args):
        load_plan(args)  # a bad plan file fails here, before anything starts
    rn = open_engine(args, attach=False)  # a busy data dir or another plan is refused before the port opens
    try:
        if working_set.wanted(default=True):  # REFNET_WORKING_SET=0 turns it off (issue 18)
            working_set.start(rn)  # loaded beside the writer: serve answers at once
        uvicorn.run(create_app(lambda: rn), host=args.host, port=args.port, log_level="info")
    finally:
        rn.store.close()
    return 0


def _schema_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", "-o", help="write to this file instead of standard output")


@command("schema", "print the GraphQL schema (SDL)", _schema_arguments)
def print_schema(args: argparse.Namespace) -> int:
    from api.schema import sdl

    text = sdl()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


# Modules that add sub-commands with @command (imported before parsing).
COMMAND_MODULES: tuple[str, ...] = ("cli.rotation", "cli.periods", "cli.explore", "cli.ledger", "cli.operations",
                                   "cli.register", "cli.importer", "cli.payouts", "cli.statements", "cli.record_orders",
                                   "cli.archive")


def command_modules() -> list[str]:
    """The core command modules, then every known plan module's (`PlanModule.commands`)."""
    from graph.core.plugin import all_plugins

    return list(dict.fromkeys([*COMMAND_MODULES, *(name for plugin in all_plugins() for name in plugin.commands)]))


def main(argv: list[str] | None = None) -> int:
    import importlib

    for module in command_modules():
        importlib.import_module(module)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", help="data dir of the embedded database (REFNET_DATA, default ./refnet-data)")
    common.add_argument("--plan", help="shipped plan name or TOML path (REFNET_PLAN; default: the plan the data dir "
                                       "runs, linkage-3plus1 for a new one)")
    common.add_argument("--change-plan", action="store_true",
                        help="switch the data dir to the --plan given (recorded as a new plan version)")
    parser = argparse.ArgumentParser(prog="refnet", description="Referral-network and commission engine.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (arguments, run, help_text) in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, parents=[common])
        arguments(sub_parser)
        sub_parser.set_defaults(run=run)
    args = parser.parse_args(argv)
    if args.change_plan and requested_plan(args) is None:
        parser.error("--change-plan needs --plan NAME_OR_PATH: the plan to switch the data dir to")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from graph.core.errors import DomainError
    from graph.store.embedded import DataDirBusy

    try:
        chosen: Command = args.run
        return chosen(args)
    except DataDirBusy as error:
        print(f"refnet: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"refnet: {error.code}: {error.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    from cli import main as cli  # `python -m cli.main`: command modules register in the importable module

    sys.exit(cli.main())
