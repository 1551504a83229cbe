"""Graph names for tests: every test gets its own graph on the one session server."""

import itertools

graph_numbers = itertools.count()
