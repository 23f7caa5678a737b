/* Photo redaction (issue 31.5): draw boxes on the image to fill the form's rows (x, y, width, height in
   pixels of the stored image). Progressive: without this script the number fields are the whole tool.
   Keyboard: every box drawn is also a row of number fields, which are the keyboard way to place and
   resize it; the overlay follows the fields as they are typed into. */
(function () {
  "use strict";
  var figure = document.getElementById("redact-figure");
  var image = document.getElementById("redact-image");
  var form = document.getElementById("redact-form");
  if (!figure || !image || !form) return;
  var help = document.getElementById("redact-help");
  if (help) help.hidden = false;
  var naturalW = Number(image.dataset.width);
  var naturalH = Number(image.dataset.height);
  var max = Number(form.dataset.max) || 20;

  function rows() { return Array.prototype.slice.call(form.querySelectorAll(".redact-row")); }
  function field(row, name) { return row.querySelector("input[name$='-" + name + "']"); }
  function values(row) {
    return ["x", "y", "w", "h"].map(function (n) { return field(row, n).value.trim(); });
  }
  function scale() { return image.clientWidth / naturalW; }

  function addRow() {
    var all = rows();
    if (all.length >= max) return null;
    var last = all[all.length - 1];
    var copy = last.cloneNode(true);
    var index = all.length;
    copy.dataset.index = String(index);
    copy.querySelector("legend").textContent = last.querySelector("legend").textContent.replace(/\d+/, String(index + 1));
    copy.querySelectorAll("input").forEach(function (input) {
      var name = input.name.replace(/box-\d+-/, "box-" + index + "-");
      input.name = name; input.id = name; input.value = "";
    });
    copy.querySelectorAll("label").forEach(function (label) {
      label.htmlFor = label.htmlFor.replace(/box-\d+-/, "box-" + index + "-");
    });
    last.parentNode.insertBefore(copy, last.nextSibling);
    return copy;
  }

  function emptyRow() {
    var free = rows().filter(function (row) { return values(row).join("") === ""; })[0];
    return free || addRow();
  }

  function draw() {
    figure.querySelectorAll(".redact-box").forEach(function (box) { box.remove(); });
    var s = scale();
    rows().forEach(function (row) {
      var v = values(row).map(Number);
      if (values(row).some(function (x) { return x === ""; }) || v[2] <= 0 || v[3] <= 0) return;
      var box = document.createElement("span");
      box.className = "redact-box";
      box.setAttribute("aria-hidden", "true");
      box.style.left = v[0] * s + "px"; box.style.top = v[1] * s + "px";
      box.style.width = v[2] * s + "px"; box.style.height = v[3] * s + "px";
      figure.appendChild(box);
    });
  }

  function point(event) {
    var rect = image.getBoundingClientRect();
    var s = scale();
    var x = Math.min(Math.max(event.clientX - rect.left, 0), rect.width) / s;
    var y = Math.min(Math.max(event.clientY - rect.top, 0), rect.height) / s;
    return { x: Math.round(x), y: Math.round(y) };
  }

  var start = null;
  var current = null;
  image.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    start = point(event);
    current = emptyRow();
    if (current) image.setPointerCapture(event.pointerId);
  });
  image.addEventListener("pointermove", function (event) {
    if (!start || !current) return;
    var p = point(event);
    var x = Math.min(start.x, p.x), y = Math.min(start.y, p.y);
    field(current, "x").value = x; field(current, "y").value = y;
    field(current, "w").value = Math.min(Math.abs(p.x - start.x), naturalW - x);
    field(current, "h").value = Math.min(Math.abs(p.y - start.y), naturalH - y);
    draw();
  });
  function end() {
    if (current && values(current).join("") !== "" && Number(field(current, "w").value) < 1) {
      ["x", "y", "w", "h"].forEach(function (n) { field(current, n).value = ""; });
    }
    start = null; current = null; draw();
  }
  image.addEventListener("pointerup", end);
  image.addEventListener("pointercancel", end);
  form.addEventListener("input", draw);
  window.addEventListener("resize", draw);
  if (image.complete) draw(); else image.addEventListener("load", draw);
})();
