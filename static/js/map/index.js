/* Mängelmelder Sachsen – maps (progressive enhancement: every page works without this script).
   Entry point of the map bundle: esbuild (scripts/build-js.sh) bundles these modules into the classic
   script static/js/map.js, which the pages load after Leaflet. It publishes the functions the form
   scripts use on ``window.MM`` (forms.js, place-search.js and the form scripts add theirs) and sets up
   the page's map from its [data-map] element. The modules, by concern:
     util.js     page configuration (#map-config), formatting, task scheduling
     setup.js    map set-up: Leaflet, the optional basemap, our commune borders (borders.js)
     status.js   a report's status symbol and marker icon
     tiles.js    report vector tiles (counts when zoomed out), decoded with @mapbox/vector-tile
     reports.js  report markers: tiles when zoomed out, clustered GeoJSON when zoomed in
     pick.js     place picking in the forms (typed coordinate, draggable pin)
     permits.js  approved special uses: the switchable layer, popups, a permit's area
     staff.js    the back office's maps: work queue, permit review, parking zone review,
                 the report page's place correction */
import { areaMap, permitStyle, permitsLayer } from "./permits.js";
import { parseCoord, pickMarker } from "./pick.js";
import { reportsLayer } from "./reports.js";
import { createMap, regionMap } from "./setup.js";
import { correctionPicker, permitReviewMap, queueMap, zonesMap } from "./staff.js";
import { statusIcon, statusInfo } from "./status.js";
import { decodeTile } from "./tiles.js";
import { config, format, formatCount, later } from "./util.js";

var MM = (window.MM = window.MM || {});
MM.config = config;
MM.formatCount = formatCount;
MM.format = format;
MM.statusInfo = statusInfo;
MM.statusIcon = statusIcon;
MM.later = later;
MM.createMap = createMap;
MM.regionMap = regionMap;
MM.parseCoord = parseCoord;
MM.pickMarker = pickMarker;
MM.decodeTile = decodeTile;
MM.reportsLayer = reportsLayer;
MM.permitStyle = permitStyle;
MM.permitsLayer = permitsLayer;

/* API filters from the element's data-filter-* attributes (data-filter-commune → commune). */
function filtersFrom(element) {
  var filters = {};
  Object.keys(element.dataset).forEach(function (key) {
    if (key.indexOf("filter") === 0) filters[key.slice(6).toLowerCase()] = element.dataset[key];
  });
  return filters;
}

function init() {
  if (!window.L) return;
  var element = document.querySelector("[data-map]");
  if (!element) return;
  var kind = element.getAttribute("data-map");
  if (kind === "report") {
    var lat = parseFloat(element.dataset.lat);
    var lon = parseFloat(element.dataset.lon);
    var map = regionMap(element, { view: [lat, lon, 16], communeUrl: element.dataset.communeUrl });
    L.marker([lat, lon], { icon: statusIcon(element.dataset.status), keyboard: false, interactive: false }).addTo(map);
    if (element.dataset.pickForm) correctionPicker(map, element);
  } else if (kind === "reports") {
    var filters = filtersFrom(element);
    var listMap = regionMap(element, { fitHighlight: !!filters.commune });
    reportsLayer(listMap, filters, { keyboard: true });
    permitsLayer(listMap);
  } else if (kind === "area") {
    areaMap(element);
  } else if (kind === "queue") {
    queueMap(element);
  } else if (kind === "permit") {
    permitReviewMap(element);
  } else if (kind === "zones") {
    zonesMap(element);
  }
  // kinds "pick", "draw" and "parking" are set up by their form scripts
}

document.addEventListener("DOMContentLoaded", init);
