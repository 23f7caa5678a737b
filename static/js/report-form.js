/* Mängelmelder Sachsen – the "Mängel melden" form, enhanced. Without this script the form is a plain
   POST and the server shows every message; with it: place the location on the map or by geolocation,
   see the responsible commune and open reports nearby, preview and shrink photos before upload, and
   get the server's messages beside the fields without a reload. */
(function () {
  "use strict";

  var MAX_EDGE = 1920;          // same display size the server keeps (domains/reports/photos.py)
  var SHRINK_ABOVE_BYTES = 1500000;

  function $(id) { return document.getElementById(id); }

  function init() {
    var form = $("report-form");
    if (!form || !window.fetch) return;
    var MM = window.MM;
    var parseCoord = MM.parseCoord;
    var cfg = MM.config();
    var t = cfg.texts;
    var lat = form.elements.lat;
    var lon = form.elements.lon;
    var category = form.elements.category;
    var responsible = $("responsible");
    Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) { el.hidden = false; });

    /* --- map and location (map.js) ----------------------------------------------------------- */
    var pinOptions = {
      title: t.marker,
      zoom: 16,
      onDrag: function (la, lo) { setLocation(la, lo, false); }
    };
    var pin = MM.pickMarker(null, pinOptions); // places nothing until the map is there
    MM.later(function () { // the map in a task of its own, after the form's set-up below
      var map = MM.regionMap($("map"));
      if (!map) return;
      pin = MM.pickMarker(map, pinOptions);
      MM.reportsLayer(map, { status: "open" }, { keyboard: false });
      MM.permitsLayer(map);
      map.on("click", function (e) { setLocation(e.latlng.lat, e.latlng.lng, false); });
      var la = parseCoord(lat.value);
      var lo = parseCoord(lon.value);
      if (la !== null && lo !== null) pin.place(la, lo, true); // typed before the map was there
      else if (chosenPlace && chosenPlace.area) pin.view(chosenPlace[0], chosenPlace[1], MM.placeZoom("commune"));
    });

    function setLocation(la, lo, pan, zoom) {
      lat.value = MM.coordText(la);
      lon.value = MM.coordText(lo);
      pin.place(la, lo, pan, zoom);
      lookUp(la, lo);
    }

    /* "Adresse oder Ort suchen" (place-search.js): a chosen place is set like a click on the map; a chosen
       commune, district or postcode only centres the map (its centre is no report's spot – the server
       refuses it too). A place the server chose (a followed link) is already in the fields and placed once
       the map is there. */
    var chosenPlace = MM.placeSearch(function (la, lo, place) {
      if (place.area) pin.view(la, lo, MM.placeZoom(place.kind)); // only the area: the spot is still asked for
      else setLocation(la, lo, true, MM.placeZoom(place.kind));
    });

    var lookupSeq = 0;
    function lookUp(la, lo) {
      var seq = ++lookupSeq;
      responsible.classList.remove("responsible--outside");
      responsible.textContent = t.locating;
      var query = "lat=" + encodeURIComponent(la) + "&lon=" + encodeURIComponent(lo);
      fetch(cfg.locateUrl + "?" + query, { credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (seq !== lookupSeq) return;
          if (res.ok) {
            responsible.textContent = MM.format(t.responsible, { name: res.body.name });
          } else {
            responsible.classList.add("responsible--outside");
            responsible.textContent = res.body.detail || t.locateFailed;
          }
        })
        .catch(function () { if (seq === lookupSeq) responsible.textContent = t.locateFailed; });
      loadNearby(la, lo);
    }

    function typedLocation() {
      var la = parseCoord(lat.value);
      var lo = parseCoord(lon.value);
      if (la === null || lo === null) return;
      pin.place(la, lo, true);
      lookUp(la, lo);
    }
    lat.addEventListener("change", typedLocation);
    lon.addEventListener("change", typedLocation);

    var geoButton = $("use-location");
    geoButton.addEventListener("click", function () {
      if (!navigator.geolocation) { responsible.textContent = t.geoUnsupported; return; }
      responsible.textContent = t.geoLocating;
      navigator.geolocation.getCurrentPosition(
        function (pos) { setLocation(pos.coords.latitude, pos.coords.longitude, true); },
        function () { responsible.textContent = t.geoDenied; },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });

    /* --- open reports nearby ("Ich bin auch betroffen") ---------------------------------------- */
    var nearby = $("nearby");
    var nearbyList = $("nearby-list");
    var nearbySeq = 0;
    function loadNearby(la, lo) {
      var seq = ++nearbySeq;
      var params = new URLSearchParams({ lat: la, lon: lo });
      if (category.value) params.set("category", category.value);
      fetch(cfg.nearbyUrl + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { features: [] }; })
        .then(function (data) { if (seq === nearbySeq) showNearby(data.features || []); })
        .catch(function () {});
    }
    /* --- danger categories: the emergency numbers as soon as one is chosen (domains/reports/danger.py) */
    var dangerBox = $("danger-notice");
    var dangerData = $("danger-notices");
    var dangers = dangerData ? JSON.parse(dangerData.textContent) : {};
    function showDanger() {
      var notice = dangers[category.value];
      dangerBox.innerHTML = "";
      dangerBox.hidden = !notice;
      if (!notice) return;
      var p = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = notice.text;
      p.appendChild(strong);
      dangerBox.appendChild(p);
    }
    category.addEventListener("change", showDanger);

    category.addEventListener("change", function () {
      var la = parseCoord(lat.value);
      var lo = parseCoord(lon.value);
      if (la !== null && lo !== null) loadNearby(la, lo);
    });

    function showNearby(features) {
      nearbyList.innerHTML = "";
      nearby.hidden = features.length === 0;
      features.forEach(function (f) {
        var p = f.properties;
        var info = MM.statusInfo(p.status);
        var item = document.createElement("li");
        var title = document.createElement("p");
        var strong = document.createElement("strong");
        strong.textContent = p.category_name;
        title.appendChild(strong);
        title.appendChild(document.createTextNode(" · " + info.symbol + " " + info.label + " · " +
          MM.format(t.metres, { m: Math.round(Number(p.distance_m)) })));
        var text = document.createElement("p");
        text.textContent = p.description.length > 140 ? p.description.slice(0, 140) + " …" : p.description;
        var actions = document.createElement("p");
        var link = document.createElement("a");
        link.href = cfg.detailUrl.replace("__ID__", encodeURIComponent(p.id));
        link.textContent = t.details + " (" + p.id + ")";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button button--secondary";
        button.textContent = t.support;
        button.addEventListener("click", function () { support(p.id, button); });
        actions.appendChild(button);
        actions.appendChild(document.createTextNode(" "));
        actions.appendChild(link);
        item.appendChild(title);
        item.appendChild(text);
        item.appendChild(actions);
        nearbyList.appendChild(item);
      });
    }

    function support(id, button) {
      button.disabled = true;
      fetch(cfg.supportUrl.replace("__ID__", encodeURIComponent(id)), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": MM.csrfToken(form), Accept: "application/json" }
      })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          var note = document.createElement("span");
          note.setAttribute("role", "status");
          note.textContent = res.ok ? MM.format(t.supported, { n: res.body.supporters }) : (res.body.detail || t.supportFailed);
          button.replaceWith(note);
        })
        .catch(function () { button.disabled = false; button.textContent = t.supportFailed; });
    }

    /* --- description counter ------------------------------------------------------------------- */
    var description = form.elements.description;
    var counter = $("description-counter");
    var max = Number(description.getAttribute("data-max")) || 4000;
    function count() {
      var n = description.value.replace(/\r\n/g, "\n").length;
      counter.textContent = MM.format(t.chars, { count: MM.formatCount(n), max: MM.formatCount(max) }) +
        (n > max ? " – " + t.tooLong : "");
      counter.classList.toggle("counter--over", n > max);
    }
    description.addEventListener("input", count);
    count();

    /* --- photos: preview, then shrink big ones before upload ----------------------------------- */
    var photos = form.elements.photos;
    var previews = $("photo-previews");
    photos.addEventListener("change", function () {
      previews.innerHTML = "";
      Array.prototype.forEach.call(photos.files, function (file) {
        if (!/^image\//.test(file.type)) return;
        var item = document.createElement("li");
        var img = document.createElement("img");
        img.alt = MM.format(t.preview, { name: file.name });
        img.src = URL.createObjectURL(file);
        img.onload = function () { URL.revokeObjectURL(img.src); };
        item.appendChild(img);
        previews.appendChild(item);
      });
    });

    function shrink(file) {
      if (!window.createImageBitmap || !/^image\/(jpeg|png|webp)$/.test(file.type)) return Promise.resolve(file);
      return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
        var scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
        if (scale === 1 && file.size <= SHRINK_ABOVE_BYTES) { bitmap.close(); return file; }
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        bitmap.close();
        return new Promise(function (resolve) {
          canvas.toBlob(function (blob) {
            resolve(blob ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" }) : file);
          }, "image/jpeg", 0.85);
        });
      }).catch(function () { return file; }); // cannot decode here (e.g. HEIC): the server converts it
    }

    /* --- submit with the server's messages beside the fields (forms.js) ----------------------- */
    var errors = MM.formErrors(form, $("error-summary"));
    var submit = form.querySelector('button[type="submit"]:not([name="refresh"])');
    function formData() { // photos chosen now, shrunk; else those of a stored draft (offline-draft.js)
      var chosen = photos.files.length ? Array.prototype.map.call(photos.files, shrink) : (draft ? draft.photos() : []);
      return Promise.all(chosen).then(function (files) {
        var data = new FormData(form);
        data.delete("photos");
        files.forEach(function (file) { data.append("photos", file, file.name || "Foto.jpg"); });
        return data;
      });
    }
    var draft = MM.offlineDraft && MM.offlineDraft(form, {
      data: formData,
      send: function () { form.requestSubmit(); },
      photos: function (files) {
        previews.innerHTML = "";
        files.forEach(function (file) {
          var item = document.createElement("li");
          var img = document.createElement("img");
          img.alt = MM.format(t.preview, { name: file.name || "Foto" });
          img.src = URL.createObjectURL(file);
          item.appendChild(img);
          previews.appendChild(item);
        });
      }
    });
    form.addEventListener("submit", function (e) {
      // "Kategorie wählen" reloads the page with the category's questions (the server keeps the input)
      if (e.submitter && e.submitter.name === "refresh") return;
      e.preventDefault();
      MM.postForm(form, {
        errors: errors,
        button: submit,
        texts: t,
        data: formData(),
        onOffline: draft ? draft.keep : null,
        onSent: draft ? draft.sent : null
      });
    });
  }

  // a task of its own, apart from map.js's and forms.js's start (MM.later), so that none of them is long
  document.addEventListener("DOMContentLoaded", function () { window.MM.later(init); });
})();
