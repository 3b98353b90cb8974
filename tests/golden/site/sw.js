/* antq service worker (issue #5). Written by hand, no framework; served at /sw.js (scope /).
 *
 * install   precache the app shell. Each file is stored under its URL plus its revision (a
 *           hash of its bytes, injected by the build), so a file unchanged since an earlier
 *           version is already in the cache and is not downloaded again.
 * activate  drop shell entries and caches this version does not use; when a downloaded
 *           lesson library is older than this build's, refresh it (changed files only).
 * fetch     pages: network first, then a cached copy, then the offline page.
 *           Files whose name carries a hash (/static/, search index chunks): cache first.
 *           Anything else from this site: network first, then a cached copy.
 * message   "skip-waiting" from the "Tải lại" banner; "library-download" from the lesson
 *           library's button, with progress posted back through a MessageChannel port.
 */
"use strict";

// What the build knows: {precache: [[url, revision], …], offline: url,
// library: {url, version} | null}. Injected at exactly one point (generator/pwa.py).
const BUILD = {"library": {"url": "/bai-hoc/offline.json", "version": "epchncdlfgdacpba"}, "offline": "/offline/", "precache": [["/", "gmcfoccoalkahpcp"], ["/favicon.ico", "igceckdjkklcnida"], ["/icons/apple-touch-icon.png", "mmlfadobmopiobne"], ["/icons/icon-192.png", "ohnokdlhdadlbdmc"], ["/icons/icon-512.png", "pfibcbcfoeplfeeg"], ["/icons/maskable-512.png", "fjenajmipleeajek"], ["/manifest.webmanifest", "elcgkbiplkdedocg"], ["/offline/", "imbgjlfecplmkchn"], ["/static/css/antq.jdckgmeppn.css", "jdckgmeppnmelcjk"], ["/static/js/app.mgnfebkejb.js", "mgnfebkejbkiaeob"], ["/static/js/tim-xa.biejdejdkf.js", "biejdejdkfepnalb"], ["/tim-xa/chi-muc.json", "mflaogbelikggmeo"]]};

// Bump the suffixes when the layout of a cache changes: activate deletes other antq- caches.
const SHELL = "antq-shell-v1";
const RUNTIME = "antq-runtime-v1"; // pages and files met while browsing
const LIBRARY = "antq-library-"; // + the library's version: the downloaded lessons
const RUNTIME_MAX = 60; // entries; the oldest go first
const NETWORK_TIMEOUT = 6000; // ms a page waits for a slow network when a copy is at hand
const PARALLEL = 6; // library downloads at a time (browsers open 6 connections per host)

const shellKeys = new Map(BUILD.precache.map(([url, rev]) => [url, shellKey(url, rev)]));

function shellKey(url, rev) {
  return new URL(`${url}?__rev=${rev}`, self.location.origin).href;
}

// A response that followed a redirect cannot answer a navigation: store a plain copy.
async function storable(response) {
  if (!response.redirected) return response;
  const { status, statusText, headers } = response;
  return new Response(await response.blob(), { status, statusText, headers });
}

async function fetchOk(url) {
  // "no-cache": ask the server (the HTTP cache may hold an older version of a page).
  const response = await fetch(url, { cache: "no-cache", credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return storable(response);
}

// -- install and activate -----------------------------------------------------------------

self.addEventListener("install", (event) => {
  event.waitUntil(precache());
});

async function precache() {
  const cache = await caches.open(SHELL);
  await Promise.all(
    BUILD.precache.map(async ([url, rev]) => {
      const key = shellKey(url, rev);
      if (await cache.match(key)) return; // same bytes as in an earlier version
      await cache.put(key, await fetchOk(url));
    }),
  );
}

self.addEventListener("activate", (event) => {
  event.waitUntil(activate());
});

async function activate() {
  const keep = new Set(shellKeys.values());
  const shell = await caches.open(SHELL);
  for (const request of await shell.keys()) {
    if (!keep.has(request.url)) await shell.delete(request);
  }
  for (const name of await caches.keys()) {
    const ours = name.startsWith("antq-");
    if (ours && name !== SHELL && name !== RUNTIME && !name.startsWith(LIBRARY)) {
      await caches.delete(name);
    }
  }
  await self.clients.claim();
  await refreshLibrary();
}

// -- the lesson library -------------------------------------------------------------------

// The complete library: the cache that holds its own list (written last, see below).
async function storedLibrary() {
  if (!BUILD.library) return null;
  for (const name of await caches.keys()) {
    if (!name.startsWith(LIBRARY)) continue;
    const cache = await caches.open(name);
    const list = await cache.match(BUILD.library.url);
    if (list) return { name, cache, list: await list.json() };
  }
  return null;
}

async function refreshLibrary() {
  const stored = await storedLibrary();
  if (!stored || stored.list.version === BUILD.library.version) return;
  try {
    await downloadLibrary(() => {});
  } catch (error) {
    // Offline or a server error: the previous library still works; the library page offers
    // to update it later.
  }
}

let running = null; // one download at a time, whoever asks

function downloadLibrary(report) {
  if (!running) {
    running = fetchLibrary(report).finally(() => {
      running = null;
    });
  }
  return running;
}

async function fetchLibrary(report) {
  const listResponse = await fetchOk(BUILD.library.url);
  const list = await listResponse.clone().json();
  const name = LIBRARY + list.version;
  const previous = await storedLibrary();
  const old = previous && previous.name !== name ? previous : null;
  const oldRevs = new Map(old ? old.list.files.map((f) => [f.url, f.rev]) : []);
  const cache = await caches.open(name);
  const queue = list.files.slice();
  let done = 0;
  let bytes = 0;
  const next = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      await fetchInto(cache, file, old && oldRevs.get(file.url) === file.rev ? old.cache : null);
      done += 1;
      bytes += file.size;
      report({ type: "progress", done, total: list.files.length, bytes, size: list.size });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, next));
  // The list goes in last: a cache without it is an interrupted download, resumed next time.
  await cache.put(BUILD.library.url, listResponse);
  for (const other of await caches.keys()) {
    if (other.startsWith(LIBRARY) && other !== name) await caches.delete(other);
  }
  return list;
}

