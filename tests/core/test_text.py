"""Which characters a name may hold: the printable shortcut agrees with the category walk."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from graph.core.text import REFUSED_CATEGORIES, refused_character


def walked(text: str, allow: str = "") -> str | None:
    return next((c for c in text if c not in allow and unicodedata.category(c) in REFUSED_CATEGORIES), None)


@given(st.text(max_size=30), st.sampled_from(["", "\n", "\t\n"]))
def test_the_shortcut_finds_what_the_walk_finds(text, allow):
    assert refused_character(text, allow) == walked(text, allow)


def test_refused_and_accepted_characters():
    assert refused_character("Ann\u202eMarie") == "\u202e"  # right-to-left override
    assert refused_character("Zoë Ndlovu\u00a0Jr") is None  # a no-break space is not printable, nor refused
    assert refused_character("a\u2028b") is None  # a line separator is a separator, not a control
    assert refused_character("line\nbreak", allow="\n") is None
