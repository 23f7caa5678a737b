/* Mängelmelder Sachsen – service worker of the report form (interfaces/web/offline.py). It handles only
   the form page "/" (network first, the cached copy when offline) and the files under /static/ (the cached
   copy at once, refreshed in the background); every other request goes to the network untouched. */
"use strict";
var CACHE = "mm-form-v1";
var FORM = "/";

function assetsOf(html) {
  var urls = [];
  var re = /"(\/static\/[^"?#\s]+)"/g;
  var m;
  while ((m = re.exec(html))) if (urls.indexOf(m[1]) < 0) urls.push(m[1]);
  return urls;
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return fetch(FORM, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) return undefined;
      return response.clone().text().then(function (html) {
        return cache.put(FORM, response).then(function () { return cache.addAll(assetsOf(html)); });
      });
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === FORM) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !url.search) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(FORM, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(FORM, { ignoreSearch: true, ignoreVary: true }).then(function (hit) {
        return hit || Response.error();
      });
    }));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(request, { ignoreVary: true }).then(function (hit) {
        var fresh = fetch(request).then(function (response) {
          if (response.ok) cache.put(request, response.clone());
          return response;
        });
        if (hit) { fresh.catch(function () {}); return hit; }
        return fresh;
      });
    }));
  }
});
