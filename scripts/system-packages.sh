#!/usr/bin/env bash
# Install the Debian packages GeoDjango and the tests need, but only those that are missing.
# Usage: scripts/system-packages.sh [--with-browser | --with-ops]
set -euo pipefail

# gettext: msgfmt compiles the English translation (locale/en) in the make targets.
# WeasyPrint (PDF notices) needs Pango with HarfBuzz; DejaVu is the font embedded in the PDF/A files.
# osmium-tool: the tests write a small .osm.pbf for load_addresses (GDAL reads PBF but cannot write it).
# python3-gdal: GDAL's validate_gpkg.py checks the nightly GeoPackages (tests/conformance/gpkg), run by Debian's python3.
packages=(postgresql-15 postgresql-15-postgis-3 postgresql-client-15 gdal-bin libgdal-dev libgeos-c1v5 libproj25 gettext
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core osmium-tool python3-gdal)
# --with-ops: what the operations benchmarks and `make cluster-test` start themselves (not `make test`):
# PgBouncer (bench/load/pooling.py), nginx as load balancer and iproute2 for network namespaces.
if [ "${1:-}" = "--with-ops" ]; then
  packages+=(pgbouncer nginx-light iproute2)
fi
if [ "${1:-}" = "--with-browser" ]; then
  packages+=(chromium)
  # The notice tests read the PDFs back: pdftotext/pdftoppm (poppler) and zbarimg (the GiroCode).
  packages+=(poppler-utils zbar-tools)
  # The Nu Html Checker (npm vnu-jar, tests/conformance/html) is a Java program: Debian's headless JRE runs it.
  packages+=(default-jre-headless)
  # npm installs axe-core for the accessibility scan. A Node.js that brings its own npm (e.g. NodeSource's
  # nodejs package) is fine; Debian's npm package would conflict with it, so it is added only when missing.
  command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Fehlende Systempakete: ${missing[*]} — dieses System hat kein apt-get (Debian 12 erwartet)." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Fehlende Systempakete: ${missing[*]} — bitte als root ausführen: apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi
echo ">> Installiere Systempakete: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# A fresh container has empty package lists; update only when an install attempt cannot find a package.
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
