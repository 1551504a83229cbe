"""The back office at /app: page routes (`pages`), the reads they need (`queries`), the vendored
assets in `static/` (refreshed by scripts/vendor-assets.sh) and, until the sign-in issue lands,
its provisional stand-in (`provisional_access`)."""
