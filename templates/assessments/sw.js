/* The assessment workspace without a connection (served by assessments/views/offline.py).

   Keeps two things, and nothing else: the workspace page of each assessment as it was last
   loaded (/assessments/<id>/, each criterion), and the static files that page uses. Both are
   fetched from the network first, so that online the page is always the server's; the kept copy
   is shown only when the network fails. Every other request (saving, uploads, signing, the
   review page, the API) goes to the network untouched: signing never works offline. The changes
   made offline wait in the page itself (static/js/offline.js), not here. */
"use strict";

var ASSETS = "workspace-assets-{{ version }}";
var PAGES = "workspace-pages";
var ASSET_URLS = [{% for url in assets %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var NAMES = ASSET_URLS.map(function (url) { return unhashed(url); });
var STATIC = "{{ static_url|escapejs }}";
var WORKSPACE = /^\/assessments\/\d+\/$/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(ASSETS).then(function (cache) { return cache.addAll(ASSET_URLS); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("workspace-assets-") === 0 && key !== ASSETS;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function offlinePage() {
  return new Response(
    "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Offline</title>" +
    "<h1>No connection</h1><p>This page was not opened on this device while online, so it cannot " +
    "be shown offline. Open it again once the connection is back.</p></html>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
  );
}

// The workspace page: the server's when it answers, else the copy kept at the last visit. A
// page that is no longer the user's to see (logged out: a redirect; no access: 403 or 404) is
// forgotten.
function workspacePage(request) {
  var key = request.url.split("#")[0];
  return fetch(request).then(function (response) {
    if (response.status === 200 && response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { return cache.put(key, copy); });
    } else if (response.type === "opaqueredirect" || response.redirected || response.status === 403 || response.status === 404) {
      caches.open(PAGES).then(function (cache) { return cache.delete(key); });
    }
    return response;
  }, function () {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(key, { ignoreVary: true });
    }).then(function (kept) { return kept || offlinePage(); });
  });
}

// A static file's name without the content hash a deployment puts in it (app.3f2a1b9c0d4e.js).
function unhashed(path) { return path.replace(/\.[0-9a-f]{12}(\.[^./]+)$/, "$1"); }

// A static file of the page: the network's, else the kept one. A page kept before a deployment
// names the files of that deployment, which the new worker no longer keeps: it gets the current
// file of the same name rather than none.
function asset(request) {
  return fetch(request).then(function (response) {
    if (response.status === 200) {
      var copy = response.clone();
      caches.open(ASSETS).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  }, function () {
    return caches.open(ASSETS).then(function (cache) {
      return cache.match(request, { ignoreVary: true }).then(function (kept) {
        if (kept) return kept;
        var name = unhashed(new URL(request.url).pathname);
        var current = ASSET_URLS.filter(function (url) { return unhashed(url) === name; })[0];
        return current ? cache.match(current, { ignoreVary: true }) : undefined;
      });
    }).then(function (kept) { return kept || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (WORKSPACE.test(url.pathname)) event.respondWith(workspacePage(request));
  else if (url.pathname.indexOf(STATIC) === 0 && NAMES.indexOf(unhashed(url.pathname)) !== -1) {
    event.respondWith(asset(request));
  }
});
