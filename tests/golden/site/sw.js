/* antq service worker (issues 5 and 16). Written by hand, no framework; served at /sw.js
 * (scope /).
 *
 * install   precache the app shell. Each file is stored under its URL plus its revision (a
 *           hash of its bytes, injected by the build), so a file unchanged since an earlier
 *           version is already in the cache and is not downloaded again.
 * activate  drop shell entries and caches this version does not use; when a downloaded
 *           lesson library is older than this build's, refresh it (changed files only).
 * fetch     pages: network first, then a cached copy, then the offline page.
 *           Versioned files (a hash or a version in the name: /static/, /vendor/<lib>-<ver>/,
 *           search index chunks): cache first, remembered on first use.
 *           Anything else from this site (GeoJSON layers, the finder's index): network
 *           first, remembered, then a cached copy.
 *           What is remembered goes to the runtime cache, bounded by bytes (oldest out).
 * message   "skip-waiting" from the "Tải lại" banner; "library-download" from the lesson
 *           library's button; "place-save" from "Lưu xã/tỉnh này để dùng khi không có mạng"
 *           (a province or xã page, its map and layers, kept until the reader removes them);
 *           progress is posted back through a MessageChannel port.
 */
"use strict";

// What the build knows: {precache: [[url, revision], …], offline: url,
// library: {url, version} | null}. Injected at exactly one point (generator/pwa.py).
const BUILD = {"library": {"url": "/bai-hoc/offline.json", "version": "onnpghkkaljimfhg"}, "offline": "/offline/", "precache": [["/", "ilfaojjchiolhfkg"], ["/favicon.ico", "igceckdjkklcnida"], ["/icons/apple-touch-icon.png", "mmlfadobmopiobne"], ["/icons/icon-192.png", "ohnokdlhdadlbdmc"], ["/icons/icon-512.png", "pfibcbcfoeplfeeg"], ["/icons/maskable-512.png", "fjenajmipleeajek"], ["/manifest.webmanifest", "elcgkbiplkdedocg"], ["/offline/", "mimhdekjidfincpo"], ["/static/css/antq.nehcgcngbh.css", "nehcgcngbhfjfanc"], ["/static/js/app.ijggnobeio.js", "ijggnobeionnmlbj"], ["/static/js/tim-xa.ebgmchilih.js", "ebgmchilihpagope"], ["/tim-xa/chi-muc.json", "mflaogbelikggmeo"]]};

// Bump the suffixes when the layout of a cache changes: activate deletes other antq- caches.
const SHELL = "antq-shell-v1";
const RUNTIME = "antq-runtime-v2"; // pages and files met while browsing
const LIBRARY = "antq-library-"; // + the library's version: the downloaded lessons
const PLACE = "antq-place-"; // + a saved page's path: a saved province or xã (js/app.js too)
// Where a saved place's cache keeps its own record (never requested by a page).
const PLACE_RECORD = "/__antq-place.json";
// The runtime cache is bounded by what it holds, not by a count: a map layer weighs as much
// as a hundred pages. The least recently used entries go first; a single file over a
// quarter of the budget is not remembered at all (a national data download).
const RUNTIME_BYTES = 24 * 1024 * 1024;
const RUNTIME_ITEM_MAX = RUNTIME_BYTES / 4;
const SIZE_HEADER = "x-antq-size"; // the stored body's bytes, on remembered responses
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
    const kept = name === SHELL || name === RUNTIME || name.startsWith(LIBRARY);
    if (ours && !kept && !name.startsWith(PLACE)) {
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
      report({ type: "progress", done, total: list.files.length, bytes, size: filesSize(list.files) });
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

// -- saved places (issue 16) ------------------------------------------------------------

// A province or xã page saved for offline use: its own cache, named after the page, holding
// the files the build listed for it (/tinh/<slug>/offline.json) and, written last, its
// record. Kept until the reader removes it (the page deletes the cache) or the browser
// evicts the site's storage.
// The bytes of a list's files (a library's list carries no total: see generator.pwa.library).
const filesSize = (files) => files.reduce((sum, f) => sum + f.size, 0);

async function savePlace(listUrl, pageUrl, name, report) {
  const list = await (await fetchOk(listUrl)).json();
  const picked = list.province.url === pageUrl ? list.province.files : list.wards[pageUrl];
  if (!picked) throw new Error(`${pageUrl}: not in ${listUrl}`);
  const files = picked.map((i) => list.files[i]);
  const size = filesSize(files);
  const cacheName = PLACE + pageUrl;
  const had = await caches.has(cacheName);
  const cache = await caches.open(cacheName);
  const recordUrl = new URL(PLACE_RECORD, self.location.origin).href;
  const old = await cache.match(recordUrl);
  const oldRevs = new Map(old ? (await old.json()).files.map((f) => [f.url, f.rev]) : []);
  const queue = files.slice();
  let done = 0;
  let bytes = 0;
  const next = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const kept = oldRevs.get(file.url) === file.rev && (await cache.match(file.url));
      if (!kept) await cache.put(file.url, await fetchOk(file.url));
      done += 1;
      bytes += file.size;
      report({ type: "progress", done, total: files.length, bytes, size });
    }
  };
  try {
    await Promise.all(Array.from({ length: PARALLEL }, next));
    const wanted = new Set(files.map((f) => new URL(f.url, self.location.origin).href));
    for (const request of await cache.keys()) {
      if (request.url !== recordUrl && !wanted.has(request.url)) await cache.delete(request);
    }
    const record = { page: pageUrl, name, list: listUrl, version: list.version, size, files };
    await cache.put(
      recordUrl,
      new Response(JSON.stringify(record), { headers: { "content-type": "application/json" } }),
    );
  } catch (error) {
    // Half a copy is no copy: a first save that failed leaves nothing behind.
    if (!had) await caches.delete(cacheName);
    throw error;
  }
  return { size, files: files.length };
}

