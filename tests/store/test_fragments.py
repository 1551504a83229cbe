"""The shared query parts (`cypher/**/*.fragment`, the one ledger writer among them): every
include names one fragment, every fragment is included, and a loaded query holds no include
and no whole-line comment (the database logs and parses every statement's text)."""

from __future__ import annotations

from graph.store import store


def test_every_include_resolves_and_every_fragment_is_used() -> None:
    included: set[str] = set()
    for name, path in store.query_files().items():
        raw = path.read_text(encoding="utf-8")
        for match in store.INCLUDE.finditer(raw):
            store.fragment_text(match[1])  # raises LookupError for a name without one file
            included.add(match[1])
        assert not store.INCLUDE.search(store.query_text(name)), name
    for fragment in store.fragment_files():
        assert not store.INCLUDE.search(store.expand(store.fragment_text(fragment))), fragment
        included |= {m[1] for m in store.INCLUDE.finditer(store.fragment_text(fragment))}
    assert set(store.fragment_files()) == included


def test_every_booking_statement_creates_entries_with_the_one_writer() -> None:
    creating = {name for name, path in store.query_files().items() if "CREATE (x:Entry" in store.query_text(name)}
    by_include = {name for name, path in store.query_files().items()
                  if "// include: ledger/entries" in path.read_text(encoding="utf-8")}
    assert creating == by_include
    assert {"ledger/order_record", "ledger/refund_record", "plans/linkage/period_close_book",
            "plans/differential/differential_book", "plans/family/period_close"} <= creating


def test_a_loaded_query_is_its_statement_without_its_whole_line_comments() -> None:
    for name in store.query_files():
        loaded = store.query_text(name)
        written = store.expand(store.query_files()[name].read_text(encoding="utf-8"))
        kept = [line for line in written.splitlines() if not line.lstrip().startswith("//")]
        assert loaded.splitlines() == kept, name
