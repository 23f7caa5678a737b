#!/usr/bin/env bash
# Copy the map libraries from node_modules/ into static/vendor/ (run after changing their versions in
# package.json: `npm install && npm run vendor`). The copies are committed, so `make run` needs neither
# npm nor the internet; static/vendor/README.md records name, version and licence of each.
set -euo pipefail
cd "$(dirname "$0")/.."

leaflet=static/vendor/leaflet
cluster=static/vendor/leaflet.markercluster
rm -rf "$leaflet" "$cluster"
mkdir -p "$leaflet/images" "$cluster"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$leaflet/"
cp node_modules/leaflet/dist/images/*.png "$leaflet/images/"
cp node_modules/leaflet/LICENSE "$leaflet/LICENSE"
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
   node_modules/leaflet.markercluster/dist/MarkerCluster.css \
   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css "$cluster/"
cp node_modules/leaflet.markercluster/MIT-LICENCE.txt "$cluster/LICENSE"
find "$leaflet" "$cluster" -type f -exec chmod 644 {} +
# The minified files point at source maps we do not ship; drop the comment so browsers do not ask for them.
sed -i '/^\/\/# sourceMappingURL=/d' "$leaflet/leaflet.js" "$cluster/leaflet.markercluster.js"
echo "leaflet $(node -p 'require("./node_modules/leaflet/package.json").version'), leaflet.markercluster $(node -p 'require("./node_modules/leaflet.markercluster/package.json").version')"
