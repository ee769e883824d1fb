// opskb's service worker: the knowledge base keeps working when the network is gone.
// Written by opskb at build time (offline_worker.py fills in the three values below).
// Network first for everything (pages, assets, the search index), so nothing is stale
// while the site answers; what was fetched is kept, and served when it does not (a page
// with a note saying so). The core pages are saved at install. A new build has a new
// VERSION: its install replaces the cache.
"use strict";
const VERSION = "__OPSKB_VERSION__";
const BUILT = "__OPSKB_BUILT__";
const PRECACHE = __OPSKB_PRECACHE__;
const CACHE = "opskb-" + VERSION;
const ROOT = new URL("./", self.location).href;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        PRECACHE.map((path) =>
          fetch(new URL(path, ROOT), { cache: "no-cache" })
            .then((response) => (response.ok ? cache.put(new URL(path, ROOT), response) : null))
            .catch(() => null)
        )
      )
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith("opskb-") && n !== CACHE).map((n) => caches.delete(n)))
      )
      .then(() => self.clients.claim())
  );
});

function isPage(request) {
  if (request.mode === "navigate") {
    return true;
  }
  const accept = request.headers.get("accept") || "";
  return accept.includes("text/html");
}

function pageKey(url) {
  const key = new URL(url);
  key.search = "";
  key.hash = "";
  return key.href;
}

function withNote(response) {
  return response.text().then((text) => {
    const note =
      '<p class="opskb-offline-note" role="status">Offline: this is the copy saved from the build of ' +
      BUILT + ".</p>";
    const html = text.replace(/<body[^>]*>/i, (tag) => tag + note);
    return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
  });
}

function notSaved() {
  const links = PRECACHE.filter((p) => p.endsWith("/") || p.endsWith(".html"))
    .map((p) => '<li><a href="' + new URL(p, ROOT).href + '">' + (p || "Home") + "</a></li>")
    .join("");
  const html =
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Offline</title>' +
    '<body><h1>Offline</h1><p>This page was not saved for offline use. Saved from the build of ' +
    BUILT + ":</p><ul>" + links + "</ul></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

function networkFirst(request) {
  return fetch(request)
    .then((response) => {
      if (response.ok && request.method === "GET") {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(pageKey(request.url), copy));
      }
      return response;
    })
    .catch(() =>
      caches.match(pageKey(request.url), { cacheName: CACHE }).then((cached) => {
        if (cached) {
          return request.mode === "navigate" ? withNote(cached) : cached;
        }
        return request.mode === "navigate" ? notSaved() : Response.error();
      })
    );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(ROOT)) {
    return; // another site, or a form post: the browser's own way
  }
  event.respondWith(networkFirst(request));
});
