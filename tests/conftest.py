"""Tests run against a real embedded FalkorDB: one server per test session, one graph per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings
from starlette.testclient import TestClient

from graph.service import Refnet
from graph.store.embedded import EmbeddedFalkor
from graph.store.falkor_store import FalkorStore
from tests.support.db import graph_numbers

# CI explores the same examples on every run (a red CI is reproducible, never a coin toss);
# developers' runs draw new examples each time. HYPOTHESIS_PROFILE overrides either.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def falkor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorStore]:
    server = EmbeddedFalkor(tmp_path_factory.mktemp("falkordb"))
    server.start()
    store = FalkorStore.from_socket(server.socket_path, "unused", server=server)
    yield store
    store.close()


@pytest.fixture
def store(falkor: FalkorStore) -> FalkorStore:
    """A fresh, empty graph for this test."""
    return falkor.with_graph(f"test_{next(graph_numbers)}")


@pytest.fixture
def plan() -> Any:
    """The plan the engine runs in a test; tests of other plans override this fixture."""
    try:
        from graph.core.plan import load_plan
    except ImportError:
        return None
    return load_plan("linkage-3plus1")


@pytest.fixture
def rn(store: FalkorStore, plan: Any) -> Refnet:
    return Refnet.start(store, plan)


class GraphQLClient:
    def __init__(self, client: TestClient) -> None:
        self.http = client

    def __call__(self, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    def ok(self, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
        """The data of a request that must succeed."""
        body = self(query, token, **variables)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def error(self, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
        """The first error of a request that must fail."""
        body = self(query, token, **variables)
        assert body.get("errors"), body
        return body["errors"][0]


@pytest.fixture
def gql(rn: Refnet) -> Iterator[GraphQLClient]:
    from api.app import create_app

    with TestClient(create_app(lambda: rn, jobs=[])) as client:
        yield GraphQLClient(client)


# Fixtures that stand on the session's database server (store, rn and gql use `falkor`).
DATABASE_FIXTURES = frozenset({"falkor"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks `unit` every test that needs no database: no database fixture, not marked `integration`."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("integration") is None and not fixtures & DATABASE_FIXTURES:
            item.add_marker(pytest.mark.unit)


@pytest.fixture(autouse=True)
def _unit_tests_start_no_database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A `unit` test that starts an embedded database fails, so `pytest -m unit` stays fast."""
    if request.node.get_closest_marker("unit") is None:
        return

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"{request.node.nodeid} starts a database: mark it `@pytest.mark.integration`")

    monkeypatch.setattr(EmbeddedFalkor, "start", refuse)
