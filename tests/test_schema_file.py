"""schema.graphql is the checked-in export of the schema; CI fails when it is stale."""

from pathlib import Path

from api.schema import sdl


def test_schema_graphql_is_up_to_date():
    checked_in = (Path(__file__).parent.parent / "schema.graphql").read_text(encoding="utf-8")
    assert checked_in == sdl(), "schema.graphql is stale: run `refnet schema -o schema.graphql`"
