/* Mängelmelder Sachsen – area alerts on /benachrichtigungen/, enhanced. Without this script the form is a
   plain POST with the area typed or pasted as GeoJSON. With it: draw a polygon on the map (Leaflet-Geoman);
   the drawing is written into the text field "Oder ein Gebiet als GeoJSON", the one source of the area the
   server receives (and checks: valid polygon, at most 100 km²). */
(function () {
  "use strict";

  function $(id) { return document.getElementById(id); }

  function init() {
    var form = $("alert-form");
    var element = $("map");
    if (!form || !element || !window.L || !L.PM) return;
    var MM = window.MM;
    var t = MM.config().texts;
    var text = form.elements.area;
    var status = $("draw-status");
    var shown = null;
    Array.prototype.forEach.call(form.querySelectorAll(".js-only"), function (node) { node.hidden = false; });

    var map = MM.regionMap(element);
    map.pm.setLang(document.documentElement.lang === "en" ? "en" : "de");
    map.pm.setGlobalOptions({ snappable: false, allowSelfIntersection: false, pathOptions: MM.permitStyle() });

    function replaceShown(layer) {
      if (shown) map.removeLayer(shown);
      shown = layer;
    }
    function writeText(layer) {
      text.value = JSON.stringify(layer.toGeoJSON(6).geometry);
      form.elements.ags.value = ""; // a drawn area replaces a chosen commune
    }
    map.on("pm:create", function (e) {
      replaceShown(e.layer);
      e.layer.pm.enable({ allowSelfIntersection: false, snappable: false });
      e.layer.on("pm:edit", function () { writeText(e.layer); });
      status.textContent = t.drawn;
      writeText(e.layer);
    });
    $("draw-polygon").addEventListener("click", function () {
      map.pm.disableDraw();
      map.pm.enableDraw("Polygon", { snappable: false, allowSelfIntersection: false });
      status.textContent = t.drawPolygon;
    });
    $("draw-clear").addEventListener("click", function () {
      map.pm.disableDraw();
      replaceShown(null);
      text.value = "";
      status.textContent = t.cleared;
    });
    /* Show an area typed, pasted or re-rendered by the server after an error. */
    function showText() {
      replaceShown(null);
      if (!text.value.trim()) return;
      try {
        shown = L.geoJSON(JSON.parse(text.value), { style: MM.permitStyle, interactive: false }).addTo(map);
        if (shown.getBounds().isValid()) map.fitBounds(shown.getBounds(), { padding: [20, 20], animate: false });
      } catch (err) {
        shown = null;
        status.textContent = t.textUnreadable;
      }
    }
    text.addEventListener("change", showText);
    showText();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