// -- answering requests -------------------------------------------------------------------

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") event.respondWith(page(event, url));
  else if (hashed(url.pathname)) event.respondWith(cacheFirst(event, url));
  else event.respondWith(networkFirst(event, url));
});

function hashed(path) {
  return (
    path.startsWith("/static/") ||
    path.startsWith("/vendor/") || // a library's version is in its folder's name

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

// Remembering is serialised: the byte count of the runtime cache is kept in memory (built
// from the cache once per worker start) and must not be raced by two writes.
let runtimeQueue = Promise.resolve();
let runtimeSizes = null; // Map: URL → bytes, least recently used first

function serially(task) {
  const run = runtimeQueue.then(task, task);
  runtimeQueue = run.catch(() => null);
  return run;
}

async function runtimeIndex(cache) {
  if (runtimeSizes) return runtimeSizes;
  const sizes = new Map();
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    if (!response) continue;
    const size = Number(response.headers.get(SIZE_HEADER));
    sizes.set(request.url, size > 0 ? size : (await response.blob()).size);
  }
  runtimeSizes = sizes;
  return sizes;
}

async function remember(url, response) {
  if (Number(response.headers.get("content-length")) > RUNTIME_ITEM_MAX) return;
  const body = await response.blob();
  if (body.size > RUNTIME_ITEM_MAX) return;
  const headers = new Headers(response.headers);
  headers.delete("content-encoding"); // the body is decoded already
  headers.delete("content-length");
  headers.set(SIZE_HEADER, String(body.size));
  const { status, statusText } = response;
  const copy = new Response(body, { status, statusText, headers });
  await serially(async () => {
    const cache = await caches.open(RUNTIME);
    const sizes = await runtimeIndex(cache);
    await cache.put(url.href, copy);
    sizes.delete(url.href); // re-added last: the most recently used
    sizes.set(url.href, body.size);
    let total = 0;
    for (const size of sizes.values()) total += size;
    for (const [key, size] of sizes) {
      if (total <= RUNTIME_BYTES) break;
      await cache.delete(key);
      sizes.delete(key);
      total -= size;
    }
  }).catch(() => null); // the disk is full: browsing goes on, uncached
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
  if (response.ok) event.waitUntil(remember(url, response.clone()));
  return response;
}

async function networkFirst(event, url) {
  try {
    const response = await fetch(event.request);
    // GeoJSON layers and other data files: a map opened once shows its markers offline.
    if (response.ok && response.type === "basic") event.waitUntil(remember(url, response.clone()));
    return response;
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
        (list) => report({ type: "ready", version: list.version, size: filesSize(list.files) }),
        (error) => report({ type: "error", message: String((error && error.message) || error) }),
      ),
    );
  } else if (message.type === "place-save" && message.list && message.page) {
    const port = event.ports[0];
    const report = (m) => port && port.postMessage(m);
    event.waitUntil(
      savePlace(message.list, message.page, String(message.name || ""), report).then(
        (saved) => report({ type: "ready", size: saved.size, files: saved.files }),
        (error) =>
          report({
            type: "error",
            full: Boolean(error && error.name === "QuotaExceededError"),
            message: String((error && error.message) || error),
          }),
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
