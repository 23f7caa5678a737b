/* The back office's maps (templates/staff/): the work queue's reports as status markers — the same
   symbols and colours as on the citizen pages, explained by the legend under the map — and a permit
   application's area with its conflicts, both over the basemap and the commune borders of setup.js.
   The table or lists under each map carry the same information, so the map is never required. */
import { parseCoord, pickMarker } from "./pick.js";
import { regionMap } from "./setup.js";
import { statusIcon, statusInfo } from "./status.js";

/* A popup: a link to the report's staff page with its category, status and whether it is overdue. */
function queuePopup(props, detailUrl, overdueLabel) {
  var link = document.createElement("a");
  link.href = detailUrl.replace("__ID__", encodeURIComponent(props.id));
  var info = statusInfo(props.status);
  link.textContent = props.id + " – " + props.category + " (" + info.symbol + " " + info.label +
    (props.overdue ? ", " + overdueLabel : "") + ")";
  return link;
}

/* The queue map in ``element``: GeoJSON points from the json_script named by data-source, each with
   id, category, status, overdue; data-detail-url holds the report page's URL with __ID__. */
export function queueMap(element) {
  var source = document.getElementById(element.dataset.source);
  var data = source ? JSON.parse(source.textContent) : { features: [] };
  var map = regionMap(element, {});
  if (!map || !data.features.length) return map;
  var overdueLabel = element.dataset.overdueLabel || "";
  var layer = L.geoJSON(data, {
    pointToLayer: function (feature, latlng) {
      var p = feature.properties;
      var icon = statusIcon(p.status);
      if (p.overdue) icon.options.className += " mm-marker--overdue";
      return L.marker(latlng, { icon: icon, title: p.id + " – " + statusInfo(p.status).label, keyboard: true });
    },
    onEachFeature: function (feature, marker) {
      marker.bindPopup(queuePopup(feature.properties, element.dataset.detailUrl, overdueLabel));
    }
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [24, 24] });
  return map;
}

var PERMIT_STYLES = {
  self: { color: "#005ea8", weight: 3 },
  permit: { color: "#a4000f", weight: 2, dashArray: "6 4" },
  report: { color: "#6b3fa0" }
};

/* The permit review map in ``element`` (templates/staff/permit.html): the application's area ("self"),
   overlapping permits and open reports nearby from the json_script named by data-source, each feature
   with role and label; data-label names the region more precisely than the generic map label. */
export function permitReviewMap(element) {
  var source = document.getElementById(element.dataset.source);
  var data = source ? JSON.parse(source.textContent) : { features: [] };
  var map = regionMap(element, {});
  if (!map) return map;
  if (element.dataset.label) element.setAttribute("aria-label", element.dataset.label);
  if (!data.features.length) return map;
  var layer = L.geoJSON(data, {
    style: function (f) { return PERMIT_STYLES[f.properties.role]; },
    pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 7, color: "#6b3fa0" }); },
    onEachFeature: function (f, l) { l.bindTooltip(f.properties.label); }
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { maxZoom: 19, padding: [20, 20] });
  return map;
}

/* The parking zone review map (templates/staff/parking_zones.html): the draft's polygons from the
   json_script named by data-source, each labelled with number, name and fee; zones with a problem in
   the danger colour. The table under the map lists the same zones and problems. */
export function zonesMap(element) {
  var source = document.getElementById(element.dataset.source);
  var data = source ? JSON.parse(source.textContent) : { features: [] };
  var map = regionMap(element, {});
  if (!map || !data.features.length) return map;
  // Not interactive: the labels are permanent, and a clickable polygon under the zoom buttons would
  // crowd their touch targets (axe target-size).
  var layer = L.geoJSON(data, {
    interactive: false,
    style: function (feature) {
      var bad = feature.properties.problem;
      return { color: bad ? "#b00020" : "#1f4e9c", weight: 2, fillOpacity: 0.15, dashArray: bad ? "6 4" : null };
    },
    onEachFeature: function (feature, polygon) {
      var p = feature.properties;
      var label = p.number + ". " + p.name + " (" + p.code + ")" + (p.fee ? ", " + p.fee : "");
      polygon.bindTooltip(label, { permanent: true, direction: "center", className: "mm-zone-label" });
    }
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [24, 24], animate: false });
  return map;
}

/* The report page's "Ort korrigieren" (templates/staff/report.html): the report's map sets the form's
   latitude and longitude — a tap on the map or dragging the pin — which the caseworker then saves. The
   form works the same typed by hand without this script; the current place keeps its status marker, the
   new one gets the forms' pick pin. A typed coordinate moves the pin too. */
export function correctionPicker(map, element) {
  var form = document.getElementById(element.dataset.pickForm);
  if (!map || !form) return;
  var lat = form.elements.lat;
  var lon = form.elements.lon;
  var hint = document.getElementById("move-map-hint");
  if (hint) hint.hidden = false;
  function setPlace(la, lo) {
    lat.value = la.toFixed(6);
    lon.value = lo.toFixed(6);
  }
  var pin = pickMarker(map, { title: element.dataset.pickTitle || "", zoom: 16, onDrag: setPlace });
  map.on("click", function (e) {
    setPlace(e.latlng.lat, e.latlng.lng);
    pin.place(e.latlng.lat, e.latlng.lng, false);
  });
  function typed() {
    var la = parseCoord(lat.value);
    var lo = parseCoord(lon.value);
    if (la !== null && lo !== null) pin.place(la, lo, true);
  }
  lat.addEventListener("change", typed);
  lon.addEventListener("change", typed);
}
