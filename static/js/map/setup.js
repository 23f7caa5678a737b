/* Map set-up: a Leaflet map over Saxony with the optional basemap and our commune borders. Every page
   and form script starts with regionMap. */
import { bordersLayer } from "./borders.js";
import { config, escapeHtml } from "./util.js";

var SAXONY = [[50.17, 11.87], [51.69, 15.04]];

/* A Leaflet map with optional basemap and our borders layer; returns the map. ``options``: view
   ([lat, lon, zoom] to start with instead of all Saxony), communeUrl (draw only this commune's outline,
   an /api/v1/communes/<ags>/ URL), fitHighlight (see bordersLayer). */
export function createMap(element, options) {
  var cfg = config();
  options = options || {};
  element.innerHTML = "";
  // no fade-in of tiles: it repaints the map every frame for a quarter second after each load
  var map = L.map(element, { minZoom: 6, maxZoom: 19, zoomSnap: 0.5, fadeAnimation: false });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  if (cfg.tileUrl) {
    L.tileLayer(cfg.tileUrl, {
      // the server's HTML (its URLs as named links, the rest escaped), else the plain text escaped
      attribution: cfg.tileAttributionHtml || escapeHtml(cfg.tileAttribution || ""),
      maxZoom: 19,
      maxNativeZoom: 18
    }).addTo(map);
  }
  if (options.view) map.setView([options.view[0], options.view[1]], options.view[2]);
  else map.fitBounds(SAXONY);
  bordersLayer(map, options);
  element.leafletMap = map; // for tests and page scripts
  return map;
}

/* The map in ``element`` as a labelled region (createMap's options); null without Leaflet, when the
   page's fields and lists carry the same information. Every page and form script starts here. */
export function regionMap(element, options) {
  if (!window.L || !element) return null;
  element.setAttribute("role", "region");
  element.setAttribute("aria-label", config().texts.mapLabel);
  return createMap(element, options);
}
