"""FalkorDB's index garbage, and the rebuild that frees it (issue 19).

FalkorDB keeps one search index per label. Every change of a node of an indexed label — a
counter moved by an order, an entry deleted by the archive move — gives the node a new document
id in that index, and the index's document table keeps growing with the highest id ever given
(measured: ~19 bytes per id, plus its key trie), whatever the label holds now. Its garbage
collector frees the postings, not that table. Month after month the members' counters alone
kept ~10 MB per 400,000 updates at 100,000 members.

Rebuilding the label's index gives back all of it. FalkorDB rebuilds a label's index whenever
its set of indexed properties changes, in the background, serving lookups and enforcing unique
constraints from the old index until the new one is built. So a rebuild is: index a property no
node has (`REBUILD_PROPERTY`), then drop that index again — the schema ends as it was.

Which labels need it is read from the index's own counters (`CALL db.indexes()`: documents and
the highest document id), not guessed: `needs_rebuild` is the rule. Neo4j has no such garbage;
there this is a no-op.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph.store.store import Store

log = logging.getLogger("refnet.store")

REBUILD_PROPERTY = "index_rebuild"  # never set on a node: indexing it only makes FalkorDB rebuild
GARBAGE_FLOOR = 10_000  # document ids (~300 KB): below this a rebuild is not worth its work


@dataclass(frozen=True)
class LabelIndex:
    label: str
    documents: int  # nodes in the index now
    max_doc_id: int  # the highest document id it ever gave: what its document table is sized by
    operational: bool  # False while FalkorDB (re)builds it


def needs_rebuild(index: LabelIndex, floor: int = GARBAGE_FLOOR) -> bool:
    """Rebuild once the ids given to gone documents are a quarter of the documents left and at
    least `floor`: a large label is rebuilt only when a quarter of it is garbage (its rebuild
    costs with its size), a label with a handful of nodes updated on every write (the graph's
    version) once its garbage reaches the floor."""
    garbage = index.max_doc_id - index.documents
    return index.operational and garbage >= max(floor, index.documents // 4)


def label_indexes(store: "Store") -> list[LabelIndex]:
    """Every label's index with its counters; a label being rebuilt shows as not operational."""
    found: dict[str, LabelIndex] = {}
    for row in store.run_text("CALL db.indexes() YIELD label, entitytype, status, info "
                              "RETURN label, entitytype, status, info"):
        if row["entitytype"] != "NODE":
            continue
        info = row["info"] or {}
        index = LabelIndex(row["label"], int(info.get("numDocuments", 0)), int(info.get("maxDocId", 0)),
                           row["status"] == "OPERATIONAL")
        earlier = found.get(index.label)
        found[index.label] = index if earlier is None else LabelIndex(
            index.label, max(index.documents, earlier.documents), max(index.max_doc_id, earlier.max_doc_id), False)
    return sorted(found.values(), key=lambda index: index.label)


def rebuild(store: "Store", label: str) -> None:
    """Asks FalkorDB to rebuild `label`'s index (see the module's docstring); returns at once."""
    store.run_text(f"CREATE INDEX FOR (n:{label}) ON (n.{REBUILD_PROPERTY})")
    store.run_text(f"DROP INDEX FOR (n:{label}) ON (n.{REBUILD_PROPERTY})")


def rebuild_with_garbage(store: "Store", floor: int | None = None) -> list[LabelIndex]:
    """Rebuilds every label index that `needs_rebuild`; returns them as they were (after a
    close and its archive move, and by `refnet archive`)."""
    if not store.backend.startswith("falkordb"):
        return []
    least = GARBAGE_FLOOR if floor is None else floor
    rebuilt = [index for index in label_indexes(store) if needs_rebuild(index, least)]
    for index in rebuilt:
        rebuild(store, index.label)
        log.info("rebuilt the index of %s: %d nodes, %d document ids given (%d of them garbage)",
                 index.label, index.documents, index.max_doc_id, index.max_doc_id - index.documents)
    return rebuilt
