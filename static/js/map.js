/* Mängelmelder Sachsen – maps (progressive enhancement: every page works without this script).
   Basemap tiles are optional; our own commune borders (/api/v1/communes.geojson) are always drawn, so
   the map stays usable when tiles cannot load. Report markers come from /api/v1/reports/?bbox=…,
   clustered, each with a symbol and a title so the status is not told by colour alone. The switchable
   layer "Baustellen & Sondernutzungen" (off until switched on) shows approved permits active today from
   /api/v1/permits/active/?bbox=…, hatched with a dashed outline, so it is not told by colour either. */
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

  /* A Leaflet map with optional basemap and our borders layer; returns the map. */
  MM.createMap = function (element, options) {
    var cfg = MM.config();
    options = options || {};
    element.innerHTML = "";
    var map = L.map(element, { minZoom: 6, maxZoom: 19, zoomSnap: 0.5 });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, {
        attribution: escapeHtml(cfg.tileAttribution || ""),
        maxZoom: 19,
        maxNativeZoom: 18
      }).addTo(map);
    }
    map.fitBounds(SAXONY);
    fetch(cfg.bordersUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        var layer = L.geoJSON(data, {
          interactive: false,
          attribution: escapeHtml(cfg.bordersAttribution),
          style: function (feature) {
            var own = feature.id === cfg.highlightAgs;
            return {
              color: own ? "#00573d" : "#3d4852",
              weight: own ? 3 : 1,
              opacity: own ? 1 : 0.7,
              fillColor: "#00573d",
              fillOpacity: own ? 0.08 : 0
            };
          }
        }).addTo(map);
        layer.bringToBack();
        if (cfg.highlightAgs && options.fitHighlight) {
          layer.eachLayer(function (l) {
            if (l.feature.id === cfg.highlightAgs) map.fitBounds(l.getBounds());
          });
        }
      })
      .catch(function () { /* borders are decoration; the page works without them */ });
    element.leafletMap = map; // for tests and page scripts
    return map;
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

  /* Reports for the visible area, reloaded when the map moves. ``filters`` are API query parameters. */
  MM.reportsLayer = function (map, filters, options) {
    var cfg = MM.config();
    options = options || {};
    var group = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 45,
      iconCreateFunction: clusterIcon
    });
    map.addLayer(group);
    var controller = null;
    var timer = null;

    function load() {
      var b = map.getBounds();
      var bbox = [
        Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()),
        Math.min(180, b.getEast()), Math.min(90, b.getNorth())
      ].map(function (v) { return v.toFixed(5); }).join(",");
      var params = new URLSearchParams(filters || {});
      params.set("bbox", bbox);
      params.set("page_size", "1000");
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(cfg.reportsUrl + "?" + params.toString(), {
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      })
        .then(function (r) { return r.ok ? r.json() : { features: [] }; })
        .then(function (data) {
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
          map.getContainer().setAttribute("data-reports-loaded", String(data.features.length));
        })
        .catch(function () { /* aborted or offline: keep what is shown */ });
    }

    map.on("moveend", function () {
      clearTimeout(timer);
      timer = setTimeout(load, 250);
    });
    load();
    return group;
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
    L.control.layers(null, null, { collapsed: false }).addOverlay(group, escapeHtml(cfg.texts.permitsLayer)).addTo(map);
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

    map.on("moveend", function () {
      clearTimeout(timer);
      timer = setTimeout(load, 250);
    });
    map.on("overlayadd", function (e) { if (e.layer === group) load(); });
    return group;
  };

  /* A read-only area (the applicant's tracking page): GeoJSON from a json_script element. */
  function areaMap(element) {
    var source = document.getElementById(element.dataset.geojson);
    var map = MM.createMap(element);
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
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", MM.config().texts.mapLabel);
    if (kind === "report") {
      var map = MM.createMap(element);
      var lat = parseFloat(element.dataset.lat);
      var lon = parseFloat(element.dataset.lon);
      map.setView([lat, lon], 16);
      L.marker([lat, lon], { icon: MM.statusIcon(element.dataset.status), keyboard: false, interactive: false }).addTo(map);
    } else if (kind === "reports") {
      var filters = filtersFrom(element);
      var listMap = MM.createMap(element, { fitHighlight: !!filters.commune });
      MM.reportsLayer(listMap, filters, { keyboard: true });
      MM.permitsLayer(listMap);
    } else if (kind === "area") {
      areaMap(element);
    }
    // kinds "pick", "draw" and "parking" are set up by their form scripts
  }

  document.addEventListener("DOMContentLoaded", init);
})();
