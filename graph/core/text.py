"""Which characters a person's text may hold: names and reasons are shown in back offices,
terminals and CSV files, so control and formatting characters (terminal escapes, right-to-left
overrides, byte-order marks, zero-width joiners), surrogates and non-characters are refused."""

from __future__ import annotations

import unicodedata

from graph.core.errors import BadInput

# Unicode general categories refused in names: Cc control, Cf format, Cs surrogate,
# Co private use, Cn unassigned (U+FFFF, U+FFFE and the other non-characters among them).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def refused_character(text: str, allow: str = "") -> str | None:
    """The first character of `text` a name may not hold (characters in `allow` excepted)."""
    if text.isprintable():  # C code: no character of an "Other" category (nor a separator but space)
        return None
    for char in text:
        if char not in allow and unicodedata.category(char) in REFUSED_CATEGORIES:
            return char
    return None


def check_plain_text(text: str, field: str, allow: str = "") -> str:
    char = refused_character(text, allow)
    if char is not None:
        raise BadInput(f"{field}: must not contain control or formatting characters (found U+{ord(char):04X})")
    return text
