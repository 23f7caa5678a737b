/* Report markers for the visible area: vector tiles (tiles.js) when zoomed out, the reports themselves
   as GeoJSON from /api/v1/reports/?bbox=…, clustered with Leaflet.markercluster, when zoomed in. Each
   report has a symbol and a title, so the status is not told by colour alone. */
import { statusIcon, statusInfo } from "./status.js";
import { GEOJSON_MIN_ZOOM, reportTiles, TILE_FILTERS } from "./tiles.js";
import { bboxOf, config, format, later } from "./util.js";

function popupContent(props) {
  var cfg = config();
  var info = statusInfo(props.status);
  var wrap = document.createElement("div");
  var link = document.createElement("a");
  link.href = cfg.detailUrl.replace("__ID__", encodeURIComponent(props.id));
  link.textContent = props.category_name + " (" + props.id + ")";
  var status = document.createElement("p");
  status.textContent = info.symbol + " " + info.label;
  var date = document.createElement("p");
  date.textContent = format(cfg.texts.reported, {
    date: new Date(props.created).toLocaleDateString(document.documentElement.lang)
  });
  wrap.appendChild(link);
  wrap.appendChild(status);
  wrap.appendChild(date);
  return wrap;
}

function clusterIcon(cluster) {
  return L.divIcon({
    className: "",
    html: '<span class="mm-cluster">' + cluster.getChildCount() + "</span>",
    iconSize: [40, 40]
  });
}

/* Leaflet.markercluster, loaded only when single reports are first shown (the pages name its URL in
   #mm-markercluster): a report's page and the forms never need it, `/` and `/meldungen/` only from
   zoom 14 on, and evaluating it costs a phone ~50 ms. */
var clusterScript = null;
function clusterLibrary() {
  if (L.markerClusterGroup) return Promise.resolve();
  if (!clusterScript) {
    clusterScript = new Promise(function (resolve, reject) {
      var source = document.getElementById("mm-markercluster");
      if (!source) return reject(new Error("Leaflet.markercluster is missing"));
      var script = document.createElement("script");
      script.src = JSON.parse(source.textContent);
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  return clusterScript;
}

/* Reports for the visible area. ``filters`` are API query parameters. Below GEOJSON_MIN_ZOOM the
   server's vector tiles (counts per commune or grid cell) are shown, so a statewide view counts every
   report; from there on the reports themselves come as GeoJSON, clustered. Filters the tiles do not
   know (e.g. ``commune``) keep GeoJSON at every zoom. */
export function reportsLayer(map, filters, options) {
  var cfg = config();
  options = options || {};
  filters = filters || {};
  var container = map.getContainer();
  var group = null; // the clustered GeoJSON markers, made when first needed (clusterLibrary)
  var tileParams = new URLSearchParams();
  var tilesUsable = !!cfg.reportTilesUrl && !!window.mapboxVectorTile; // the page loads the decoder
  Object.keys(filters).forEach(function (key) {
    if (!filters[key]) return;
    if (TILE_FILTERS.indexOf(key) === -1) tilesUsable = false;
    else tileParams.set(key, filters[key]);
  });
  var tiles = null;
  var tileTarget = L.layerGroup();
  if (tilesUsable) {
    var query = tileParams.toString();
    tiles = reportTiles(cfg.reportTilesUrl + (query ? "?" + query : ""), tileTarget, options);
    tiles.on("featurecount", function () {
      container.setAttribute("data-tile-features", String(tiles.drawn));
    });
  }
  var controller = null;
  var timer = null;

  function load() {
    if (!group || !map.hasLayer(group)) return;
    var params = new URLSearchParams(filters);
    params.set("bbox", bboxOf(map));
    params.set("page_size", "1000");
    if (controller) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    fetch(cfg.reportsUrl + "?" + params.toString(), {
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (data) {
        if (!map.hasLayer(group)) return;
        group.clearLayers();
        group.addLayers(data.features.map(function (f) {
          var p = f.properties;
          var info = statusInfo(p.status);
          var marker = L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
            icon: statusIcon(p.status),
            title: p.category_name + " – " + info.label + " (" + p.id + ")",
            keyboard: options.keyboard !== false
          });
          marker.bindPopup(function () { return popupContent(p); });
          return marker;
        }));
        container.setAttribute("data-reports-loaded", String(data.features.length));
      })
      .catch(function () { /* aborted or offline: keep what is shown */ });
  }

  /* Swap tiles and GeoJSON for the current zoom; true when GeoJSON is shown. */
  function switchMode() {
    var useTiles = tilesUsable && map.getZoom() < GEOJSON_MIN_ZOOM;
    container.setAttribute("data-reports-mode", useTiles ? "tiles" : "geojson");
    if (useTiles) {
      clearTimeout(timer); // a GeoJSON request still running finds the group removed and is ignored
      if (group && map.hasLayer(group)) {
        map.removeLayer(group);
        group.clearLayers();
      }
      if (!map.hasLayer(tiles)) {
        map.addLayer(tileTarget);
        map.addLayer(tiles);
      }
      return false;
    }
    if (tiles && map.hasLayer(tiles)) {
      map.removeLayer(tiles); // unloads every tile and so removes its markers
      map.removeLayer(tileTarget);
    }
    if (!group) {
      clusterLibrary().then(function () {
        if (group) return;
        group = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45, iconCreateFunction: clusterIcon });
        if (container.getAttribute("data-reports-mode") !== "geojson") return;
        map.addLayer(group);
        clearTimeout(timer); // one request: a load the move scheduled would abort this one
        load();
      });
    } else if (!map.hasLayer(group)) {
      map.addLayer(group);
    }
    return true;
  }

  map.on("zoomend", switchMode);
  map.on("moveend", function () {
    if (!switchMode()) return;
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  later(function () { if (switchMode()) load(); });
}
