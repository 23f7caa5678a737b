// A searchable picker over a plain <select data-searchable="Label of the filter field"> (progressive
// enhancement: without this script the select is the whole picker, and the server checks the choice).
// A search field above the select keeps only the options whose text contains what is typed (case and
// accents ignored); the empty "Bitte wählen" option always stays first, and a choice that is filtered
// away is undone, so nothing hidden can be sent. A live line says how many entries match.
(function () {
  "use strict";
  function fold(text) {
    return text.toLocaleLowerCase("de").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    var all = Array.prototype.slice.call(select.options).map(function (o) {
      return { option: o, key: fold(o.text) };
    });
    var field = document.createElement("input");
    field.type = "search";
    field.id = select.id + "-search";
    field.autocomplete = "off";
    field.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = field.id;
    label.textContent = select.getAttribute("data-searchable");
    var count = document.createElement("p");
    count.className = "select-search__count";
    count.id = select.id + "-count";
    count.setAttribute("aria-live", "polite");
    field.setAttribute("aria-describedby", count.id);
    var anchor = select.labels && select.labels[0] ? select.labels[0] : select;
    anchor.parentNode.insertBefore(label, anchor);
    anchor.parentNode.insertBefore(field, anchor);
    anchor.parentNode.insertBefore(count, anchor);

    field.addEventListener("input", function () {
      var query = fold(field.value.trim());
      var chosen = select.value;
      var shown = 0;
      var keep = document.createDocumentFragment();
      all.forEach(function (entry) {
        var match = entry.option.value === "" || query === "" || entry.key.indexOf(query) >= 0;
        if (match) {
          keep.appendChild(entry.option);
          if (entry.option.value !== "") shown += 1;
        }
      });
      select.replaceChildren(keep);
      var stillThere = all.some(function (e) { return e.option.value === chosen && e.option.parentNode === select; });
      select.value = stillThere ? chosen : "";
      if (shown === 1 && query !== "") select.selectedIndex = 1; // one match: take it
      count.textContent = query === "" ? "" : shown === 1 ? "1 Treffer" : shown + " Treffer";
    });
    // Enter in the search field would send the form with whatever is chosen: move to the list instead.
    field.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        select.focus();
      }
    });
  });
})();
