/* Mängelmelder Sachsen – "Sondernutzung beantragen", enhanced. Without this script the form is a plain
   POST; "Gebühr berechnen" re-renders it with the estimate. With it: draw the area (polygon, or a line
   plus its width) with Leaflet-Geoman, or read a GeoJSON file into the text field and onto the map; area
   and fee come from POST /api/v1/permits/estimate/ whenever area, kind or period change; the form is
   posted for JSON so the server's messages appear beside the fields without a reload.
   The text field "Fläche als GeoJSON" is the one source of the area the server receives: drawing fills
   it, a chosen file is copied into it (and the file input emptied, so a later edit on the map counts). */
(function () {
  "use strict";

  var ESTIMATE_FIELDS = ["kind", "start", "end", "units", "site_address", "length_m", "geometry", "width_m", "exemption"];
  var ESTIMATE_DELAY_MS = 400;

  function $(id) { return document.getElementById(id); }

  function init() {
    var form = $("permit-form");
    if (!form || !window.fetch) return;
    var MM = window.MM;
    var cfg = MM.config();
    var t = cfg.texts;
    var el = form.elements;
    var status = $("draw-status");
    var result = $("permit-estimate");
    var errors = MM.formErrors(form, $("error-summary"));
    Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (node) { node.hidden = false; });

    /* --- "Anzahl" only for kinds priced per piece --------------------------------------------- */
    function toggleUnits() {
      $("field-units").hidden = (cfg.kindUnits || {})[el.kind.value] === "m2_day";
    }
    el.kind.addEventListener("change", toggleUnits);
    toggleUnits();

    /* --- map (map.js) and drawing ------------------------------------------------------------ */
    var shown = null; // the layer on the map that stands for the text field's area
    var finishButton = $("draw-finish");
    var map = window.L && L.PM ? MM.regionMap($("map")) : null; // drawing needs Leaflet-Geoman
    if (map) {
      map.pm.setLang(document.documentElement.lang === "en" ? "en" : "de");
      map.pm.setGlobalOptions({
        snappable: false,               // never pull a corner onto a commune border
        allowSelfIntersection: false,   // the server refuses self-intersecting areas anyway
        pathOptions: MM.permitStyle(),
        templineStyle: { color: "#8a4b00", dashArray: "8 6" },
        hintlineStyle: { color: "#8a4b00", dashArray: "4 4" }
      });
      map.on("pm:drawstart", function () { finishButton.hidden = false; });
      map.on("pm:drawend", function () { finishButton.hidden = true; });
      map.on("pm:create", function (e) { takeDrawn(e.layer, e.shape); });
    } else {
      Array.prototype.forEach.call(document.querySelectorAll(".draw-tools"), function (node) { node.hidden = true; });
    }

    function replaceShown(layer) {
      if (shown && map) map.removeLayer(shown);
      shown = layer;
    }

    function writeText(layer) {
      el.geometry.value = JSON.stringify(layer.toGeoJSON(7).geometry);
      scheduleEstimate();
    }

    function takeDrawn(layer, shape) {
      replaceShown(layer);
      layer.pm.enable({ allowSelfIntersection: false, snappable: false });
      layer.on("pm:edit", function () { writeText(layer); });
      status.textContent = shape === "Line" ? t.drawnLine : t.drawn;
      writeText(layer);
    }

    /* Show what the text field holds (typed, pasted, from a file or from the server's re-rendered form). */
    function showText(fit) {
      if (!map) return;
      var text = el.geometry.value.trim();
      replaceShown(null);
      if (!text) return;
      var data;
      try {
        data = JSON.parse(text);
        shown = L.geoJSON(data, { style: MM.permitStyle, interactive: false }).addTo(map);
      } catch (err) {
        shown = null;
        status.textContent = t.textUnreadable;
        return;
      }
      var bounds = shown.getBounds();
      if (fit && bounds.isValid()) map.fitBounds(bounds, { maxZoom: 18, padding: [20, 20], animate: false });
    }

    function startDrawing(shape, hint) {
      if (!map) return;
      map.pm.disableDraw();
      map.pm.enableDraw(shape, { snappable: false, allowSelfIntersection: false });
      status.textContent = hint;
    }
    $("draw-polygon").addEventListener("click", function () { startDrawing("Polygon", t.drawPolygon); });
    $("draw-line").addEventListener("click", function () { startDrawing("Line", t.drawLine); });
    finishButton.addEventListener("click", function () {
      var shape = map && map.pm.Draw.getActiveShape();
      if (shape) map.pm.Draw[shape]._finishShape(); // what Geoman's own "Beenden" action calls
    });
    $("draw-clear").addEventListener("click", function () {
      if (map) map.pm.disableDraw();
      replaceShown(null);
      el.geometry.value = "";
      status.textContent = t.cleared;
      scheduleEstimate();
    });

    el.geometry.addEventListener("change", function () {
      showText(true);
      scheduleEstimate();
    });

    el.geometry_file.addEventListener("change", function () {
      var file = el.geometry_file.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () {
        el.geometry.value = String(reader.result).replace(/^\uFEFF/, "");
        el.geometry_file.value = "";
        status.textContent = MM.format(t.fileRead, { name: file.name });
        showText(true);
        scheduleEstimate();
      };
      reader.onerror = function () { status.textContent = MM.format(t.fileUnreadable, { name: file.name }); };
      reader.readAsText(file);
    });

    /* --- estimate ----------------------------------------------------------------------------- */
    var timer = null;
    var sequence = 0;
    var lang = document.documentElement.lang;

    /* The server computes and rounds every figure (each fee line to the cent, the total their sum) and
       sends decimal strings ("85.80", "0.225"); here they are only printed in the page's language, all
       their digits — the string goes to Intl as it is, so no binary float comes between. */
    function formatNumber(value, digits) {
      return new Intl.NumberFormat(lang, { maximumFractionDigits: digits || 20 }).format(String(value));
    }
    function formatEuro(value) {
      return new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(String(value)) + "\u00a0€";
    }
    function node(tag, text, className) {
      var n = document.createElement(tag);
      if (text !== undefined) n.textContent = text;
      if (className) n.className = className;
      return n;
    }
    function message(text) {
      result.innerHTML = "";
      result.appendChild(node("p", text, "help"));
    }

    function feeTable(fee) {
      if (!fee.complete) return node("p", t.feeIncomplete, "notice");
      var scroll = node("div", undefined, "table-scroll");
      var table = node("table", undefined, "fee-table");
      table.appendChild(node("caption", t.feeCaption));
      var head = node("tr");
      [[t.feeItem, ""], [t.feeAmount, "num"]].forEach(function (h) {
        var th = node("th", h[0], h[1]);
        th.scope = "col";
        head.appendChild(th);
      });
      table.appendChild(node("thead")).appendChild(head);
      var body = table.appendChild(node("tbody"));
      fee.lines.forEach(function (line) {
        var row = body.appendChild(node("tr"));
        var label = row.appendChild(node("th", line.label));
        label.scope = "row";
        label.appendChild(document.createTextNode(" "));
        var calculation = label.appendChild(node("span", undefined, "fee-table__calc"));
        if (line.unit === "pauschal") {
          calculation.textContent = line.unit;
        } else {
          calculation.appendChild(node("span", formatNumber(line.quantity) + " " + line.unit, "nowrap"));
          calculation.appendChild(document.createTextNode(" × "));
          calculation.appendChild(node("span", formatNumber(line.rate) + "\u00a0€", "nowrap"));
        }
        row.appendChild(node("td", formatEuro(line.amount), "num"));
      });
      var foot = table.appendChild(node("tfoot")).appendChild(node("tr"));
      var totalLabel = foot.appendChild(node("th", t.feeTotal));
      totalLabel.scope = "row";
      foot.appendChild(node("td", undefined, "num")).appendChild(node("strong", formatEuro(fee.total), "fee-total"));
      scroll.appendChild(table);
      return scroll;
    }

    function showEstimate(data) {
      result.innerHTML = "";
      result.appendChild(node("h3", t.estimateTitle));
      var facts = node("dl", undefined, "facts");
      facts.appendChild(node("dt", t.area));
      facts.appendChild(node("dd", formatNumber(data.area_m2) + " m²"));
      facts.appendChild(node("dt", t.communes));
      var list = facts.appendChild(node("dd")).appendChild(node("ul", undefined, "plain-list"));
      data.communes.forEach(function (c) {
        list.appendChild(node("li", c.name + " (" + formatNumber(c.share * 100, 1) + "\u00a0%)"));
      });
      result.appendChild(facts);
      result.appendChild(feeTable(data.fee));
    }

    function showProblems(problems) {
      result.innerHTML = "";
      result.appendChild(node("p", t.estimateErrors));
      var list = result.appendChild(node("ul"));
      Object.keys(problems).forEach(function (name) {
        var field = el[name];
        var label = field && field.id ? form.querySelector('label[for="' + field.id + '"]') : null;
        problems[name].forEach(function (text) {
          list.appendChild(node("li", (label ? label.textContent + ": " : "") + text));
        });
      });
    }

    function ready() {
      var plain = el.site_address.value.trim() && el.length_m.value.trim() && el.width_m.value.trim();
      return el.kind.value && el.start.value && el.end.value && (el.geometry.value.trim() || plain);
    }

    /* ``explicit``: the "Gebühr berechnen" button — then also missing values are reported, with summary. */
    function estimate(explicit) {
      clearTimeout(timer);
      if (!explicit && !ready()) {
        errors.clear(ESTIMATE_FIELDS);
        message(t.estimateHint);
        return;
      }
      var seq = ++sequence;
      result.setAttribute("aria-busy", "true");
      fetch(cfg.estimateUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": MM.csrfToken(form) },
        body: JSON.stringify({
          kind: el.kind.value,
          geometry: el.geometry.value.trim() || null, // null: "Geometrie fehlt", as on the server
          width_m: el.width_m.value,
          site_address: el.site_address.value, // the plain way: address plus length × width
          length_m: el.length_m.value,
          start: el.start.value,
          end: el.end.value,
          units: el.units.value || "1",
          exemption: el.exemption ? el.exemption.value : ""
        })
      })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (seq !== sequence) return;
          result.removeAttribute("aria-busy");
          errors.clear(ESTIMATE_FIELDS);
          if (res.ok) {
            showEstimate(res.body);
          } else if (res.body.errors) {
            showProblems(res.body.errors);
            errors.show(res.body.errors, { summary: explicit });
          } else {
            message(res.body.detail || t.estimateFailed);
          }
        })
        .catch(function () {
          if (seq !== sequence) return;
          result.removeAttribute("aria-busy");
          message(t.estimateFailed);
        });
    }

    function scheduleEstimate() {
      clearTimeout(timer);
      timer = setTimeout(function () { estimate(false); }, ESTIMATE_DELAY_MS);
    }

    ["kind", "start", "end", "units", "width_m", "site_address", "length_m", "exemption"].forEach(function (name) {
      if (el[name]) el[name].addEventListener("change", scheduleEstimate);
    });
    form.querySelector('button[value="estimate"]').addEventListener("click", function (e) {
      e.preventDefault();
      estimate(true);
    });

    /* --- submit ------------------------------------------------------------------------------- */
    var submit = form.querySelector('button[value="submit"]');
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      clearTimeout(timer);
      MM.postForm(form, { errors: errors, button: submit, texts: { sending: t.sending, sendFailed: t.applicationFailed } });
    });

    /* "Adresse oder Ort suchen" (place-search.js): the map goes to the place; the area is still drawn. */
    var chosen = MM.placeSearch(function (la, lo, place) {
      if (map) map.setView([la, lo], MM.placeZoom(place.kind));
    });
    if (chosen && map) map.setView(chosen, MM.placeZoom("address"));

    if (el.geometry.value.trim()) showText(true);
  }

  document.addEventListener("DOMContentLoaded", init);
})();
