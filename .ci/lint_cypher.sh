#!/usr/bin/env bash
# Lints cypher/**/*.cypher (or the directory given as $1) as Neo4j 5 Cypher.
# Installs Node on a fresh Debian machine and the pinned linter into .ci/node_modules.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "lint_cypher.sh: node/npm missing, installing from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq nodejs npm >/dev/null
fi

# Install only when the pinned linter is not already there (npm ci wipes node_modules).
# Its engines field asks for a newer Node than Debian ships; it runs fine on Node 20.
pinned="$(node -p "require('$here/package.json').dependencies['@neo4j-cypher/language-support']")"
installed="$(node -p "try { require('$here/node_modules/@neo4j-cypher/language-support/package.json').version } catch { '' }")"
if [ "$installed" != "$pinned" ]; then
  if [ -f "$here/package-lock.json" ]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  else
    (cd "$here" && npm install --no-audit --no-fund --loglevel=error)
  fi
fi

exec node "$here/lint_cypher.mjs" "$@"
