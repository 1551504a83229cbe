"""The back office at /app: page routes (`pages`), the reads they need (`queries`) and the
vendored assets in `static/` (refreshed by scripts/vendor-assets.sh)."""
