"""FalkorStore's parameter header: the same text the client builds, in one pass."""

from __future__ import annotations

from enum import IntEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.core.errors import BadInput
from graph.store.falkor_store import _client_header, _plain, params_header

text = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]), max_size=12)
scalars = st.one_of(text, st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=False, allow_infinity=False),
                    st.booleans(), st.none())
keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=8)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                                                       st.dictionaries(keys, inner, max_size=4)), max_leaves=20)


@given(st.dictionaries(keys, values, max_size=5))
def test_the_header_is_the_clients(params):
    plain = _plain(dict(params))
    assert params_header(params) == (_client_header(plain) if plain else "")


class Level(IntEnum):
    ONE = 1


@pytest.mark.parametrize("params", [{"rows": [{"a": Level.ONE}]}, {"k": {1: "x"}}, {"b": b"bytes"}])
def test_unusual_values_take_the_clients_path(params):
    try:
        expected = _client_header(_plain(dict(params)))
    except (TypeError, ValueError) as error:
        with pytest.raises(type(error)):
            params_header(params)
    else:
        assert params_header(params) == expected


def test_a_nul_in_text_is_bad_input():
    with pytest.raises(BadInput, match="NUL"):
        params_header({"rows": [{"name": "a\x00b"}]})
