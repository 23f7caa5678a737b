/* Helpers every map module shares: the page's configuration (#map-config), number and text formatting,
   HTML escaping, and scheduling work so that setting up a map keeps each browser task short. */

var configCache = null;

/* The page's map configuration: URLs, texts and statuses from the json_script #map-config. */
export function config() {
  if (!configCache) {
    var node = document.getElementById("map-config");
    configCache = node ? JSON.parse(node.textContent) : {};
  }
  return configCache;
}

/* A whole number with the page language's thousands separator ("4.000", "4,000"). Not Intl: building
   the first Intl.NumberFormat of a page loads locale data, ~30 ms on a phone, for four digits. */
export function formatCount(n) {
  var sep = document.documentElement.lang === "en" ? "," : ".";
  return String(Math.round(Number(n))).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/* A gettext text with Python-style placeholders ("%(count)s") filled in from ``values``. */
export function format(text, values) {
  return text.replace(/%\((\w+)\)s/g, function (_, key) {
    return values[key] === undefined ? "" : String(values[key]);
  });
}

export function escapeHtml(text) {
  var div = document.createElement("div");
  div.textContent = text;
  return div.innerHTML;
}

/* Run ``fn`` once the browser is idle (the page's own scripts and first paint come first). */
export function whenIdle(fn) {
  if (window.requestIdleCallback) window.requestIdleCallback(fn, { timeout: 2000 });
  else setTimeout(fn, 50);
}

/* Run ``fn`` in a task of its own, after those queued before it: setting up a map step by step keeps
   each task short, so a phone answers a tap in between (and no step blocks the page for long). */
export function later(fn) { setTimeout(fn, 0); }

/* The visible area of ``map`` as the API's bbox parameter (WGS 84 degrees, west,south,east,north). */
export function bboxOf(map) {
  var b = map.getBounds();
  return [
    Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()),
    Math.min(180, b.getEast()), Math.min(90, b.getNorth())
  ].map(function (v) { return v.toFixed(5); }).join(",");
}
