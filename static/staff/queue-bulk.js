// The queue's "alle" checkbox (issue 30.7): ticks every row of the page. Without JavaScript the rows are
// ticked one by one; the form works the same.
(function () {
  "use strict";
  var all = document.getElementById("bulk-all");
  var label = document.getElementById("bulk-all-label");
  if (!all || !label) return;
  var boxes = Array.prototype.slice.call(document.querySelectorAll('#bulk-form input[name="ids"]'));
  if (!boxes.length) return;
  label.hidden = false;
  all.setAttribute("aria-label", "Alle Meldungen dieser Seite auswählen");
  function sync() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    all.checked = n === boxes.length;
    all.indeterminate = n > 0 && n < boxes.length;
  }
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
  });
  boxes.forEach(function (b) { b.addEventListener("change", sync); });
  sync();
})();
