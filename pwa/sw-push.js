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
