"""Shared builders for the tests: networks, GraphQL helpers per feature, independent models of
the rules. Tests import from here, never from each other."""
