// Map of the work queue (the table lists the same reports, so the map is never required).
(function () {
  "use strict";
  var el = document.getElementById("queue-map");
  var dataEl = document.getElementById("queue-data");
  if (!el || !dataEl || !window.L) { return; }
  var data = JSON.parse(dataEl.textContent);
  if (!data.features.length) { return; }
  var map = L.map(el);
  var tiles = el.getAttribute("data-tiles");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19, attribution: el.getAttribute("data-attribution") || "" }).addTo(map); }
  var layer = L.geoJSON(data, {
    pointToLayer: function (feature, latlng) {
      var p = feature.properties;
      return L.circleMarker(latlng, { radius: 8, weight: 2, color: p.overdue ? "#a4000f" : "#005ea8", fillOpacity: 0.6 });
    },
    onEachFeature: function (feature, marker) {
      var p = feature.properties;
      var link = document.createElement("a");
      link.href = "/verwaltung/meldungen/" + encodeURIComponent(p.id) + "/";
      link.textContent = p.id + " – " + p.category + " (" + p.status_label + (p.overdue ? ", überfällig" : "") + ")";
      marker.bindPopup(link);
    }
  }).addTo(map);
  map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [20, 20] });
})();
