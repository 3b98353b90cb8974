// antq: progressive enhancements for every page (issue #5). Without this script every page
// still works: the lesson library's download box and the update banner simply do not appear,
// and the quiz needs no script (its radios and CSS say right or wrong). No inline code (CSP without
// 'unsafe-inline'); no framework.
//
// - registers the service worker (/sw.js, scope /);
// - "Có nội dung mới — Tải lại": shown when a new worker is waiting; the button activates it
//   and reloads the page;
// - the lesson library box (#thu-vien-offline on /bai-hoc/): download every lesson, the
//   files they load and the search index for offline use, with progress and size; remove it.
(function () {
  "use strict";

  var LIBRARY = "antq-library-"; // cache name prefix, as in pwa/sw.js

  function mb(bytes) {
    var value = bytes / (1024 * 1024);
    return value.toLocaleString("vi-VN", { maximumFractionDigits: value < 10 ? 1 : 0 }) + " MB";
  }

  // -- service worker and update banner ---------------------------------------------------

  var reloading = false;

  function showBanner(registration) {
    if (document.querySelector(".update-banner")) return;
    var bar = document.createElement("div");
    bar.className = "update-banner";
    bar.setAttribute("role", "status");
    var text = document.createElement("span");
    text.textContent = "Có nội dung mới — ";
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Tải lại";
    button.addEventListener("click", function () {
      button.disabled = true;
      if (registration.waiting) {
        reloading = true;
        registration.waiting.postMessage({ type: "skip-waiting" });
      } else {
        location.reload(); // another tab already activated it
      }
    });
    bar.appendChild(text);
    bar.appendChild(button);
    document.body.appendChild(bar);
  }

  function watchUpdates(registration) {
    function check() {
      // No controller: this is the first install, not an update.
      if (registration.waiting && navigator.serviceWorker.controller) showBanner(registration);
    }
    check();
    registration.addEventListener("updatefound", function () {
      var worker = registration.installing;
      if (!worker) return;
      worker.addEventListener("statechange", function () {
        if (worker.state === "installed") check();
      });
    });
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (reloading) location.reload();
    });
  }

  // -- the lesson library -------------------------------------------------------------------

  function storedLibrary(listUrl) {
    return caches.keys().then(function (names) {
      var found = names.filter(function (n) {
        return n.indexOf(LIBRARY) === 0;
      });
      return found.reduce(function (previous, name) {
        return previous.then(function (hit) {
          if (hit) return hit;
          return caches
            .open(name)
            .then(function (cache) {
              return cache.match(listUrl);
            })
            .then(function (response) {
              return response ? response.json() : null;
            });
        });
      }, Promise.resolve(null));
    });
  }

  function libraryBox(box) {
    var listUrl = box.getAttribute("data-list");
    var status = box.querySelector("[data-role=status]");
    var bar = box.querySelector("progress");
    var download = box.querySelector("[data-action=download]");
    var remove = box.querySelector("[data-action=remove]");
    var current = null; // this site's list (offline.json), when it can be fetched
    var persisted = false;

    function show(state, text) {
      box.setAttribute("data-state", state);
      status.textContent = text;
      bar.hidden = state !== "downloading";
      download.hidden = state === "ready" || state === "downloading";
      remove.hidden = state !== "ready" && state !== "stale";
      download.textContent =
        state === "stale" ? "Cập nhật bản lưu trên máy" : "Tải toàn bộ bài học để dùng khi không có mạng";
    }

    function describe(list) {
      return list.lessons + " bài học, các trang chủ đề và chỉ mục tìm kiếm (" + mb(list.size) + ")";
    }

    function refresh() {
      return storedLibrary(listUrl).then(function (stored) {
        if (stored && (!current || stored.version === current.version)) {
          var note = persisted
            ? ""
            : " Trình duyệt có thể xóa bản này khi máy thiếu dung lượng.";
          show("ready", "Đã tải " + describe(stored) + ": đọc và tìm kiếm được cả khi không có mạng." + note);
        } else if (stored) {
          show("stale", "Bản lưu trên máy đã cũ: có bài học mới hoặc đã sửa.");
        } else if (current) {
          show("idle", "Tải về máy " + describe(current) + " để đọc và tìm kiếm khi không có mạng.");
        } else {
          show("error", "Cần có mạng để tải bài học về máy.");
        }
      });
    }

    download.addEventListener("click", function () {
      show("downloading", "Đang chuẩn bị tải…");
      bar.value = 0;
      var asked = navigator.storage && navigator.storage.persist
        ? navigator.storage.persist().catch(function () {
            return false;
          })
        : Promise.resolve(false);
      asked
        .then(function (granted) {
          persisted = granted;
          return navigator.serviceWorker.ready;
        })
        .then(function (registration) {
          var channel = new MessageChannel();
          channel.port1.onmessage = function (event) {
            var m = event.data;
            if (m.type === "progress") {
              bar.max = m.total;
              bar.value = m.done;
              status.textContent =
                "Đang tải " + m.done + "/" + m.total + " tệp (" + mb(m.bytes) + " / " + mb(m.size) + ")…";
            } else if (m.type === "ready") {
              current = current || { version: m.version };
              refresh();
            } else if (m.type === "error") {
              show("error", "Chưa tải xong (" + m.message + "). Hãy thử lại khi có mạng.");
            }
          };
          registration.active.postMessage({ type: "library-download" }, [channel.port2]);
        });
    });

    remove.addEventListener("click", function () {
      caches
        .keys()
        .then(function (names) {
          return Promise.all(
            names
              .filter(function (n) {
                return n.indexOf(LIBRARY) === 0;
              })
              .map(function (n) {
                return caches.delete(n);
              }),
          );
        })
        .then(refresh);
    });

    fetch(listUrl, { cache: "no-cache" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .catch(function () {
        return null; // offline and never downloaded: said by refresh()
      })
      .then(function (list) {
        current = list;
        box.hidden = false;
        return navigator.storage && navigator.storage.persisted
          ? navigator.storage.persisted()
          : false;
      })
      .then(function (granted) {
        persisted = granted;
        return refresh();
      });
  }

  if (!("serviceWorker" in navigator) || !window.caches || !window.Promise) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(
    function (registration) {
      watchUpdates(registration);
      var box = document.getElementById("thu-vien-offline");
      if (box) libraryBox(box);
    },
    function () {
      // Service workers blocked or unavailable (private mode in some browsers): the site
      // works online as before, and offers no offline library.
    },
  );
})();
