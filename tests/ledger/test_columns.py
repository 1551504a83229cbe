"""A close's large reads (`graph.ledger.columns`) answer exactly what the client answers for the
same query: nulls, text, integers, booleans, doubles, lists of them and of lists, and values
it leaves to the client's parser (maps, nodes)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.ledger import columns

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**62, max_value=2**62),
                    st.floats(allow_nan=False, allow_infinity=False, width=32), st.text(alphabet='ab "\\é\n'))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4), max_leaves=10)


@settings(max_examples=60, deadline=None)
@given(value=values)
def test_a_value_reads_as_the_client_reads_it(falkor, value):
    store = falkor.with_graph("columns_values")
    store.run_text("MERGE (:Seed)")  # a read-only query needs the graph to exist
    text = "RETURN $value AS value, [$value, $value] AS pair"
    assert columns.read_text(store, text, {"value": value}) == store.run_text(text, {"value": value})


def test_lists_of_a_label_and_what_the_client_parses_itself(falkor):
    store = falkor.with_graph("columns_lists")
    store.run_text("UNWIND range(1, 500) AS i CREATE (:X {id: 'x' + toString(i), n: i, half: i / 2.0, even: i % 2 = 0})")
    text = ("MATCH (x:X) RETURN collect(x.id) AS ids, collect(x.n) AS ns, collect(x.half) AS halves, "
            "collect(x.even) AS evens, collect(CASE WHEN x.n > 498 THEN x.id END) AS last, {a: 1, b: ['c']} AS map")
    read = columns.read_text(store, text)
    assert read == store.run_text(text)
    assert read[0]["ids"][:2] == ["x1", "x2"] and read[0]["ns"][-1] == 500 and read[0]["last"] == ["x499", "x500"]
    node = "MATCH (x:X {n: 7}) RETURN x AS node, 1 AS one"
    assert columns.read_text(store, node)[0]["node"].properties == store.run_text(node)[0]["node"].properties
    assert columns.read_text(store, "MATCH (x:X {n: -1}) RETURN x.id AS id") == []


def test_other_stores_answer_through_run(falkor):
    class Wrapped:
        def run(self, name, params=None):
            return [{"name": name, "params": params}]

    assert columns.read(Wrapped(), "meta_version", {"a": 1}) == [{"name": "meta_version", "params": {"a": 1}}]
