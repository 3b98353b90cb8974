// antq: the follow buttons (issue #6). Progressive enhancement: without this script, or in a
// browser without Web Push, the buttons stay hidden and every page still works.
//
// The page says where the push service is and which key to subscribe with:
//   <meta name="antq-push-service" content="https://push.example.vn">
//   <meta name="antq-push-key" content="<VAPID public key, base64url>">
// and marks each follow button (hidden until this script shows it):
//   <button type="button" class="follow" data-follow="xa:11140" data-follow-name="Xã Lạc
//     Phượng" aria-pressed="false" hidden>Theo dõi</button>
//   <span class="follow-status" role="status" aria-live="polite"></span>  (right after it)
//
// Clicking asks for permission (only then: never on page load), subscribes through the
// service worker, and tells the push service which topic to add or remove. The topics this
// browser follows are the service's answer, kept in localStorage for the buttons and in a
// small cache entry the service worker reads when the browser renews the subscription
// (pushsubscriptionchange). No inline code (CSP without 'unsafe-inline'); no framework.
(function () {
  "use strict";

  var STORE = "antq-push-topics"; // localStorage: ["xa:11140", …]
  var STATE_CACHE = "push-state-v1"; // not "antq-…": the worker's cleanup keeps it
  var STATE_URL = "/__antq/push-state";

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  }

  var service = meta("antq-push-service").replace(/\/+$/, "");
  var key = meta("antq-push-key");
  var buttons = Array.prototype.slice.call(document.querySelectorAll("button[data-follow]"));
  var supported =
    "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!service || !key || !buttons.length || !supported) return;

  function keyBytes(base64url) {
    var text = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+")
      .replace(/_/g, "/");
    var raw = atob(text);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function sameKey(buffer) {
    if (!buffer) return false;
    var a = new Uint8Array(buffer);
    var b = keyBytes(key);
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function followed() {
    try {
      var list = JSON.parse(localStorage.getItem(STORE) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }

  function remember(topics) {
    try {
      localStorage.setItem(STORE, JSON.stringify(topics));
    } catch (e) {
      // Private mode: the buttons just forget after a reload.
    }
    if ("caches" in window) {
      var body = JSON.stringify({ service: service, topics: topics });
      caches
        .open(STATE_CACHE)
        .then(function (cache) {
          return cache.put(STATE_URL, new Response(body, { headers: { "Content-Type": "application/json" } }));
        })
        .catch(function () {});
    }
  }

  function statusFor(button) {
    var next = button.nextElementSibling;
    return next && next.classList.contains("follow-status") ? next : null;
  }

  function say(button, text) {
    var status = statusFor(button);
    if (status) status.textContent = text;
  }

  function render() {
    var topics = followed();
    buttons.forEach(function (button) {
      var on = topics.indexOf(button.getAttribute("data-follow")) >= 0;
      var name = button.getAttribute("data-follow-name") || "";
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? "Đang theo dõi — Bỏ theo dõi" : "Theo dõi" + (name ? " " + name : "");
      button.hidden = false;
    });
  }

  // Errors meant for the reader carry a Vietnamese message; anything else (a browser's own
  // English error) is replaced by a general one.
  function problem(message) {
    var error = new Error(message);
    error.forReader = true;
    return error;
  }

  function send(method, body) {
    return fetch(service + "/subscriptions", {
      method: method,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          if (!response.ok) {
            throw problem(data.message || "Dịch vụ thông báo đang bận, vui lòng thử lại sau.");
          }
          return data;
        });
    }, function () {
      throw problem("Không kết nối được dịch vụ thông báo. Vui lòng thử lại sau.");
    });
  }

  function subscription(create) {
    return navigator.serviceWorker.ready.then(function (registration) {
      var manager = registration.pushManager;
      return manager.getSubscription().then(function (existing) {
        // A subscription made with another key (rotated) cannot be used: renew it.
        if (existing && existing.options && !sameKey(existing.options.applicationServerKey)) {
          return existing.unsubscribe().then(function () {
            return create ? manager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) }) : null;
          });
        }
        if (existing || !create) return existing;
        return manager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
      });
    });
  }

  function follow(button) {
    var topic = button.getAttribute("data-follow");
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        throw problem(
          "Trình duyệt đang chặn thông báo của trang này. Hãy cho phép thông báo trong phần cài đặt trang rồi thử lại.",
        );
      }
      return subscription(true).then(function (sub) {
        return send("POST", { subscription: sub.toJSON(), topics: [topic], action: "add" });
      });
    });
  }

  function unfollow(button) {
    var topic = button.getAttribute("data-follow");
    return subscription(false).then(function (sub) {
      if (!sub) return { topics: [] };
      return send("POST", { subscription: sub.toJSON(), topics: [topic], action: "remove" }).then(function (data) {
        // Nothing left to follow: the service dropped the subscription; drop it here too.
        return data.topics && data.topics.length ? data : sub.unsubscribe().then(function () {
          return data;
        });
      });
    });
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") === "true";
      var name = button.getAttribute("data-follow-name") || "mục này";
      button.disabled = true;
      say(button, on ? "Đang bỏ theo dõi…" : "Đang đăng ký…");
      (on ? unfollow(button) : follow(button))
        .then(function (data) {
          remember(Array.isArray(data.topics) ? data.topics : []);
          render();
          say(button, on ? "Đã bỏ theo dõi " + name + "." : "Bạn sẽ nhận thông báo khi " + name + " có cập nhật.");
        })
        .catch(function (error) {
          say(button, error && error.forReader ? error.message : "Không đăng ký được, vui lòng thử lại sau.");
        })
        .then(function () {
          button.disabled = false;
        });
    });
  });

  // A subscription the browser dropped (permission revoked, data cleared) follows nothing.
  if (Notification.permission !== "granted" && followed().length) remember([]);
  render();
  if (Notification.permission === "granted") {
    subscription(false)
      .then(function (sub) {
        if (!sub && followed().length) {
          remember([]);
          render();
        }
      })
      .catch(function () {});
  }
})();
