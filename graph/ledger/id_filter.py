"""Bloom filters of the order ids of archived periods (issue 19): whether a new order's id was
archived is asked of DuckDB only for the periods whose filter says it may be there.

Reading an id from a period's orders.parquet costs DuckDB ~0.2 ms per file when the file's
statistics rule it out, and more than 1 ms when they cannot (a new id sorts among archived
ones): every recorded order would pay that for every archived month. A filter costs 10 bits per
archived order in the process (1.25 MB per million), is built once per process and file (a
recorded file never changes) from DuckDB's md5 of every id, and answers in microseconds; about
1 % of new ids still read the file.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

BITS_PER_ID = 10
HASHES = 7  # ~0.8 % false positives at 10 bits per id


def key_hash(key: str) -> int:
    """The 64-bit hash of an id, as DuckDB's `md5_number_lower(id)` computes it."""
    return int.from_bytes(hashlib.md5(key.encode("utf-8")).digest()[8:], "little")  # noqa: S324 -- not for security


@dataclass(frozen=True)
class IdFilter:
    """A Bloom filter (pure): `may_hold` is false only for ids that were not added."""

    bits: bytes  # packed, most significant bit first
    size: int  # bits

    @classmethod
    def of(cls, hashes: np.ndarray) -> "IdFilter":
        """The filter of the ids whose `key_hash`es are `hashes` (uint64)."""
        size = max(64, BITS_PER_ID * len(hashes))
        hashes = hashes.astype(np.uint64)
        low, high = hashes & np.uint64(0xFFFFFFFF), (hashes >> np.uint64(32)) | np.uint64(1)
        marked = np.zeros(size, dtype=bool)
        for n in range(HASHES):
            marked[(low + np.uint64(n) * high) % np.uint64(size)] = True
        return cls(np.packbits(marked).tobytes(), size)

    def may_hold(self, key: str) -> bool:
        return self.may_hold_hash(key_hash(key))

    def may_hold_hash(self, hashed: int) -> bool:
        """`may_hold` of the id whose `key_hash` is `hashed`."""
        low, high = hashed & 0xFFFFFFFF, (hashed >> 32) | 1
        for n in range(HASHES):
            bit = (low + n * high) % self.size
            if not self.bits[bit >> 3] & (0x80 >> (bit & 7)):
                return False
        return True


_filters: dict[tuple[str, int, int], IdFilter] = {}
_lock = threading.Lock()


def filter_of(path: str, hashes: Callable[[str], np.ndarray]) -> IdFilter:
    """The filter of a recorded file, built once per process and version of the file (a restore
    may put another file at the same path) from `hashes(path)`."""
    stat = os.stat(path)
    key = (path, stat.st_mtime_ns, stat.st_size)
    found = _filters.get(key)
    if found is None:
        with _lock:
            found = _filters.get(key)
            if found is None:
                found = _filters[key] = IdFilter.of(hashes(path))
    return found
