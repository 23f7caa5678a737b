/* Mängelmelder Sachsen – "Meldung aufnehmen" (templates/staff/report_new.html), enhanced: a click in
   the map sets latitude and longitude, the pin can be dragged, typed coordinates move the pin. Without
   this script the form works as it is: address search with buttons, or coordinates typed in. */
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("intake-form");
    var MM = window.MM;
    if (!form || !MM || !window.L) return;
    var lat = form.elements.lat;
    var lon = form.elements.lon;
    Array.prototype.forEach.call(form.querySelectorAll(".js-only"), function (el) { el.hidden = false; });
    var map = MM.regionMap(document.getElementById("map"));
    if (!map) return;
    var pin = MM.pickMarker(map, {
      title: "Ort der Meldung",
      zoom: 16,
      onDrag: function (la, lo) { set(la, lo, false); }
    });
    function set(la, lo, pan) {
      lat.value = la.toFixed(6);
      lon.value = lo.toFixed(6);
      pin.place(la, lo, pan);
    }
    map.on("click", function (e) { set(e.latlng.lat, e.latlng.lng, false); });
    function typed() {
      var la = MM.parseCoord(lat.value);
      var lo = MM.parseCoord(lon.value);
      if (la !== null && lo !== null) pin.place(la, lo, true);
    }
    lat.addEventListener("change", typed);
    lon.addEventListener("change", typed);
    typed();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
