"""A prepared statement (`Store.prepare`) renders its parameters exactly as the FalkorDB client
does (`params_header`, also under tests/store/test_params_header.py: here with the characters
that need escaping), and it runs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.core.errors import BadInput
from graph.store.falkor_store import _client_header, _plain, params_header

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                    st.text(), st.text(alphabet='"\\`{},:\n\t\x7f\u2028 ab'))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner),
    st.dictionaries(st.text(alphabet="ab_`", max_size=3), inner, max_size=3)), max_leaves=12)


def client_text(value: object) -> object:
    try:
        return _client_header(_plain({"p": value}))
    except (ValueError, BadInput) as error:
        return type(error)


def prepared_text(value: object) -> object:
    try:
        return params_header({"p": value})
    except (ValueError, BadInput) as error:
        return type(error)


@settings(max_examples=500, deadline=None)
@given(value=values)
def test_parameters_are_rendered_as_the_client_renders_them(value):
    """The same text, or both refused (which refusal first may differ: an empty map key and a NUL)."""
    prepared, client = prepared_text(value), client_text(value)
    assert prepared == client or (isinstance(prepared, type) and isinstance(client, type))


def test_a_prepared_statement_runs_with_its_parameters(falkor):
    store = falkor.with_graph("prepared_statement")
    store.run_text("CREATE (:Order {id: 'o1', buyer_id: 'b', amount: 500, period: '2026-11', at: 1, "
                   "settle: 'differential', settle_in: '2026-11'})")
    prepared = store.prepare("differential_close_orders", {"period": "2026-11"})
    assert store.run_prepared(prepared) == store.run("differential_close_orders", {"period": "2026-11"})
    assert store.run_prepared(prepared)[0]["ids"] == ["o1"]
