#!/usr/bin/env bash
# Download GovData's DCAT-AP.de 3.0 SHACL profile and the vocabularies it imports again into
# tests/conformance/dcat/shapes/ (see the README there). Needs internet; the tests never run it.
# Afterwards: run tests/conformance/dcat, look at `git diff`, and update the commits in the README.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=tests/conformance/dcat/shapes
VOC="$DIR/vocabularies"
PY=.venv/bin/python
GOVDATA=https://raw.githubusercontent.com/GovDataOfficial/DCAT-AP.de-SHACL-Validation/master
SEMIC=https://raw.githubusercontent.com/init-dcat-ap-de/DCAT-AP/master/releases/3.0.0/shacl/dcat-ap-SHACL.ttl
EU=http://publications.europa.eu/resource/authority

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
get() {  # URL TARGET [Accept]: fail on HTTP errors, follow redirects, write only when complete
  curl -fsSL --retry 2 -H "Accept: ${3:-*/*}" -o "$tmp/download" "$1"
  mv "$tmp/download" "$2"
  echo ">> $2 ← $1"
}

get "$SEMIC" "$DIR/dcat-ap-SHACL.ttl"
for f in dcat-ap-de-imports.ttl dcat-ap-SHACL-DE.ttl dcat-ap-de-deprecated.ttl dcat-ap-spec-german-additions.ttl \
  dcat-ap-de-controlledvocabularies.ttl; do
  get "$GOVDATA/validator/resources/v3.0/shapes/$f" "$DIR/$f"
done
get "$GOVDATA/LICENSE" "$DIR/LICENSE-GovData-AGPL-3.0"
get "$GOVDATA/validator/resources/dashboard-live/shapes/dcat-ap-de-contributors.rdf" "$VOC/dcat-ap-de-contributors.rdf"
get "$GOVDATA/validator/resources/dashboard-alpha/shapes/dcat-ap-de-licenses-open.rdf" "$VOC/dcat-ap-de-licenses-open.rdf"
get https://www.dcat-ap.de/def/politicalGeocoding/Level/1_0.rdf "$VOC/dcat-ap-de-geocoding-level.rdf"

# The EU tables are megabytes each: keep the scheme membership only (scripts/dcat_vocabulary_extract.py).
for table in language data-theme file-type; do
  get "$EU/$table" "$tmp/$table.rdf" application/rdf+xml
  "$PY" scripts/dcat_vocabulary_extract.py "$tmp/$table.rdf" "$EU/$table" "$VOC/eu-$table.ttl" \
    "$EU/$table (downloaded $(date -u +%F))"
done
# Everything supplement.ttl restated by hand now comes from the official tables.
rm -f "$VOC/supplement.ttl"
echo ">> Fertig. Jetzt: pytest tests/conformance/dcat, git diff prüfen, Commits in $DIR/README.md eintragen."
