"""`refnet register FILE`: registers the members of a CSV or JSON Lines file in batches
(issue 18), each batch booked as `registerMembers` books it (`cli.batch_file`)."""

from __future__ import annotations

import argparse
from typing import Any

from cli.batch_file import batch_arguments, book_file, read_rows, spelled
from cli.main import command
from graph.core.errors import BadInput
from graph.network import batch
from graph.network.batch import RegisterItem, RegisterOutcome

# The fields of GraphQL's RegisterInput, as the file spells them, and RegisterItem's names.
FIELDS = {"name": "name", "id": "member_id", "sponsorId": "sponsor_id", "kind": "kind",
          "landingSlug": "landing_slug", "actingPartnerId": "acting_partner_id"}
# The same fields spelled as `refnet import`'s members file spells them: one file serves both.
SNAKE_CASE = {"sponsor_id": "sponsorId", "landing_slug": "landingSlug", "acting_partner_id": "actingPartnerId"}


def item_of(row: dict[str, Any], number: int) -> RegisterItem:
    row = spelled(row, number, FIELDS, SNAKE_CASE)
    if not isinstance(row.get("name"), str):
        raise BadInput(f"record {number}: name is required (text)")
    if any(value is not None and not isinstance(value, str) for value in row.values()):
        raise BadInput(f"record {number}: every field is text")
    return RegisterItem(**{FIELDS[key]: value for key, value in row.items()})


def _placed(number: int, outcome: RegisterOutcome) -> str:
    member = outcome.member
    assert member is not None
    where = f"under {member.parent_id} slot {member.slot}" if member.parent_id else "as a root"
    return f"{number}: {member.id} placed {where}"


@command("register", "register the members of a CSV or JSON Lines file, in order, in batches",
         lambda parser: batch_arguments(parser, ", ".join(FIELDS) + " (or " + ", ".join(SNAKE_CASE) + ")",
                                        "registrations", batch.MAX_BATCH))
def register(args: argparse.Namespace) -> int:
    def items() -> list[RegisterItem]:
        rows = read_rows(args.file, {**FIELDS, **SNAKE_CASE})
        return [item_of(row, number) for number, row in enumerate(rows, start=1)]

    return book_file(args, batch.MAX_BATCH, items, batch.register_many, _placed, "members", "registered")
