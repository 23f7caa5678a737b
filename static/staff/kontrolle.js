/* Parking card check in the browser (/kontrolle/): the same rules as domains/permits/parking_card.py.
 *
 * Works without network once the page is loaded: the public keys (each with its kid, the card's "k";
 * cards without one belong to the "legacy" key) and the commune's plate-hash key come with the page, the
 * revocation list is fetched when possible and kept in localStorage for later. Where the browser lacks
 * WebCrypto Ed25519, the form is simply posted and the server checks it. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("kontrolle-config").textContent);
  var form = document.getElementById("check-form");
  var result = document.getElementById("result");
  var revokedState = document.getElementById("revoked-state");
  var STORE = "mm-kontrolle-revoked";
  var PLATE_RE = /^([A-ZÄÖÜ]{1,3})[- ]?([A-Z]{1,2})[- ]?([1-9][0-9]{0,3})([EH]?)$/;
  var enc = new TextEncoder();

  function unb64(text) {
    var s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function b64(bytes) {
    var bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function normalisePlate(value) {
    var text = value.normalize("NFC").trim().toUpperCase().replace(/\s+/g, " ");
    var m = PLATE_RE.exec(text);
    if (!m || (m[1] + m[2] + m[3] + m[4]).length > 8) return null;
    return m[1] + "-" + m[2] + " " + m[3] + m[4];
  }

  function german(iso) {
    var p = iso.split("-");
    return p[2] + "." + p[1] + "." + p[0];
  }

  function today() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function dayAfter(iso) {
    var d = new Date(iso + "T12:00:00");
    d.setDate(d.getDate() + 1);
    return d.toISOString().slice(0, 10);
  }

  function revoked() {
    try {
      var stored = JSON.parse(localStorage.getItem(STORE) || "null");
      return stored ? stored : { generated: null, revoked: [] };
    } catch (e) {
      return { generated: null, revoked: [] };
    }
  }

  function showRevokedState() {
    var list = revoked();
    revokedState.textContent = list.generated
      ? "Sperrliste vom " + new Date(list.generated).toLocaleString("de-DE") + " (" + list.revoked.length + " Einträge)."
      : "Sperrliste noch nicht geladen: widerrufene Ausweise werden erst mit Netz erkannt.";
  }

  function loadRevoked() {
    return fetch(config.revokedUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { localStorage.setItem(STORE, JSON.stringify(data)); })
      .catch(function () { /* offline: keep the last list */ })
      .then(showRevokedState);
  }

  var NOT_A_CARD = "Kein gültiger Parkausweis-Code: Signatur falsch, Code verändert oder unvollständig.";
  var KID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

  function unknownKey(kid) {
    if (kid === config.legacyKid) {
      return "Der Ausweis stammt aus der Zeit vor dem Schlüsselwechsel; sein Schlüssel wird nicht mehr angenommen. Der Ausweis ist ungültig; die Inhaberin oder der Inhaber erhält einen neuen.";
    }
    return "Der Ausweis ist mit einem unbekannten Schlüssel signiert (Schlüssel-ID „" + kid + "“). Bitte die Seite neu laden; bleibt die Meldung, ist der Schlüssel zurückgezogen und der Ausweis ungültig.";
  }

  // {payload} when the key the card's kid names (payload.k; none: "legacy") verifies it, else {problem}.
  function signedPayload(code) {
    var parts = code.trim().split(".");
    if (code.length > 600 || parts.length !== 3 || parts[0] !== "PA1") return Promise.resolve({ problem: NOT_A_CARD });
    var payload, signature;
    try {
      payload = JSON.parse(new TextDecoder().decode(unb64(parts[1])));
      signature = unb64(parts[2]);
    } catch (e) {
      return Promise.resolve({ problem: NOT_A_CARD });
    }
    if (!payload || typeof payload !== "object" || Array.isArray(payload)) return Promise.resolve({ problem: NOT_A_CARD });
    var kid = "k" in payload ? payload.k : config.legacyKid;
    if (typeof kid !== "string" || !KID_RE.test(kid)) return Promise.resolve({ problem: NOT_A_CARD });
    var keys = config.keys.filter(function (entry) { return entry.kid === kid; });
    if (!keys.length) return Promise.resolve({ problem: unknownKey(kid) });
    var data = enc.encode(parts[0] + "." + parts[1]);
    var tries = keys.map(function (entry) {
      return crypto.subtle.importKey("raw", unb64(entry.key), { name: "Ed25519" }, false, ["verify"])
        .then(function (k) { return crypto.subtle.verify({ name: "Ed25519" }, k, signature, data); })
        .catch(function () { return false; });
    });
    return Promise.all(tries).then(function (ok) {
      return ok.indexOf(true) >= 0 ? { payload: payload } : { problem: NOT_A_CARD };
    });
  }

  function plateHash(plate) {
    return crypto.subtle.importKey("raw", unb64(config.plateKey), { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
      .then(function (k) { return crypto.subtle.sign("HMAC", k, enc.encode(plate)); })
      .then(function (sig) { return b64(new Uint8Array(sig).slice(0, 16)); });
  }

  function check(code, plate, zone) {
    return signedPayload(code).then(function (signed) {
      if (!signed.payload) return { problems: [signed.problem] };
      var payload = signed.payload;
      var problems = [];
      var on = today();
      if (payload.a !== config.ags) problems.push("Der Ausweis wurde von einer anderen Gemeinde ausgestellt.");
      if (on < payload.f) problems.push("Der Ausweis gilt erst ab " + german(payload.f) + ".");
      if (on > payload.u) problems.push("Der Ausweis ist seit " + german(dayAfter(payload.u)) + " abgelaufen.");
      if (zone && payload.z !== zone) problems.push("Der Ausweis gilt für Zone " + payload.z + ", nicht für Zone " + zone + ".");
      return plateHash(plate).then(function (h) {
        if (h !== payload.h) problems.push("Das Kennzeichen passt nicht zum Ausweis.");
        if (revoked().revoked.indexOf(payload.n) >= 0) problems.push("Der Ausweis wurde widerrufen.");
        return { problems: problems, payload: payload };
      });
    });
  }

  function show(outcome, error) {
    result.innerHTML = "";
    var box = document.createElement("div");
    if (error) {
      box.className = "result result--invalid";
      box.innerHTML = "<p><strong>Nicht geprüft:</strong> </p>";
      box.firstChild.appendChild(document.createTextNode(error));
    } else if (!outcome.problems.length) {
      box.className = "result result--valid";
      var p = document.createElement("p");
      p.innerHTML = "<strong>Gültig</strong>";
      p.appendChild(document.createTextNode(" – Ausweis " + outcome.payload.n + ", Zone " + outcome.payload.z + ", bis " + outcome.payload.u + "."));
      box.appendChild(p);
    } else {
      box.className = "result result--invalid";
      var head = document.createElement("p");
      head.innerHTML = "<strong>Ungültig</strong>";
      if (outcome.payload) head.appendChild(document.createTextNode(" – Ausweis " + outcome.payload.n));
      var ul = document.createElement("ul");
      outcome.problems.forEach(function (text) {
        var li = document.createElement("li");
        li.textContent = text;
        ul.appendChild(li);
      });
      box.appendChild(head);
      box.appendChild(ul);
    }
    result.appendChild(box);
    result.focus();
  }

  function startCamera() {
    var wrap = document.getElementById("camera");
    var video = document.getElementById("camera-video");
    var canvas = document.createElement("canvas");
    var stream = null;
    var stop = function () {
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      wrap.hidden = true;
    };
    document.getElementById("camera-stop").onclick = stop;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      wrap.hidden = false;
      video.play();
      var tick = function () {
        if (wrap.hidden) return;
        if (video.readyState >= 2 && video.videoWidth) {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          var ctx = canvas.getContext("2d");
          ctx.drawImage(video, 0, 0);
          var found = window.jsQR(ctx.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
          if (found && found.data.indexOf("PA1.") === 0) {
            document.getElementById("code").value = found.data;
            stop();
            document.getElementById("plate").focus();
            return;
          }
        }
        setTimeout(tick, 150);
      };
      tick();
    }).catch(function () {
      show(null, "Die Kamera ist nicht verfügbar. Bitte den Code abtippen.");
    });
  }

  // Only when this browser can verify Ed25519 does the page take over; else the server checks.
  crypto.subtle.importKey("raw", unb64(config.keys[0].key), { name: "Ed25519" }, false, ["verify"]).then(function () {
    form.dataset.local = "1";
    showRevokedState();
    loadRevoked();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var plate = normalisePlate(document.getElementById("plate").value);
      var code = document.getElementById("code").value.trim();
      if (!code) return show(null, "Bitte den Code des Ausweises scannen oder eingeben.");
      if (!plate) return show(null, "Bitte ein deutsches Kennzeichen angeben, z. B. DD-AB 1234 (E/H am Ende erlaubt).");
      check(code, plate, document.getElementById("zone").value).then(function (outcome) { show(outcome); });
    });
  }).catch(function () { /* no Ed25519 in this browser: the form posts to the server */ });

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    var scan = document.getElementById("scan");
    scan.hidden = false;
    scan.addEventListener("click", function () { if (window.jsQR) startCamera(); });
  }
})();
