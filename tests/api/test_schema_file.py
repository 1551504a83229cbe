"""schema.graphql is the checked-in export of the schema; CI fails when it is stale."""


from api.schema import sdl
from tests.support.paths import REPO


def test_schema_graphql_is_up_to_date():
    checked_in = (REPO / "schema.graphql").read_text(encoding="utf-8")
    assert checked_in == sdl(), "schema.graphql is stale: run `refnet schema -o schema.graphql`"
