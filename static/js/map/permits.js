/* Approved special uses ("Baustellen & Sondernutzungen"): the switchable layer of permits active today
   from /api/v1/permits/active/?bbox=… (off until switched on), and the read-only area of one permit.
   Areas are hatched with a dashed outline, so they are not told by colour alone. */
import { regionMap } from "./setup.js";
import { bboxOf, config, escapeHtml, format, later } from "./util.js";

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
export function permitStyle() {
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
}

function formatMoment(value) {
  return new Date(value).toLocaleString(document.documentElement.lang, {
    dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Berlin"
  });
}

function permitPopup(props) {
  var t = config().texts;
  var wrap = document.createElement("div");
  var title = document.createElement("strong");
  title.textContent = props.kind_name;
  var period = document.createElement("p");
  period.textContent = format(t.permitPeriod, { start: formatMoment(props.start), end: formatMoment(props.end) });
  var commune = document.createElement("p");
  commune.textContent = props.commune.name;
  var number = document.createElement("p");
  number.textContent = format(t.permitNumber, { id: props.id });
  [title, period, commune, number].forEach(function (el) { wrap.appendChild(el); });
  return wrap;
}

/* The overlay "Baustellen & Sondernutzungen" with its switch (a layers control, always open: one
   labelled checkbox). Off at first; while on, it reloads for the visible area when the map moves. */
export function permitsLayer(map) {
  var cfg = config();
  var group = L.geoJSON(null, {
    style: permitStyle,
    onEachFeature: function (feature, layer) {
      layer.bindPopup(function () { return permitPopup(feature.properties); });
    }
  });
  later(function () {
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
}

/* A read-only area (the applicant's tracking page): GeoJSON from a json_script element. */
export function areaMap(element) {
  var source = document.getElementById(element.dataset.geojson);
  var map = regionMap(element);
  if (!source) return;
  var layer = L.geoJSON(JSON.parse(source.textContent), { style: permitStyle, interactive: false }).addTo(map);
  map.fitBounds(layer.getBounds(), { maxZoom: 18, padding: [20, 20], animate: false });
}
