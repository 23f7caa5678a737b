/* Mängelmelder Sachsen – maps (progressive enhancement: every page works without this script).
   Basemap tiles are optional; our own commune borders (/api/v1/communes.geojson) are always drawn, so
   the map stays usable when tiles cannot load. Report markers: zoomed out (below GEOJSON_MIN_ZOOM) they
   come from our vector tiles /tiles/reports/{z}/{x}/{y}.pbf (decoded with @mapbox/vector-tile) as count badges
   per commune or grid cell, so a statewide view counts every report; zoomed in from
   /api/v1/reports/?bbox=…, clustered. Each report has a symbol and a title, so the status is not told by
   colour alone. The switchable layer "Baustellen & Sondernutzungen" (off until switched on) shows
   approved permits active today from /api/v1/permits/active/?bbox=…, hatched with a dashed outline, so
   it is not told by colour either. */
(function () {
  "use strict";

  var SAXONY = [[50.17, 11.87], [51.69, 15.04]];
  var MM = (window.MM = window.MM || {});
  var configCache = null;

  MM.config = function () {
    if (!configCache) {
      var node = document.getElementById("map-config");
      configCache = node ? JSON.parse(node.textContent) : {};
    }
    return configCache;
  };

  /* A whole number with the page language's thousands separator ("4.000", "4,000"). Not Intl: building
     the first Intl.NumberFormat of a page loads locale data, ~30 ms on a phone, for four digits. */
  MM.formatCount = function (n) {
    var sep = document.documentElement.lang === "en" ? "," : ".";
    return String(Math.round(Number(n))).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  };

  MM.format = function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  };

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function statusInfo(value) {
    var list = MM.config().statuses || [];
    for (var i = 0; i < list.length; i++) {
      if (list[i].value === value) return list[i];
    }
    return { value: value, label: value, symbol: "•" };
  }
  MM.statusInfo = statusInfo;

  MM.statusIcon = function (status) {
    var info = statusInfo(status);
    return L.divIcon({
      className: "mm-marker status--" + info.value,
      html: '<span aria-hidden="true">' + escapeHtml(info.symbol) + "</span>",
      iconSize: [28, 28],
      iconAnchor: [14, 14],
      popupAnchor: [0, -14]
    });
  };

  /* --- commune borders --------------------------------------------------------------------- */

  var BORDERS_DETAIL_ZOOM = 10; // below it, outlines simplified by 1000 m are ≤ 2 px off (zoom 9: 190 m/px)
  var COARSE_TOLERANCE_M = 1000; // the API's maximum; from BORDERS_DETAIL_ZOOM on its default (100 m)

  /* Run ``fn`` once the browser is idle (the page's own scripts and first paint come first). */
  function whenIdle(fn) {
    if (window.requestIdleCallback) window.requestIdleCallback(fn, { timeout: 2000 });
    else setTimeout(fn, 50);
  }

  /* Run ``fn`` in a task of its own, after those queued before it: setting up a map step by step keeps
     each task short, so a phone answers a tap in between (and no step blocks the page for long). */
  MM.later = function (fn) { setTimeout(fn, 0); };

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
  function bordersLayer(map, options) {
    var cfg = MM.config();
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
        MM.later(function () {
          if (key === "coarse") data.polygons = data.polygons || polygonsOf(data.features);
          MM.later(function () { draw(key, data); });
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

  /* --- maps ------------------------------------------------------------------------------------ */

  /* A Leaflet map with optional basemap and our borders layer; returns the map. ``options``: view
     ([lat, lon, zoom] to start with instead of all Saxony), communeUrl (draw only this commune's outline,
     an /api/v1/communes/<ags>/ URL), fitHighlight (see bordersLayer). */
  MM.createMap = function (element, options) {
    var cfg = MM.config();
    options = options || {};
    element.innerHTML = "";
    // no fade-in of tiles: it repaints the map every frame for a quarter second after each load
    var map = L.map(element, { minZoom: 6, maxZoom: 19, zoomSnap: 0.5, fadeAnimation: false });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, {
        attribution: escapeHtml(cfg.tileAttribution || ""),
        maxZoom: 19,
        maxNativeZoom: 18
      }).addTo(map);
    }
    if (options.view) map.setView([options.view[0], options.view[1]], options.view[2]);
    else map.fitBounds(SAXONY);
    bordersLayer(map, options);
    element.leafletMap = map; // for tests and page scripts
    return map;
  };

  /* The map in ``element`` as a labelled region (createMap's options); null without Leaflet, when the
     page's fields and lists carry the same information. Every page and form script starts here. */
  MM.regionMap = function (element, options) {
    if (!window.L || !element) return null;
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", MM.config().texts.mapLabel);
    return MM.createMap(element, options);
  };

  /* A typed coordinate ("51,0504" or "51.0504") as a number, or null. */
  MM.parseCoord = function (text) {
    var value = String(text || "").trim();
    if (value.split(",").length === 2 && value.indexOf(".") < 0) value = value.replace(",", ".");
    var number = Number(value);
    return value !== "" && isFinite(number) ? number : null;
  };

  /* The draggable pin of a place chosen on ``map`` (null: no map, then every call does nothing).
     options: title, zoom (at least this zoom when the map pans to a typed place), onDrag(lat, lon).
     place(lat, lon, pan, zoom): ``zoom`` (a searched place) replaces the "at least" zoom. */
  MM.pickMarker = function (map, options) {
    var marker = null;
    return {
      place: function (lat, lon, pan, zoom) {
        if (!map) return;
        if (!marker) {
          marker = L.marker([lat, lon], {
            draggable: true,
            keyboard: false,
            title: options.title,
            icon: L.divIcon({ className: "", html: '<span class="mm-pick"></span>', iconSize: [34, 34], iconAnchor: [17, 40] })
          }).addTo(map);
          marker.on("dragend", function () {
            var p = marker.getLatLng();
            options.onDrag(p.lat, p.lng);
          });
        } else {
          marker.setLatLng([lat, lon]);
        }
        if (pan) map.setView([lat, lon], zoom || Math.max(map.getZoom(), options.zoom));
      },
      isSet: function () { return marker !== null; }
    };
  };

  function popupContent(props) {
    var cfg = MM.config();
    var info = statusInfo(props.status);
    var wrap = document.createElement("div");
    var link = document.createElement("a");
    link.href = cfg.detailUrl.replace("__ID__", encodeURIComponent(props.id));
    link.textContent = props.category_name + " (" + props.id + ")";
    var status = document.createElement("p");
    status.textContent = info.symbol + " " + info.label;
    var date = document.createElement("p");
    date.textContent = MM.format(cfg.texts.reported, {
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

  /* --- vector tiles: decoded by @mapbox/vector-tile + pbf (static/vendor/vector-tile/) --------- */

  /* ArrayBuffer of a vector tile → {layerName: {name, extent, features: [{id, type, properties, points}]}},
     ``points`` being every position of the feature's geometry in tile coordinates (0..extent). */
  MM.decodeTile = function (buffer) {
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
  };

  /* --- reports: vector tiles when zoomed out, GeoJSON when zoomed in --------------------------- */

  var GEOJSON_MIN_ZOOM = 14; // from here on every report is loaded as GeoJSON for the visible area
  var TILE_FILTERS = ["status", "category"]; // what /tiles/reports/… can filter by

  function countLabel(count) {
    var t = MM.config().texts;
    var n = MM.formatCount(count);
    return MM.format(count === 1 ? t.clusterOne : t.clusterMany, { count: n });
  }

  function countIcon(count) {
    var text = MM.formatCount(count);
    var wide = text.length > 4;
    return L.divIcon({
      className: "",
      html: '<span class="mm-cluster' + (wide ? " mm-cluster--wide" : "") + '" aria-hidden="true">' +
        escapeHtml(text) + "</span>",
      iconSize: [wide ? 72 : 40, 40]
    });
  }

  function tilePopup(props) {
    var cfg = MM.config();
    var info = statusInfo(props.status);
    var wrap = document.createElement("div");
    var link = document.createElement("a");
    link.href = cfg.detailUrl.replace("__ID__", encodeURIComponent(props.id));
    link.textContent = MM.format(cfg.texts.reportLink, { id: props.id });
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
            icon: MM.statusIcon(p.status),
            title: info.label + " (" + p.id + ")",
            keyboard: options.keyboard !== false
          });
          marker.bindPopup(function () { return tilePopup(p); });
        } else {
          var label = countLabel(p.count);
          if (p.commune_name) label = MM.format(MM.config().texts.clusterCommune, { name: p.commune_name, count: label });
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
     mm_tiles_v (requestkit/tile_version.py); tile URLs then carry v=<its value>, URLs no browser or CDN
     cache holds yet, so the visitor sees the change at once instead of after the tiles' max-age. */
  function withOwnChange(url) {
    var match = /(?:^|;\s*)mm_tiles_v=(\d{1,12})(?:;|$)/.exec(document.cookie);
    if (!match) return url;
    return url + (url.indexOf("?") === -1 ? "?" : "&") + "v=" + match[1];
  }

  /* A grid layer whose tiles are empty boxes; each tile fetches its .pbf and draws markers on ``target``. */
  var ReportTiles = L.GridLayer.extend({
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
          var reports = buffer ? MM.decodeTile(buffer).reports : null;
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
  MM.reportsLayer = function (map, filters, options) {
    var cfg = MM.config();
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
      tiles = new ReportTiles(cfg.reportTilesUrl + (query ? "?" + query : ""), tileTarget, options);
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
              icon: MM.statusIcon(p.status),
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
    MM.later(function () { if (switchMode()) load(); });
  };

  /* --- approved special uses (Baustellen & Sondernutzungen) ------------------------------------- */

  var SVG_NS = "http://www.w3.org/2000/svg";

  /* One hidden SVG pattern (diagonal hatching) that permit areas use as their fill. */
  function ensureHatch() {
    if (document.getElementById("mm-hatch")) return;
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("width", "0");
    svg.setAttribute("height", "0");
    svg.style.position = "absolute";
    var pattern = document.createElementNS(SVG_NS, "pattern");
    pattern.id = "mm-hatch";
    pattern.setAttribute("patternUnits", "userSpaceOnUse");
    pattern.setAttribute("width", "8");
    pattern.setAttribute("height", "8");
    pattern.setAttribute("patternTransform", "rotate(45)");
    var line = document.createElementNS(SVG_NS, "line");
    line.setAttribute("x1", "0");
    line.setAttribute("y1", "0");
    line.setAttribute("x2", "0");
    line.setAttribute("y2", "8");
    line.setAttribute("stroke", "#8a4b00");
    line.setAttribute("stroke-width", "3");
    pattern.appendChild(line);
    var defs = document.createElementNS(SVG_NS, "defs");
    defs.appendChild(pattern);
    svg.appendChild(defs);
    document.body.appendChild(svg);
  }

  /* Style of a permit area: dashed dark outline over hatching (shape, not colour, tells it apart). */
  MM.permitStyle = function () {
    ensureHatch();
    return {
      className: "mm-permit",
      color: "#8a4b00",
      weight: 3,
      opacity: 1,
      dashArray: "8 6",
      fillColor: "url(#mm-hatch)",
      fillOpacity: 1
    };
  };

  function formatMoment(value) {
    return new Date(value).toLocaleString(document.documentElement.lang, {
      dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Berlin"
    });
  }

  function permitPopup(props) {
    var t = MM.config().texts;
    var wrap = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = props.kind_name;
    var period = document.createElement("p");
    period.textContent = MM.format(t.permitPeriod, { start: formatMoment(props.start), end: formatMoment(props.end) });
    var commune = document.createElement("p");
    commune.textContent = props.commune.name;
    var number = document.createElement("p");
    number.textContent = MM.format(t.permitNumber, { id: props.id });
    [title, period, commune, number].forEach(function (el) { wrap.appendChild(el); });
    return wrap;
  }

  function bboxOf(map) {
    var b = map.getBounds();
    return [
      Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()),
      Math.min(180, b.getEast()), Math.min(90, b.getNorth())
    ].map(function (v) { return v.toFixed(5); }).join(",");
  }

  /* The overlay "Baustellen & Sondernutzungen" with its switch (a layers control, always open: one
     labelled checkbox). Off at first; while on, it reloads for the visible area when the map moves. */
  MM.permitsLayer = function (map) {
    var cfg = MM.config();
    var group = L.geoJSON(null, {
      style: MM.permitStyle,
      onEachFeature: function (feature, layer) {
        layer.bindPopup(function () { return permitPopup(feature.properties); });
      }
    });
    MM.later(function () {
      L.control.layers(null, null, { collapsed: false }).addOverlay(group, escapeHtml(cfg.texts.permitsLayer)).addTo(map);
    });
    var controller = null;
    var timer = null;

    function load() {
      if (!map.hasLayer(group)) return;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(cfg.permitsUrl + "?bbox=" + encodeURIComponent(bboxOf(map)), {
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      })
        .then(function (r) { return r.ok ? r.json() : { features: [] }; })
        .then(function (data) {
          group.clearLayers();
          group.addData(data);
          map.getContainer().setAttribute("data-permits-loaded", String(data.features.length));
        })
        .catch(function () { /* aborted or offline: keep what is shown */ });
    }

    /* A permit's popup that does not fit pans the map ("autopan"); reloading for that move would replace
       the areas and close the very popup that was just opened. */
    var popupPanning = false;
    map.on("autopanstart", function () { popupPanning = true; });
    map.on("moveend", function () {
      clearTimeout(timer);
      if (popupPanning) {
        popupPanning = false;
        return;
      }
      timer = setTimeout(load, 250);
    });
    map.on("overlayadd", function (e) {
      if (e.layer !== group) return;
      clearTimeout(timer); // a reload still pending from the last move would replace what this one shows
      load();
    });
    return group;
  };

  /* A read-only area (the applicant's tracking page): GeoJSON from a json_script element. */
  function areaMap(element) {
    var source = document.getElementById(element.dataset.geojson);
    var map = MM.regionMap(element);
    if (!source) return;
    var layer = L.geoJSON(JSON.parse(source.textContent), { style: MM.permitStyle, interactive: false }).addTo(map);
    map.fitBounds(layer.getBounds(), { maxZoom: 18, padding: [20, 20], animate: false });
  }

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
      var map = MM.regionMap(element, { view: [lat, lon, 16], communeUrl: element.dataset.communeUrl });
      L.marker([lat, lon], { icon: MM.statusIcon(element.dataset.status), keyboard: false, interactive: false }).addTo(map);
    } else if (kind === "reports") {
      var filters = filtersFrom(element);
      var listMap = MM.regionMap(element, { fitHighlight: !!filters.commune });
      MM.reportsLayer(listMap, filters, { keyboard: true });
      MM.permitsLayer(listMap);
    } else if (kind === "area") {
      areaMap(element);
    }
    // kinds "pick", "draw" and "parking" are set up by their form scripts
  }

  document.addEventListener("DOMContentLoaded", init);
})();
