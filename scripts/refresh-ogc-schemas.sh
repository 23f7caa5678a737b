#!/usr/bin/env bash
# Re-download the OGC API – Features Part 1 JSON schemas (and the OGC licence) into
# tests/conformance/ogcapi/schemas/ from GitHub's raw files. For operators with internet access; the
# tests never run it. Usage: scripts/refresh-ogc-schemas.sh [COMMIT-OR-BRANCH] (default: master).
set -euo pipefail
ref="${1:-master}"
raw="https://raw.githubusercontent.com/opengeospatial/ogcapi-features/${ref}"
dest="$(cd "$(dirname "$0")/.." && pwd)/tests/conformance/ogcapi/schemas"
for yaml in "$dest"/*.yaml; do
  name="$(basename "$yaml")"
  curl --fail --silent --show-error --location -o "$yaml" "${raw}/core/openapi/schemas/${name}"
done
curl --fail --silent --show-error --location -o "$dest/LICENSE" "${raw}/LICENSE"
echo "Refreshed $(ls "$dest"/*.yaml | wc -l) schemas from ${ref}; update the commit in $dest/README.md."