async function fetchInto(cache, file, unchangedIn) {
  if (await cache.match(file.url)) return; // resuming an interrupted download
  const kept = unchangedIn && (await unchangedIn.match(file.url));
  await cache.put(file.url, kept || (await fetchOk(file.url)));
}

// -- answering requests -------------------------------------------------------------------

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") event.respondWith(page(event, url));
  else if (hashed(url.pathname)) event.respondWith(cacheFirst(event, url));
  else event.respondWith(networkFirst(event.request, url));
});

function hashed(path) {
  return (
    path.startsWith("/static/") ||
    /^\/pagefind(-bai-hoc)?\/(index|fragment|filter)\//.test(path) ||
    path.endsWith(".pf_meta")
  );
}

// A copy from any of our caches. Pages are matched without their query (a static page is
// the same whatever "?q=…" follows it), and so are the search index's files: Pagefind asks
// for its entry file with "?ts=<time>".
async function cached(url, anyQuery = url.pathname.startsWith("/pagefind")) {
  const key = shellKeys.get(url.pathname);
  if (key && (anyQuery || !url.search)) {
    const hit = await caches.match(key, { cacheName: SHELL });
    if (hit) return hit;
  }
  return caches.match(url.href, { ignoreSearch: anyQuery });
}

async function remember(url, response) {
  const cache = await caches.open(RUNTIME);
  await cache.delete(url.href); // re-added at the end: the oldest entries go first
  await cache.put(url.href, await storable(response));
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - RUNTIME_MAX))) {
    await cache.delete(old);
  }
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function page(event, url) {
  const network = fetch(event.request);
  event.waitUntil(
    network.then((r) => (r.ok ? remember(url, r.clone()) : null)).catch(() => null),
  );
  const copy = await cached(url, true);
  try {
    if (!copy) return await network;
    // With a copy at hand, a very slow network ("lie-fi") does not keep the reader waiting.
    return await Promise.race([network, delay(NETWORK_TIMEOUT).then(() => copy)]);
  } catch (error) {
    if (copy) return copy;
    const offline = await caches.match(shellKeys.get(BUILD.offline), { cacheName: SHELL });
    return offline || Response.error();
  }
}

async function cacheFirst(event, url) {
  const hit = await cached(url);
  if (hit) return hit;
  const response = await fetch(event.request);
  if (response.ok && url.pathname.startsWith("/static/")) {
    event.waitUntil(remember(url, response.clone()));
  }
  return response;
}

async function networkFirst(request, url) {
  try {
    return await fetch(request);
  } catch (error) {
    const hit = await cached(url);
    if (hit) return hit;
    throw error;
  }
}

// -- messages from pages ------------------------------------------------------------------

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "skip-waiting") {
    self.skipWaiting();
  } else if (message.type === "library-download" && BUILD.library) {
    const port = event.ports[0];
    const report = (m) => port && port.postMessage(m);
    event.waitUntil(
      downloadLibrary(report).then(
        (list) => report({ type: "ready", version: list.version, size: list.size }),
        (error) => report({ type: "error", message: String((error && error.message) || error) }),
      ),
    );
  }
});

// -- web push (issue #6) --------------------------------------------------------------------
// The service worker's part of web push. The build appends this file to pwa/sw.js (one
// worker for the site); tests/test_push.py also runs it in Chromium as a worker of its own:
// a push delivered through DevTools shows the notification; the click opens only pages of
// this site.

// Only a page of this site may be opened from a notification, whatever the payload says.
function pushTarget(value) {
  try {
    const url = new URL(String(value || "/cap-nhat/"), self.location.origin);
    if (url.origin === self.location.origin) return url.href;
  } catch (error) {
    // not a URL: fall through
  }
  return new URL("/cap-nhat/", self.location.origin).href;
}

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {}; // not JSON: still show something (a silent push costs the permission in Chrome)
  }
  const text = (value, max) => (typeof value === "string" ? value.slice(0, max) : "");
  const title = text(data.title, 120) || "Cập nhật dữ liệu phong trào";
  event.waitUntil(
    self.registration.showNotification(title, {
      body: text(data.body, 600),
      tag: text(data.tag, 64) || "antq", // the same run again replaces, never stacks
      lang: "vi",
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      data: { url: pushTarget(data.url) },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = pushTarget(event.notification.data && event.notification.data.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const client of windows) {
        if (client.url === url && "focus" in client) return client.focus();
      }
      return self.clients.openWindow(url);
    })(),
  );
});

// The browser renewed the subscription (Firefox does; Chrome rarely): subscribe again with
// the same key and tell the service, with the topics pwa/push.js last stored.
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open("push-state-v1");
      const stored = await cache.match("/__antq/push-state");
      if (!stored) return;
      const state = await stored.json();
      if (!state.service || !Array.isArray(state.topics) || !state.topics.length) return;
      const options = event.oldSubscription && event.oldSubscription.options;
      if (!options || !options.applicationServerKey) return;
      const subscription = await self.registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: options.applicationServerKey,
      });
      await fetch(`${state.service}/subscriptions`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ subscription: subscription.toJSON(), topics: state.topics }),
        credentials: "omit",
      });
    })().catch(() => {}),
  );
});
