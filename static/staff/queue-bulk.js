// The queue's bulk form (issue 30.7), made easier with JavaScript: an "alle" checkbox ticks every row of
// the page, and only the fields of the chosen action are shown. Without JavaScript the rows are ticked
// one by one and every field shows; the form works the same (the server ignores the other fields).
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  if (!form) return;

  var all = document.getElementById("bulk-all");
  var label = document.getElementById("bulk-all-label");
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="ids"]'));
  if (all && label && boxes.length) {
    label.hidden = false;
    all.setAttribute("aria-label", "Alle Meldungen dieser Seite auswählen");
    var sync = function () {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      all.checked = n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    };
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
    });
    boxes.forEach(function (b) { b.addEventListener("change", sync); });
    sync();
  }

  var action = document.getElementById("b-action");
  var fields = Array.prototype.slice.call(form.querySelectorAll("[data-actions]"));
  if (action && fields.length) {
    var show = function () {
      fields.forEach(function (f) {
        f.hidden = f.getAttribute("data-actions").split(" ").indexOf(action.value) < 0;
      });
    };
    action.addEventListener("change", show);
    show();
  }
})();
