/* Our commune borders (/api/v1/communes.geojson), always drawn, so the map stays usable when the
   basemap tiles cannot load. */
import { config, escapeHtml, later, whenIdle } from "./util.js";

var BORDERS_DETAIL_ZOOM = 10; // below it, outlines simplified by 1000 m are ≤ 2 px off (zoom 9: 190 m/px)
var COARSE_TOLERANCE_M = 1000; // the API's maximum; from BORDERS_DETAIL_ZOOM on its default (100 m)

/* GeoJSON (Multi)Polygon features → Leaflet's nested [polygon][ring][LatLng] arrays. */
function polygonsOf(features) {
  var polygons = [];
  features.forEach(function (f) {
    var g = f.geometry;
    if (g && g.type === "Polygon") polygons.push(L.GeoJSON.coordsToLatLngs(g.coordinates, 1));
    else if (g && g.type === "MultiPolygon") {
      Array.prototype.push.apply(polygons, L.GeoJSON.coordsToLatLngs(g.coordinates, 2));
    }
  });
  return polygons;
}

/* Bounds of a (Multi)Polygon feature from its outer rings. */
function boundsOf(feature) {
  var g = feature.geometry;
  var bounds = L.latLngBounds([]);
  if (!g) return bounds;
  (g.type === "Polygon" ? [g.coordinates] : g.coordinates).forEach(function (rings) {
    rings[0].forEach(function (c) { bounds.extend([c[1], c[0]]); });
  });
  return bounds;
}

/* Our commune borders (/api/v1/communes.geojson), drawn as ONE path: 418 separate Leaflet polygons
   kept a phone's main thread busy for seconds, one path costs a few milliseconds. Below
   BORDERS_DETAIL_ZOOM all outlines simplified by 1000 m; from there on the API's default detail, but
   only the communes around the view (redrawn when the map leaves that area). Each version is fetched
   once, when first needed, and only after the page is idle. The commune of ``cfg.highlightAgs`` is
   drawn on top; ``options.fitHighlight`` zooms the map to it. */
export function bordersLayer(map, options) {
  var cfg = config();
  var container = map.getContainer();
  var outlines = L.polygon([], {
    interactive: false,
    fill: false,
    color: "#3d4852",
    weight: 1,
    opacity: 0.7,
    attribution: escapeHtml(cfg.bordersAttribution)
  });
  var versions = {}; // "coarse" / "detail" → promise of {features, polygons | parts} (null: unavailable)
  var shown = null;
  var area = null; // with the detailed version: the area whose communes are drawn

  function version(key) {
    if (!versions[key]) {
      var url = key === "detail" ? cfg.bordersUrl : cfg.bordersUrl + "?tolerance=" + COARSE_TOLERANCE_M;
      versions[key] = fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return null;
          if (key === "coarse") return { features: data.features, polygons: null };
          return {
            features: data.features,
            parts: data.features.map(function (f) { return { feature: f, bounds: boundsOf(f), polygons: null }; })
          };
        })
        .catch(function () { return null; }); // borders are decoration; the page works without them
    }
    return versions[key];
  }

  function wanted() { return map.getZoom() >= BORDERS_DETAIL_ZOOM ? "detail" : "coarse"; }

  function current(key) {
    return shown === key && (key === "coarse" || (area && area.contains(map.getBounds())));
  }

  /* Polygons of the communes whose bounds meet ``bounds`` (converted once each). */
  function polygonsIn(parts, bounds) {
    var polygons = [];
    parts.forEach(function (part) {
      if (!bounds.intersects(part.bounds)) return;
      part.polygons = part.polygons || polygonsOf([part.feature]);
      Array.prototype.push.apply(polygons, part.polygons);
    });
    return polygons;
  }

  function update() {
    var key = wanted();
    if (current(key)) return;
    // reading the JSON, converting it and drawing are three tasks, each short enough for a phone
    version(key).then(function (data) {
      if (!data) return;
      later(function () {
        if (key === "coarse") data.polygons = data.polygons || polygonsOf(data.features);
        later(function () { draw(key, data); });
      });
    });
  }

  function draw(key, data) {
    if (wanted() !== key || current(key)) return; // zoomed across meanwhile: that update draws
    if (key === "detail") {
      area = map.getBounds().pad(1); // the view and as much again on every side
      outlines.setLatLngs(polygonsIn(data.parts, area));
    } else {
      outlines.setLatLngs(data.polygons);
    }
    shown = key;
    if (!map.hasLayer(outlines)) outlines.addTo(map);
    outlines.bringToBack();
    container.setAttribute("data-borders", key);
  }

  function highlight() {
    version("detail").then(function (data) {
      var feature = data && data.features.filter(function (f) { return f.id === cfg.highlightAgs; })[0];
      if (!feature) return;
      var own = L.geoJSON(feature, {
        interactive: false,
        style: { color: "#00573d", weight: 3, opacity: 1, fillColor: "#00573d", fillOpacity: 0.08 }
      }).addTo(map);
      own.bringToBack();
      outlines.bringToBack();
      if (options.fitHighlight || cfg.fitHighlight) map.fitBounds(own.getBounds());
    });
  }

  /* Only one commune, e.g. around a report: one small request instead of every outline. */
  function single(url) {
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (feature) {
        if (!feature) return;
        outlines.setLatLngs(polygonsOf([feature])).addTo(map).bringToBack();
        container.setAttribute("data-borders", "commune");
      })
      .catch(function () { /* decoration only */ });
  }

  whenIdle(function () {
    if (options.communeUrl) return single(options.communeUrl);
    if (cfg.highlightAgs) highlight();
    update();
    map.on("moveend", update); // Leaflet fires moveend after every zoom as well
  });
  return outlines;
}
