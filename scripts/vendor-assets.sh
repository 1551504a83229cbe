#!/usr/bin/env bash
# Refreshes the back office's vendored JavaScript and CSS (api/web/static/vendor/) from the npm
# registry: GraphiQL and the React UMD builds it runs on. Pinned versions below; each package's
# license is copied beside its files and VERSIONS.txt records what was fetched (with integrity).
# Run it after changing a version, review the diff, commit the files (not node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."

GRAPHIQL=3.9.0   # the last major line that ships a UMD bundle (graphiql.min.js)
REACT=18.3.1     # React 19 no longer ships UMD builds

dest=api/web/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch PACKAGE VERSION TARGET FILE...
  local package=$1 version=$2 target=$3; shift 3
  (cd "$work" && npm pack --silent "$package@$version" >/dev/null)
  local tarball="$work/${package}-${version}.tgz"
  mkdir -p "$work/$package" "$dest/$target"
  tar xzf "$tarball" -C "$work/$package"
  for file in "$@"; do cp "$work/$package/package/$file" "$dest/$target/"; done
  cp "$work/$package/package/LICENSE" "$dest/$target/LICENSE"
  local integrity
  integrity=$(npm view "$package@$version" dist.integrity)
  echo "$package $version $integrity" >> "$work/VERSIONS.txt"
}

fetch graphiql "$GRAPHIQL" graphiql graphiql.min.js graphiql.min.css
fetch react "$REACT" react umd/react.production.min.js
fetch react-dom "$REACT" react-dom umd/react-dom.production.min.js
mv "$work/VERSIONS.txt" "$dest/VERSIONS.txt"
echo "vendored into $dest:"; cat "$dest/VERSIONS.txt"
