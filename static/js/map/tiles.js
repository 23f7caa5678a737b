/* The report vector tiles /tiles/reports/{z}/{x}/{y}.pbf, decoded with @mapbox/vector-tile + pbf
   (static/vendor/vector-tile/, the global ``mapboxVectorTile``): zoomed out, a count badge per commune
   or grid cell, so a statewide view counts every report; single reports where a cell holds one. */
import { statusIcon, statusInfo } from "./status.js";
import { config, escapeHtml, format, formatCount } from "./util.js";

export var GEOJSON_MIN_ZOOM = 14; // from here on every report is loaded as GeoJSON for the visible area
export var TILE_FILTERS = ["status", "category"]; // what /tiles/reports/… can filter by

/* ArrayBuffer of a vector tile → {layerName: {name, extent, features: [{id, type, properties, points}]}},
   ``points`` being every position of the feature's geometry in tile coordinates (0..extent). */
export function decodeTile(buffer) {
  var lib = window.mapboxVectorTile;
  var tile = new lib.VectorTile(new lib.PbfReader(new Uint8Array(buffer)));
  var layers = {};
  Object.keys(tile.layers).forEach(function (name) {
    var layer = tile.layers[name];
    var features = [];
    for (var i = 0; i < layer.length; i++) {
      var feature = layer.feature(i);
      var points = [];
      feature.loadGeometry().forEach(function (ring) {
        ring.forEach(function (p) { points.push([p.x, p.y]); });
      });
      features.push({
        id: feature.id === undefined ? null : feature.id,
        type: feature.type,
        properties: Object.assign({}, feature.properties),
        points: points
      });
    }
    layers[name] = { name: name, extent: layer.extent, features: features };
  });
  return layers;
}

function countLabel(count) {
  var t = config().texts;
  var n = formatCount(count);
  return format(count === 1 ? t.clusterOne : t.clusterMany, { count: n });
}

function countIcon(count) {
  var text = formatCount(count);
  var wide = text.length > 4;
  return L.divIcon({
    className: "",
    html: '<span class="mm-cluster' + (wide ? " mm-cluster--wide" : "") + '" aria-hidden="true">' +
      escapeHtml(text) + "</span>",
    iconSize: [wide ? 72 : 40, 40]
  });
}

function tilePopup(props) {
  var cfg = config();
  var info = statusInfo(props.status);
  var wrap = document.createElement("div");
  var link = document.createElement("a");
  link.href = cfg.detailUrl.replace("__ID__", encodeURIComponent(props.id));
  link.textContent = format(cfg.texts.reportLink, { id: props.id });
  var status = document.createElement("p");
  status.textContent = info.symbol + " " + info.label;
  wrap.appendChild(link);
  wrap.appendChild(status);
  return wrap;
}

/* Markers for the points of one decoded tile (points in the tile buffer belong to the neighbour). */
function tileMarkers(map, layer, coords, options) {
  var markers = [];
  var extent = layer.extent || 4096;
  layer.features.forEach(function (f) {
    var p = f.properties;
    f.points.forEach(function (pt) {
      if (pt[0] < 0 || pt[1] < 0 || pt[0] >= extent || pt[1] >= extent) return;
      var latlng = map.unproject(
        L.point(coords.x * 256 + pt[0] * 256 / extent, coords.y * 256 + pt[1] * 256 / extent), coords.z);
      var marker;
      if (p.count === 1 && p.id) {
        var info = statusInfo(p.status);
        marker = L.marker(latlng, {
          icon: statusIcon(p.status),
          title: info.label + " (" + p.id + ")",
          keyboard: options.keyboard !== false
        });
        marker.bindPopup(function () { return tilePopup(p); });
      } else {
        var label = countLabel(p.count);
        if (p.commune_name) label = format(config().texts.clusterCommune, { name: p.commune_name, count: label });
        marker = L.marker(latlng, {
          icon: countIcon(p.count),
          title: label,
          keyboard: options.keyboard !== false
        });
        marker.on("click", function () {
          map.setView(latlng, Math.min(Math.floor(map.getZoom()) + 2, GEOJSON_MIN_ZOOM));
        });
      }
      marker.mmCount = p.count;
      markers.push(marker);
    });
  });
  return markers;
}

/* For a minute after the visitor's own new report or status change the server sets the cookie
   mm_tiles_v (shared/http/tile_cookie.py); tile URLs then carry v=<its value>, URLs no browser or CDN
   cache holds yet, so the visitor sees the change at once instead of after the tiles' max-age. */
function withOwnChange(url) {
  var match = /(?:^|;\s*)mm_tiles_v=(\d{1,12})(?:;|$)/.exec(document.cookie);
  if (!match) return url;
  return url + (url.indexOf("?") === -1 ? "?" : "&") + "v=" + match[1];
}

/* A grid layer whose tiles are empty boxes; each tile fetches its .pbf and draws markers on ``target``.
   The class is made on first use, not when the script is evaluated: without Leaflet (it failed to
   load) the rest of the map code must still be defined, so that regionMap returns null. */
var ReportTiles = null;

function reportTilesClass() {
  ReportTiles = ReportTiles || L.GridLayer.extend({
    options: { tileSize: 256, updateWhenZooming: false },

    initialize: function (url, target, options) {
      L.GridLayer.prototype.initialize.call(this, options);
      this._url = url;
      this._target = target;
      this.drawn = 0;
      this.on("tileunload", function (e) {
        var state = e.tile._mmState;
        if (!state) return;
        state.unloaded = true; // a fetch still running is left to finish (tiles are small) and ignored
        state.markers.forEach(function (m) { this._target.removeLayer(m); }, this);
        this.drawn -= state.markers.length;
        state.markers = [];
        this.fire("featurecount");
      }, this);
    },

    createTile: function (coords, done) {
      var tile = document.createElement("div");
      var state = (tile._mmState = { markers: [], unloaded: false });
      var layer = this;
      var wrapped = this._wrapCoords(coords);
      var url = withOwnChange(L.Util.template(this._url, { z: coords.z, x: wrapped.x, y: wrapped.y }));
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.status === 200 ? r.arrayBuffer() : null; })
        .then(function (buffer) {
          if (state.unloaded || !layer._map) return;
          var reports = buffer ? decodeTile(buffer).reports : null;
          if (reports) {
            state.markers = tileMarkers(layer._map, reports, coords, layer.options);
            state.markers.forEach(function (m) { layer._target.addLayer(m); });
            layer.drawn += state.markers.length;
            layer.fire("featurecount");
          }
          done(null, tile);
        })
        .catch(function (err) { if (!state.unloaded) done(err, tile); });
      return tile;
    }
  });
  return ReportTiles;
}

/* The tile layer of ``url`` (a URL template with {z}/{x}/{y}) drawing its markers on ``target``, a layer
   group; ``drawn`` counts them, "featurecount" tells when it changed. */
export function reportTiles(url, target, options) {
  var Layer = reportTilesClass();
  return new Layer(url, target, options);
}
