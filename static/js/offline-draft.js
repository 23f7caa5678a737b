/* Mängelmelder Sachsen – the report form's offline draft (issue 31.7). Rural Saxony has dead spots: when
   the connection is gone, what the person entered (text, place, category, e-mail, the photos already
   shrunk by report-form.js) stays in this browser (IndexedDB, which keeps photos as they are); the page
   says so, and once the connection is back it asks before sending. The draft keeps the form's idempotency
   key, so a draft sent twice (or a send whose answer was lost) is one report on the server. The service
   worker (/sw.js) keeps the page itself, so it opens offline too. */
(function () {
  "use strict";
  var MM = (window.MM = window.MM || {});
  var DB = "mm-drafts";
  var STORE = "drafts";
  var ID = "report";
  var SKIP = ["csrfmiddlewaretoken"]; // the page's own token is sent, not the stored one

  function withStore(mode, work) {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open(DB, 1);
      open.onupgradeneeded = function () { open.result.createObjectStore(STORE); };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () {
        var db = open.result;
        var tx = db.transaction(STORE, mode);
        var req = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(req.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      };
    });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  /* ``options``: data() → Promise<FormData> of the form as it would be sent (photos shrunk), send() to
     submit the form, photos(files) to show the draft's photos. Returns {keep(data), photos(), sent()}. */
  MM.offlineDraft = function (form, options) {
    var box = document.getElementById("draft-status");
    if (!box || !window.indexedDB || !window.Promise) return null;
    var message = box.querySelector("[data-draft-message]");
    var actions = box.querySelector("[data-draft-actions]");
    var key = form.elements.idempotency_key;
    var draftPhotos = [];
    var stored = false;

    function say(name) {
      box.hidden = false;
      message.textContent = box.getAttribute("data-" + name);
      actions.hidden = name !== "online";
    }
    function keep(data) {
      var entries = [];
      data.forEach(function (value, name) { if (SKIP.indexOf(name) < 0) entries.push([name, value]); });
      return withStore("readwrite", function (s) { return s.put({ entries: entries, saved: Date.now() }, ID); })
        .then(function () { stored = true; say(navigator.onLine ? "online" : "saved"); })
        .catch(function () { say("failed"); });
    }
    function restore(draft) {
      stored = true;
      draftPhotos = [];
      draft.entries.forEach(function (entry) {
        var name = entry[0];
        var value = entry[1];
        if (value instanceof Blob) { draftPhotos.push(value); return; }
        var field = form.elements[name];
        if (field && field.type !== "file") field.value = value;
      });
      if (draftPhotos.length) options.photos(draftPhotos);
      ["input", "change"].forEach(function (type) {
        Array.prototype.forEach.call(form.elements, function (f) { // counters, pins and lookups follow
          if (f.name && f.type !== "hidden" && f.type !== "file") f.dispatchEvent(new Event(type, { bubbles: true }));
        });
      });
      say(navigator.onLine ? "online" : "saved");
    }

    withStore("readonly", function (s) { return s.get(ID); }).then(function (draft) {
      if (draft && draft.entries) restore(draft);
      else if (key) key.value = newKey(); // the page may come from the cache: never reuse its key
    }).catch(function () {});

    // Typing in a dead spot: keep each change at once, not only when "Absenden" fails.
    var pending = null;
    function changed(e) {
      if (navigator.onLine || !e.target.name || e.target.type === "hidden") return;
      pending = (pending || Promise.resolve()).then(function () { return options.data().then(keep); });
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    window.addEventListener("online", function () { if (stored) say("online"); });
    window.addEventListener("offline", function () { if (stored) say("saved"); });
    box.querySelector("[data-draft-send]").addEventListener("click", function () {
      actions.hidden = true;
      options.send();
    });
    box.querySelector("[data-draft-discard]").addEventListener("click", function () {
      withStore("readwrite", function (s) { return s.delete(ID); }).then(function () {
        stored = false;
        draftPhotos = [];
        if (key) key.value = newKey();
        say("discarded");
      });
    });

    if (navigator.serviceWorker) {
      navigator.serviceWorker.register(box.getAttribute("data-worker"), { scope: "/" }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function () { form.setAttribute("data-offline-ready", "true"); }).catch(function () {});
    }

    return {
      keep: keep,
      photos: function () { return draftPhotos; },
      sent: function () {
        stored = false;
        return withStore("readwrite", function (s) { return s.delete(ID); }).catch(function () {});
      }
    };
  };
})();
