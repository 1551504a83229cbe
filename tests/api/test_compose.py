"""Deployment files: docker-compose.yml wires refnet to Neo4j 5, and the CI Cypher lint bites.

No docker engine runs here, so the compose file is checked by parsing it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.support.paths import REPO

ROOT = REPO


def _interpolate(value: object) -> str:
    """Compose's `${VAR:-default}` / `${VAR:?msg}` / `${VAR}` with an empty environment,
    so the test sees what a plain `docker compose up` gets by default."""
    return re.sub(
        r"\$\{(\w+)(?::?([-?])([^}]*))?\}",
        lambda m: m.group(3) if m.group(2) == "-" else "",
        str(value),
    )


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the `- KEY=value` form
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: _interpolate(v) for k, v in env.items()}


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def _neo4j_name(services: dict) -> str:
    names = [n for n, s in services.items() if str(s.get("image", "")).startswith("neo4j:5")]
    assert names, "no service runs an image neo4j:5*"
    return names[0]


def test_neo4j_service_runs_neo4j_5(services):
    name = _neo4j_name(services)
    auth = _env(services[name]).get("NEO4J_AUTH", "")
    assert re.fullmatch(r"neo4j/.{8,}", auth), "NEO4J_AUTH must be neo4j/<password of 8+ chars>"
    assert "healthcheck" in services[name]


def test_refnet_points_at_the_neo4j_service(services):
    env = _env(services["refnet"])
    url = urlsplit(env["REFNET_GRAPH_URL"])
    assert url.scheme in ("bolt", "neo4j")
    assert url.hostname == _neo4j_name(services)


def test_refnet_credentials_match_neo4j_auth(services):
    user, password = _env(services[_neo4j_name(services)])["NEO4J_AUTH"].split("/", 1)
    env = _env(services["refnet"])
    assert env["REFNET_GRAPH_USER"] == user
    assert env["REFNET_GRAPH_PASSWORD"] == password
    assert "REFNET_ADMIN_TOKEN" in env


def test_refnet_waits_for_healthy_neo4j(services):
    depends = services["refnet"]["depends_on"]
    name = _neo4j_name(services)
    assert name in depends
    if isinstance(depends, dict):
        assert depends[name].get("condition") == "service_healthy"


GOOD = """// Comment lines first, like the real files.
MATCH (m:Member {id: $id})-[:SPONSORED_BY*1..64]->(u:Member)
RETURN u.id AS id
"""
BROKEN = """// exists(n.p) is gone in Neo4j 5.
MATCH (m:Member {id: $id})
WHERE exists(m.name)
RETURN m.id AS id
"""


def _lint(directory: Path) -> subprocess.CompletedProcess[str]:
    # lint_cypher.sh installs the pinned linter into .ci/node_modules when it is missing.
    return subprocess.run(
        ["bash", str(ROOT / ".ci" / "lint_cypher.sh"), str(directory)],
        capture_output=True, text=True, timeout=300,
    )


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed: the Neo4j Cypher lint needs Node.js")
def test_cypher_lint_passes_good_and_fails_broken(tmp_path):
    (tmp_path / "good.cypher").write_text(GOOD)
    ok = _lint(tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr

    (tmp_path / "nested").mkdir()  # the lint is recursive
    (tmp_path / "nested" / "broken.cypher").write_text(BROKEN)
    bad = _lint(tmp_path)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert re.search(r"broken\.cypher:3:\d+: error: .*exists", bad.stdout), bad.stdout
    assert "good.cypher" not in bad.stdout  # only the broken file is reported
