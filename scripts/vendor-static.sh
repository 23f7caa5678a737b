#!/usr/bin/env bash
# Copy the map libraries from node_modules/ into static/vendor/ (run after changing their versions in
# package.json: `npm install && npm run vendor`). The copies are committed, so `make run` needs neither
# npm nor the internet; static/vendor/README.md records name, version and licence of each.
set -euo pipefail
cd "$(dirname "$0")/.."

leaflet=static/vendor/leaflet
cluster=static/vendor/leaflet.markercluster
geoman=static/vendor/leaflet-geoman
vt=static/vendor/vector-tile
jsqr=static/vendor/jsqr
rm -rf "$leaflet" "$cluster" "$geoman" "$vt" "$jsqr"
mkdir -p "$leaflet/images" "$cluster" "$geoman" "$vt" "$jsqr"
# QR decoding from the camera on /kontrolle/ (parking card checks).
cp node_modules/jsqr/dist/jsQR.js "$jsqr/"
cp node_modules/jsqr/LICENSE "$jsqr/LICENSE"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$leaflet/"
cp node_modules/leaflet/dist/images/*.png "$leaflet/images/"
cp node_modules/leaflet/LICENSE "$leaflet/LICENSE"
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
   node_modules/leaflet.markercluster/dist/MarkerCluster.css \
   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css "$cluster/"
cp node_modules/leaflet.markercluster/MIT-LICENCE.txt "$cluster/LICENSE"
# Drawing the area of a Sondernutzung (only the application page loads it).
cp node_modules/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js \
   node_modules/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css "$geoman/"
cp node_modules/@geoman-io/leaflet-geoman-free/LICENSE "$geoman/LICENSE"
# Its minified bundle contains its npm dependencies (Turf modules, lodash, polyclip-ts …) without their
# licence notices: collect them, walking the installed dependency tree.
node -e '
  const fs = require("fs"), path = require("path");
  const seen = new Set(), out = [];
  (function walk(name, from) {
    let dir = from, up = from;  // node_modules lookup, nearest first (package "exports" hide package.json)
    while (!fs.existsSync(dir = path.join(up, "node_modules", name, "package.json"))) up = path.dirname(up);
    dir = path.dirname(dir);
    if (seen.has(dir)) return;
    seen.add(dir);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json")));
    if (name !== "@geoman-io/leaflet-geoman-free") {
      const file = fs.readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
      out.push("== " + pkg.name + " " + pkg.version + " (" + pkg.license + ") ==\n\n" +
               (file ? fs.readFileSync(path.join(dir, file), "utf8").trim() : "(no licence file)") + "\n");
    }
    Object.keys(pkg.dependencies || {}).forEach((dep) => walk(dep, dir));
  })("@geoman-io/leaflet-geoman-free", process.cwd());
  out.sort();
  fs.writeFileSync(process.argv[1], out.join("\n"));
' "$geoman/THIRD-PARTY-LICENSES"
# Decoding the report vector tiles: @mapbox/vector-tile and pbf publish ES modules only (pbf's UMD file
# alone is not enough, vector-tile imports @mapbox/point-geometry by bare name), so the pinned esbuild
# bundles the three into one classic script with the global `mapboxVectorTile` = {VectorTile, PbfReader}.
# Same inputs and esbuild version → the same bytes; the code itself is not changed, only minified.
version() { node -p "require('./node_modules/$1/package.json').version"; }
banner="/* @mapbox/vector-tile $(version @mapbox/vector-tile), pbf $(version pbf), @mapbox/point-geometry"
banner+=" $(version @mapbox/point-geometry), bundled by esbuild $(version esbuild); licences: LICENSE, THIRD-PARTY-LICENSES */"
printf 'export { VectorTile } from "@mapbox/vector-tile";\nexport { PbfReader } from "pbf";\n' |
  node_modules/.bin/esbuild --banner:js="$banner" --bundle --format=iife --global-name=mapboxVectorTile --target=es2018 \
    --minify --legal-comments=none --sourcefile=vector-tile-entry.js --log-level=warning \
    --outfile="$vt/vector-tile.min.js"
cp node_modules/@mapbox/vector-tile/LICENSE.txt "$vt/LICENSE"
{
  for pkg in pbf @mapbox/point-geometry; do
    echo "== $pkg $(node -p "require('./node_modules/$pkg/package.json').version")" \
         "($(node -p "require('./node_modules/$pkg/package.json').license")) =="
    echo
    cat "node_modules/$pkg/LICENSE"
    echo
  done
} > "$vt/THIRD-PARTY-LICENSES"
find "$leaflet" "$cluster" "$geoman" "$vt" -type f -exec chmod 644 {} +
# The minified files point at source maps we do not ship; drop the comment so browsers do not ask for them.
sed -i '/^\/\/# sourceMappingURL=/d' "$leaflet/leaflet.js" "$cluster/leaflet.markercluster.js" "$geoman/leaflet-geoman.min.js"
sed -i '/^\/\*# sourceMappingURL=.*\*\/$/d' "$geoman/leaflet-geoman.css"
echo "leaflet $(version leaflet), leaflet.markercluster $(version leaflet.markercluster)," \
     "@geoman-io/leaflet-geoman-free $(version @geoman-io/leaflet-geoman-free)," \
     "@mapbox/vector-tile $(version @mapbox/vector-tile) + pbf $(version pbf) (esbuild $(version esbuild))"
