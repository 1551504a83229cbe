"""Abusive GraphQL documents against a floor: how long refusing them takes, and how long
/healthz answers meanwhile, as ratios of a plain `{ plans { version } }` request.

    python -m bench.abuse
"""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

from starlette.testclient import TestClient

from bench.common import engine


def timed(post, body: dict, runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        post(body)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    from api.app import create_app

    with engine() as rn, TestClient(create_app(lambda: rn, jobs=[])) as http:
        def post(body: dict) -> None:
            http.post("/graphql", json=body)

        floor = timed(post, {"query": "{ plans { version } }"})
        documents = {
            "10,000 aliases (243 KiB)": "{ " + " ".join(f"a{i}: plans {{ version }}" for i in range(10_000)) + " }",
            "1,500 aliases (under the size limit)": "{ " + " ".join(f"a{i}:plans{{version}}" for i in range(1_500))
                                                   + " }",
            "nested lists (cost)": '{ member(id: "x") { ' + "directReferrals { " * 5 + "id" + " }" * 5 + " } }",
        }
        print(f"floor: plain query {floor * 1000:.2f} ms")
        for name, document in documents.items():
            took = timed(post, {"query": document})
            health: list[float] = []
            def flood(document: str = document) -> None:
                for _ in range(5):
                    post({"query": document})

            worker = threading.Thread(target=flood)
            worker.start()
            while worker.is_alive():
                start = time.perf_counter()
                http.get("/healthz")
                health.append(time.perf_counter() - start)
            worker.join()
            print(f"{name:<40} refused in {took * 1000:8.2f} ms = {took / floor:6.1f}× floor; "
                  f"/healthz meanwhile median {statistics.median(health or [0]) * 1000:.2f} ms")
    print("load average:", Path("/proc/loadavg").read_text().strip())


if __name__ == "__main__":
    main()
