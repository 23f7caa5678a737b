// "Meine Aufträge": offer sorting by distance from the device (progressive enhancement).
(function () {
  "use strict";
  var button = document.getElementById("sort-by-distance");
  if (!button || !("geolocation" in navigator)) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    button.textContent = "Standort wird ermittelt …";
    navigator.geolocation.getCurrentPosition(function (pos) {
      var url = new URL(window.location.href);
      url.searchParams.set("lat", pos.coords.latitude.toFixed(6));
      url.searchParams.set("lon", pos.coords.longitude.toFixed(6));
      window.location.assign(url.toString());
    }, function () {
      button.disabled = false;
      button.textContent = "Standort nicht verfügbar – erneut versuchen";
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  });
})();
