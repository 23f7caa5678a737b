// Permit area and its conflicts on a map (the lists on the page carry the same information).
(function () {
  "use strict";
  var el = document.getElementById("permit-map");
  var dataEl = document.getElementById("permit-data");
  if (!el || !dataEl || !window.L) { return; }
  var data = JSON.parse(dataEl.textContent);
  var map = L.map(el);
  var styles = { self: { color: "#005ea8", weight: 3 }, permit: { color: "#a4000f", weight: 2, dashArray: "6 4" }, report: { color: "#6b3fa0" } };
  var layer = L.geoJSON(data, {
    style: function (f) { return styles[f.properties.role]; },
    pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 7, color: "#6b3fa0" }); },
    onEachFeature: function (f, l) { l.bindTooltip(f.properties.label); }
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { maxZoom: 19, padding: [20, 20] });
})();
