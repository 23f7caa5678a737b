/* A report's status as the map shows it: label and symbol from the page configuration, and the marker
   icon that carries the symbol, so the status is not told by colour alone. Shared by the tile markers
   (tiles.js) and the GeoJSON markers (reports.js). */
import { config, escapeHtml } from "./util.js";

export function statusInfo(value) {
  var list = config().statuses || [];
  for (var i = 0; i < list.length; i++) {
    if (list[i].value === value) return list[i];
  }
  return { value: value, label: value, symbol: "•" };
}

export function statusIcon(status) {
  var info = statusInfo(status);
  return L.divIcon({
    className: "mm-marker status--" + info.value,
    html: '<span aria-hidden="true">' + escapeHtml(info.symbol) + "</span>",
    iconSize: [28, 28],
    iconAnchor: [14, 14],
    popupAnchor: [0, -14]
  });
}
