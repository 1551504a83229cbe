"""Neo4j 5 backend, through the official driver: one query, one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import neo4j

from graph.core.errors import Unavailable
from graph.store.store import Row, query_text


class Neo4jStore:
    backend = "neo4j"

    def __init__(self, url: str, user: str, password: str, database: str | None = None) -> None:
        self._driver = neo4j.GraphDatabase.driver(url, auth=(user, password))
        self._database = database

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        return self.run_text(query_text(name), params)

    def prepare(self, name: str, params: Mapping[str, Any]) -> Any:
        return query_text(name), params

    def run_prepared(self, prepared: Any) -> list[Row]:
        text, params = prepared
        return self.run_text(text, params)

    def run_text(
        self,
        text: str,
        params: Mapping[str, Any] | None = None,
        *,
        read_only: bool = False,
        timeout_ms: int | None = None,
    ) -> list[Row]:
        # A transaction function takes its timeout from unit_of_work (tx.run refuses a Query).
        @neo4j.unit_of_work(timeout=timeout_ms / 1000 if timeout_ms else None)
        def rows(tx: neo4j.ManagedTransaction) -> list[Row]:
            return [record.data() for record in tx.run(text, dict(params or {}))]

        mode = neo4j.READ_ACCESS if read_only else neo4j.WRITE_ACCESS
        try:
            with self._driver.session(database=self._database, default_access_mode=mode) as session:
                return session.execute_read(rows) if read_only else session.execute_write(rows)
        except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired) as error:
            raise Unavailable("the database is unreachable; retry in a few seconds") from error

    def close(self) -> None:
        self._driver.close()
