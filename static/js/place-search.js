/* Mängelmelder Sachsen – "Adresse oder Ort suchen" above the maps of the report, permit and parking forms.
   Without this script the field is a GET form whose answer lists the places as links (interfaces/web/place_search.py).
   With it the same field becomes a combobox after the WAI-ARIA 1.2 pattern "combobox with listbox popup"
   (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): the focus stays in the text field, the highlighted
   option is named by aria-activedescendant; ArrowDown/ArrowUp move through the options (and open the
   list), Enter takes the highlighted one, Escape closes the list (or, when closed, empties the field).
   Results come from GET /api/v1/addresses/?q= as the person types (debounced); their number is announced
   in the field's polite status line. The page script says what choosing a place does (MM.placeSearch). */
(function () {
  "use strict";

  var MM = (window.MM = window.MM || {});
  var DELAY_MS = 250;     // wait for a pause in typing: one request per word, not per letter
  var LIMIT = 8;
  var ZOOM = { address: 18, street: 17, postcode: 14, commune: 12, district: 10 };

  /* The map zoom that shows a chosen place of this kind (a house closer than a district). */
  MM.placeZoom = function (kind) { return ZOOM[kind] || 16; };

  /* Enhance the page's search field. ``onChoose(lat, lon, properties)`` runs when a place is chosen (WGS84,
     ``properties`` as the API gives them: kind, label, commune, area …; ``area``: a commune, district or
     postcode, whose point only centres the map – never a report's spot). Returns the place the server
     already chose (a followed candidate link) as [lat, lon] (with ``.area``), or null. */
  MM.placeSearch = function (onChoose) {
    var box = document.getElementById("place-search");
    var textsNode = document.getElementById("place-search-texts");
    if (!box || !textsNode || !window.fetch) return null;
    var t = JSON.parse(textsNode.textContent);
    var input = document.getElementById("place-search-input");
    var status = document.getElementById("place-search-status");
    var form = document.getElementById("place-search-form");
    var listbox = document.createElement("ul");
    var features = [];
    var active = -1;
    var timer = null;
    var sequence = 0;
    var controller = null;
    var searched = null; // the text the shown options belong to

    listbox.id = "place-search-listbox";
    listbox.className = "place-search__listbox";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", t.listLabel);
    listbox.hidden = true;
    input.parentNode.appendChild(listbox);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    function say(text, problem) {
      status.textContent = text;
      status.classList.toggle("place-search__status--problem", !!problem);
    }

    function dropServerList() { // the no-JavaScript answer's links belong to an older search
      var old = box.querySelector(".place-search__results");
      if (old) old.parentNode.removeChild(old);
    }

    function isOpen() { return !listbox.hidden; }

    function open() {
      if (!features.length) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      setActive(-1);
    }

    function setActive(index) {
      active = index;
      Array.prototype.forEach.call(listbox.children, function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index < 0) { input.removeAttribute("aria-activedescendant"); return; }
      var option = listbox.children[index];
      input.setAttribute("aria-activedescendant", option.id);
      if (option.scrollIntoView) option.scrollIntoView({ block: "nearest" });
    }

    function render() {
      listbox.innerHTML = "";
      features.forEach(function (f, i) {
        var p = f.properties;
        var option = document.createElement("li");
        option.id = "place-search-option-" + i;
        option.className = "place-search__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.appendChild(document.createTextNode(p.label + " "));
        var kind = document.createElement("span");
        kind.className = "place-search__kind";
        kind.textContent = "(" + ((p.city && t.kinds.city) || t.kinds[p.kind] || p.kind) + ")";
        option.appendChild(kind);
        option.addEventListener("mousedown", function (e) { e.preventDefault(); }); // keep the focus
        option.addEventListener("click", function () { choose(i); });
        listbox.appendChild(option);
      });
    }

    function search(text) {
      var seq = ++sequence;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var url = t.url + "?q=" + encodeURIComponent(text) + "&limit=" + LIMIT;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, signal: controller ? controller.signal : undefined })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (seq !== sequence) return;
          if (!res.ok) { features = []; close(); say(res.body.detail || t.failed, true); return; }
          features = res.body.features || [];
          searched = text;
          dropServerList();
          render();
          setActive(-1);
          if (features.length) {
            open();
            say(MM.format(features.length === 1 ? t.foundOne : t.foundMany, { n: features.length }), false);
          } else {
            close();
            say(/^\d{5}$/.test(text) ? t.nonePostcode : t.none, true);
          }
        })
        .catch(function (err) {
          if (seq !== sequence || (err && err.name === "AbortError")) return;
          say(t.failed, true);
        });
    }

    /* Search now (Enter without a highlighted option, the "Suchen" button); ``explicit``: also say why not. */
    function searchNow(explicit) {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < t.minChars) {
        sequence++; // an answer still on its way is for an older text
        features = [];
        close();
        say(explicit ? MM.format(t.tooShort, { n: t.minChars }) : "", explicit);
        return;
      }
      if (text === searched && features.length) { open(); return; }
      search(text);
    }

    function choose(index) {
      var f = features[index];
      if (!f) return;
      input.value = f.properties.label;
      searched = f.properties.label;
      close();
      say(chosenText(f.properties), false);
      onChoose(f.geometry.coordinates[1], f.geometry.coordinates[0], f.properties);
    }

    /* A commune, district or postcode is an area: the page only shows it and asks for the exact spot. */
    function chosenText(p) {
      if (!p.area) return MM.format(t.chosen, { label: p.label });
      var text = MM.format(t.chosenArea, { label: p.label });
      return p.has_addresses === false ? text + " " + MM.format(t.noAddresses, { label: p.label }) : text;
    }

    function move(step) {
      if (!features.length) { searchNow(false); return; }
      open();
      var n = features.length;
      setActive(active < 0 ? (step > 0 ? 0 : n - 1) : (active + step + n) % n);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      searched = null;
      features = [];
      close();
      timer = setTimeout(function () { searchNow(false); }, DELAY_MS);
    });

    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "Down") {
        e.preventDefault();
        if (e.altKey) open(); else move(1);
      } else if (e.key === "ArrowUp" || e.key === "Up") {
        e.preventDefault();
        move(-1);
      } else if (e.key === "Enter") {
        e.preventDefault(); // never a page reload with the script: other fields keep what was typed
        if (isOpen() && active >= 0) choose(active); else searchNow(true);
      } else if (e.key === "Escape" || e.key === "Esc") {
        if (isOpen()) { e.preventDefault(); close(); } else if (input.value) { e.preventDefault(); input.value = ""; searched = null; features = []; say("", false); }
      } else if (e.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () { close(); });

    form.addEventListener("submit", function (e) { // the "Suchen" button
      e.preventDefault();
      input.focus();
      searchNow(true);
    });

    var lat = parseFloat(box.getAttribute("data-lat"));
    var lon = parseFloat(box.getAttribute("data-lon"));
    if (!isFinite(lat) || !isFinite(lon)) return null;
    var chosen = [lat, lon];
    chosen.area = box.hasAttribute("data-area");
    return chosen;
  };
})();
