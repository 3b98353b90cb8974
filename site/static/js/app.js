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
// - "Lưu xã/tỉnh này để dùng khi không có mạng" (.place-box on xã and province pages, issue
//   16): the size, the quota checked, the save through the service worker, its removal; the
//   saved places listed next to the lesson library and on the offline page. The sentences
//   shown are in the templates (data-msg elements), not here.
(function () {
  "use strict";

  var LIBRARY = "antq-library-"; // cache name prefix, as in pwa/sw.js
  var PLACE = "antq-place-"; // + the saved page's path, as in pwa/sw.js
  var PLACE_RECORD = "/__antq-place.json"; // a saved place's own record, as in pwa/sw.js
  // localStorage: what this reader saved ({page URL: name}, and the library). The caches can
  // be evicted by the browser; this record tells an evicted copy from one never saved.
  var SAVED = "antq-saved-places";
  var SAVED_LIBRARY = "antq-saved-library";

  // "1,5 MB", "12 MB", "1.234 MB": Vietnamese separators, one decimal below 10 MB. Written
  // out rather than toLocaleString("vi-VN"): the first Intl call of a page loads the ICU
  // locale data, 40-200 ms of main-thread time on a phone-class CPU right after the page
  // loads (issue 16, the lesson library page's long task).
  function mb(bytes) {
    var value = bytes / (1024 * 1024);
    var tenths = value < 10 ? Math.round(value * 10) : Math.round(value) * 10;
    var whole = String(Math.floor(tenths / 10)).replace(/\B(?=(\d{3})+$)/g, ".");
    return whole + (tenths % 10 ? "," + (tenths % 10) : "") + " MB";
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
      return list.lessons + " bài học, các trang chủ đề và chỉ mục tìm kiếm (" + mb(
        list.files.reduce(function (sum, f) {
          return sum + f.size;
        }, 0)
      ) + ")"; // the list carries no total (generator.pwa.library)
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
        } else if (remembered(SAVED_LIBRARY)) {
          show("idle", message(box, "library-evicted"));
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
              remember(SAVED_LIBRARY, true);
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
        .then(function () {
          remember(SAVED_LIBRARY, null);
          return refresh();
        });
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

  // -- what the reader saved, and the sentences the templates hold ---------------------------

  function remembered(key) {
    try {
      return JSON.parse(localStorage.getItem(key) || "null");
    } catch (error) {
      return null; // storage blocked or unreadable: as if nothing was saved
    }
  }

  function remember(key, value) {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      // storage blocked: the copies still work, an eviction just goes unexplained
    }
  }

  // The template's sentence `key` inside `root`, with {name} placeholders filled in.
  function message(root, key, values) {
    var node = root.querySelector("[data-msg=" + key + "]");
    var text = node ? node.textContent : "";
    return text.replace(/\{(\w+)\}/g, function (all, name) {
      return values && values[name] !== undefined ? values[name] : all;
    });
  }

  // -- saved places (issue 16) ----------------------------------------------------------------

  function placeRecord(page) {
    // caches.match with a cacheName does not create the cache (caches.open would).
    return caches.match(PLACE_RECORD, { cacheName: PLACE + page }).then(function (response) {
      return response ? response.json() : null;
    });
  }

  function placeSize(list, page) {
    var picked = list.province.url === page ? list.province.files : list.wards[page];
    if (!picked) return null;
    return picked.reduce(function (sum, i) {
      return sum + list.files[i].size;
    }, 0);
  }

  function placeBox(box) {
    var listUrl = box.getAttribute("data-place-list");
    var page = box.getAttribute("data-place-page");
    var name = box.getAttribute("data-place-name");
    var status = box.querySelector("[data-role=status]");
    var bar = box.querySelector("progress");
    var save = box.querySelector("[data-action=save]");
    var remove = box.querySelector("[data-action=remove]");
    var size = null; // bytes this place needs (the build's list), when it could be fetched
    var persisted = false;

    function show(state, text) {
      box.setAttribute("data-state", state);
      status.textContent = text;
      bar.hidden = state !== "saving";
      save.hidden = state === "saved" || state === "saving";
      remove.hidden = state !== "saved";
    }

    function refresh() {
      return placeRecord(page).then(function (record) {
        var saved = remembered(SAVED) || {};
        if (record) {
          var note = persisted ? "" : " " + message(box, "not-persisted");
          show("saved", message(box, "saved", { size: mb(record.size) }) + note);
        } else if (saved[page]) {
          show("evicted", message(box, "evicted"));
        } else if (size !== null) {
          show("idle", message(box, "idle", { size: mb(size) }));
        } else {
          show("offline", message(box, "offline"));
        }
      });
    }

    function forget(page) {
      var saved = remembered(SAVED) || {};
      delete saved[page];
      remember(SAVED, saved);
    }

    function start(registration) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) {
        var m = event.data;
        if (m.type === "progress") {
          bar.max = m.total;
          bar.value = m.done;
          status.textContent = message(box, "saving", {
            done: m.done,
            total: m.total,
            bytes: mb(m.bytes),
            size: mb(m.size),
          });
        } else if (m.type === "ready") {
          var saved = remembered(SAVED) || {};
          saved[page] = name;
          remember(SAVED, saved);
          refresh();
        } else if (m.type === "error") {
          refresh().then(function () {
            status.textContent = m.full
              ? message(box, "full", { size: mb(size || 0), free: mb(0) })
              : message(box, "failed");
          });
        }
      };
      registration.active.postMessage({ type: "place-save", list: listUrl, page: page, name: name }, [
        channel.port2,
      ]);
    }

    save.addEventListener("click", function () {
      var storage = navigator.storage || {};
      show("saving", message(box, "checking"));
      bar.removeAttribute("value"); // indeterminate until the first file
      var asked = storage.persist
        ? storage.persist().catch(function () {
            return false;
          })
        : Promise.resolve(false);
      asked
        .then(function (granted) {
          persisted = granted;
          return storage.estimate
            ? storage.estimate().catch(function () {
                return null;
              })
            : null;
        })
        .then(function (estimate) {
          // Room for the files and as much again (the browser's own bookkeeping, the pages
          // met meanwhile): a save that would fill the phone is not started.
          var need = (size || 0) * 2;
          var free = estimate && estimate.quota ? estimate.quota - (estimate.usage || 0) : Infinity;
          if (free < need) {
            return refresh().then(function () {
              status.textContent = message(box, "full", { size: mb(size || 0), free: mb(Math.max(0, free)) });
              box.setAttribute("data-state", "full");
            });
          }
          return navigator.serviceWorker.ready.then(start);
        });
    });

    remove.addEventListener("click", function () {
      caches.delete(PLACE + page).then(function () {
        forget(page);
        return refresh();
      });
    });

    fetch(listUrl, { cache: "no-cache" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .catch(function () {
        return null; // offline: said by refresh()
      })
      .then(function (list) {
        size = list ? placeSize(list, page) : null;
        box.hidden = false;
        return navigator.storage && navigator.storage.persisted ? navigator.storage.persisted() : false;
      })
      .then(function (granted) {
        persisted = granted;
        return refresh();
      });
  }

  // The saved places, listed next to the lesson library and on the offline page: a link to
  // each, its size, and a button that removes it. One the browser evicted says so.
  function savedPlaces(box) {
    var list = box.querySelector("ul");
    var saved = remembered(SAVED) || {};
    caches.keys().then(function (names) {
      var pages = {};
      Object.keys(saved).forEach(function (page) {
        pages[page] = saved[page];
      });
      names.forEach(function (n) {
        if (n.indexOf(PLACE) === 0 && !pages[n.slice(PLACE.length)]) pages[n.slice(PLACE.length)] = "";
      });
      var keys = Object.keys(pages).sort();
      return Promise.all(keys.map(placeRecord)).then(function (records) {
        list.textContent = "";
        keys.forEach(function (page, i) {
          var record = records[i];
          var label = pages[page] || (record && record.name) || page;
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = page;
          a.textContent = label;
          var note = document.createElement("small");
          note.textContent = record ? mb(record.size) : message(box, "evicted");
          var button = document.createElement("button");
          button.type = "button";
          button.className = "secondary";
          button.textContent = message(box, "remove");
          button.setAttribute("aria-label", message(box, "remove-label", { name: label }));
          button.addEventListener("click", function () {
            caches.delete(PLACE + page).then(function () {
              var now = remembered(SAVED) || {};
              delete now[page];
              remember(SAVED, now);
              savedPlaces(box);
            });
          });
          li.appendChild(a);
          li.appendChild(note);
          li.appendChild(button);
          list.appendChild(li);
        });
        box.hidden = keys.length === 0;
      });
    });
  }

  if (!("serviceWorker" in navigator) || !window.caches || !window.Promise) return;
  // After the page has loaded and the browser is idle (issue 16: the lesson library page's
  // long tasks): the worker's first install downloads and stores the app shell, and the
  // offline boxes fetch their lists, read the caches and appear; none of it may compete with
  // the page's own first rendering. The boxes are set up once the worker is ready (their
  // buttons need it), so on a first visit their work does not overlap the install's.
  function later() {
    if (window.requestIdleCallback) window.requestIdleCallback(setUp, { timeout: 2000 });
    else window.setTimeout(setUp, 0);
  }
  if (document.readyState === "complete") later();
  else window.addEventListener("load", later);

  function setUp() {
    navigator.serviceWorker
      .register("/sw.js", { scope: "/" })
      .then(function (registration) {
        watchUpdates(registration);
        return navigator.serviceWorker.ready;
      })
      .then(
        function () {
          var box = document.getElementById("thu-vien-offline");
          if (box) libraryBox(box);
          Array.prototype.forEach.call(document.querySelectorAll(".place-box"), placeBox);
          Array.prototype.forEach.call(document.querySelectorAll("[data-role=saved-places]"), savedPlaces);
        },
        function () {
          // Service workers blocked or unavailable (private mode in some browsers): the site
          // works online as before, and offers no offline library.
        },
      );
  }
})();
