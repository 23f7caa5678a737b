/* Mängelmelder Sachsen – "Bewohnerparkausweis beantragen", enhanced. Without this script the form is a
   plain POST. With it: the resident parking zones (GET /api/v1/parking-zones/) are drawn on the map, a
   tap or click on the map sets the residence (the coordinate fields stay the accessible way), zone and
   fee of the place are shown as it changes, and the form is posted for JSON so the server's messages —
   e.g. the refusal naming the nearest zone — appear beside the fields without a reload. */
(function () {
  "use strict";

  var LABEL_MIN_ZOOM = 13; // zone names on the map only where they do not overlap

  function $(id) { return document.getElementById(id); }

  /* The zones with their names; the map zooms to them unless ``keepView()`` says a place is already set. */
  function zonesLayer(map, cfg, keepView) {
    var labels = L.layerGroup();
    fetch(cfg.parkingZonesUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.features.length) return;
        var layer = L.geoJSON(data, {
          interactive: false,
          style: { color: "#0b4f9c", weight: 3, dashArray: "8 6", fillColor: "#0b4f9c", fillOpacity: 0.2 }
        }).addTo(map);
        layer.eachLayer(function (zone) {
          var p = zone.feature.properties;
          var text = document.createElement("span"); // text, never HTML: names come from data files
          text.textContent = window.MM.format(cfg.texts.zoneLabel, { name: p.name, code: p.code });
          labels.addLayer(L.tooltip({ permanent: true, direction: "center", className: "mm-zone-label" })
            .setLatLng(zone.getBounds().getCenter())
            .setContent(text));
        });
        if (!keepView()) map.fitBounds(layer.getBounds(), { padding: [20, 20], animate: false });
        communeButtons(map, layer, cfg.texts.showZones);
        map.getContainer().setAttribute("data-zones-loaded", String(data.features.length));
      })
      .catch(function () { /* the list below the map names the zones as well */ });
    map.on("zoomend", function () {
      if (map.getZoom() >= LABEL_MIN_ZOOM) labels.addTo(map); else labels.remove();
    });
  }

  /* One button per commune with zones: "Gebiete in Dresden zeigen" zooms the map to them. */
  function communeButtons(map, layer, text) {
    var box = $("zone-buttons");
    var bounds = {};
    layer.eachLayer(function (zone) {
      var name = zone.feature.properties.commune;
      bounds[name] = bounds[name] ? bounds[name].extend(zone.getBounds()) : L.latLngBounds(zone.getBounds().getSouthWest(), zone.getBounds().getNorthEast());
    });
    Object.keys(bounds).sort().forEach(function (name) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--secondary";
      button.textContent = window.MM.format(text, { name: name });
      button.addEventListener("click", function () { map.fitBounds(bounds[name], { padding: [20, 20] }); });
      box.appendChild(button);
    });
  }

  function init() {
    var form = $("parking-form");
    if (!form || !window.fetch) return;
    var MM = window.MM;
    var cfg = MM.config();
    var t = cfg.texts;
    var lat = form.elements.lat;
    var lon = form.elements.lon;
    Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (node) { node.hidden = false; });

    var errors = MM.formErrors(form, $("error-summary"));
    var estimate = liveEstimate(form, errors, t);

    /* --- map and residence (map.js) ---------------------------------------------------------- */
    /* A place set by the map or the search: the coordinates are filled in, their old messages go and
       the zone and fee of the new place are asked for. */
    function setPlace(la, lo) {
      lat.value = MM.coordText(la);
      lon.value = MM.coordText(lo);
      errors.changed("lat");
      errors.changed("lon");
      estimate(false);
    }
    var map = MM.regionMap($("map"));
    var pin = MM.pickMarker(map, { title: t.marker, zoom: 15, onDrag: setPlace });
    if (map) {
      zonesLayer(map, cfg, pin.isSet);
      map.on("click", function (e) {
        setPlace(e.latlng.lat, e.latlng.lng);
        pin.place(e.latlng.lat, e.latlng.lng, false);
      });
    }

    /* "Adresse oder Ort suchen" (place-search.js): the chosen place becomes the residence. */
    MM.placeSearch(function (la, lo, place) {
      if (place.area) { pin.view(la, lo, MM.placeZoom(place.kind)); return; } // the house is still asked for
      setPlace(la, lo);
      pin.place(la, lo, true, MM.placeZoom(place.kind));
    });

    function typedLocation(ask) {
      var la = MM.parseCoord(lat.value);
      var lo = MM.parseCoord(lon.value);
      if (la === null || lo === null) return;
      pin.place(la, lo, true);
      if (ask) estimate(false);
    }
    lat.addEventListener("change", function () { typedLocation(true); });
    lon.addEventListener("change", function () { typedLocation(true); });
    typedLocation(false);

    var submit = form.querySelector('button[type="submit"]:not([value="estimate"])');
    form.querySelector('button[value="estimate"]').addEventListener("click", function (e) {
      e.preventDefault();
      estimate(true);
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      MM.postForm(form, { errors: errors, button: submit, texts: { sending: t.sending, sendFailed: t.applicationFailed } });
    });
  }

  /* Zone and fee as the place changes: the page's own "Gebiet und Gebühr prüfen" (action=estimate) for
     JSON; the server computes and formats them and sends the same box the page renders without
     JavaScript. ``explicit`` (the button): messages also in the summary. Returns estimate(explicit). */
  function liveEstimate(form, errors, t) {
    var box = $("parking-estimate");
    var sequence = 0;
    var FIELDS = ["location", "lat", "lon"];

    function message(text) {
      var p = document.createElement("p");
      p.className = "help";
      p.textContent = text;
      box.replaceChildren(p);
    }

    return function estimate(explicit) {
      var seq = ++sequence;
      var data = new FormData(form);
      data.set("action", "estimate");
      box.setAttribute("aria-busy", "true");
      fetch(form.getAttribute("action"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": MM.csrfToken(form) }
      })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (seq !== sequence) return;
          box.removeAttribute("aria-busy");
          errors.clear(FIELDS);
          if (res.ok && res.body.html) {
            box.innerHTML = res.body.html; // rendered and escaped by the server (web/_parking_estimate.html)
            box.setAttribute("data-zone", res.body.zone.code);
          } else if (res.body.errors) {
            box.removeAttribute("data-zone");
            message(t.parkingEstimateErrors);
            errors.show(res.body.errors, { summary: explicit });
          } else {
            message(res.body.detail || t.parkingEstimateFailed);
          }
        })
        .catch(function () {
          if (seq !== sequence) return;
          box.removeAttribute("aria-busy");
          message(t.parkingEstimateFailed);
        });
    };
  }

  document.addEventListener("DOMContentLoaded", init);
})();
