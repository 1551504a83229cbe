"""Graph names for tests: every test gets its own graph on the one session server."""

import itertools
from typing import Any

graph_numbers = itertools.count()


def counting(rn: Any) -> list[str]:
    """The names of the queries `rn` runs from now on (to check how many round trips a write makes)."""
    names: list[str] = []
    run = rn.store.run

    def counted(name: str, params: Any = None) -> Any:
        names.append(name)
        return run(name, params)

    rn.store.run = counted
    return names
