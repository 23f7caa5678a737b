/* Place picking in the forms (report, parking, permit): a typed coordinate and the draggable pin. */

/* A typed coordinate ("51,0504" or "51.0504") as a number, or null. */
export function parseCoord(text) {
  var value = String(text || "").trim();
  if (value.split(",").length === 2 && value.indexOf(".") < 0) value = value.replace(",", ".");
  var number = Number(value);
  return value !== "" && isFinite(number) ? number : null;
}

/* The draggable pin of a place chosen on ``map`` (null: no map, then every call does nothing).
   options: title, zoom (at least this zoom when the map pans to a typed place), onDrag(lat, lon).
   place(lat, lon, pan, zoom): ``zoom`` (a searched place) replaces the "at least" zoom; view(lat, lon, zoom)
   moves the map only. */
export function pickMarker(map, options) {
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
    /* Show ``lat``/``lon`` at ``zoom`` without placing the pin (a searched commune: the spot is asked for). */
    view: function (lat, lon, zoom) {
      if (map) map.setView([lat, lon], zoom || options.zoom);
    },
    isSet: function () { return marker !== null; }
  };
}
