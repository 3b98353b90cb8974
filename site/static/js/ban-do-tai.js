// Map pages (issue 15): the map's code is loaded only when the map is shown. Leaflet,
// MarkerCluster, ban-do.js and the map's own script (folium's) cost a phone more than the
// rest of the page together, and many readers come for the table under the map. They wait in
// the figure's <template class="bd-tep"> (inert: nothing in it loads with the page) and are
// loaded, in order, when the reader taps "Xem bản đồ", or at once when the address names a
// xã (#xa-<code>: the link on every xã page asks for the map). Plain ES5 plus Promise.
(function () {
  "use strict";
  var figure = document.querySelector("[data-ban-do]");
  var files = figure && figure.querySelector("template.bd-tep");
  var button = figure && figure.querySelector(".bd-mo");
  if (!files || !files.content || !button || !window.Promise) return;
  var status = figure.querySelector(".bd-status");
  var note = figure.querySelector(".bd-khong-js");
  var LABEL = button.textContent;
  var loaded = {}; // URL → a promise, so a retry asks only for what failed
  var started = null;

  function add(tag, url) {
    if (!loaded[url]) {
      loaded[url] = new Promise(function (resolve, reject) {
        var node = document.createElement(tag);
        if (tag === "link") {
          node.rel = "stylesheet";
          node.href = url;
        } else {
          node.src = url;
          node.async = false; // run in the order they are added
        }
        node.onload = resolve;
        node.onerror = function () {
          delete loaded[url];
          node.parentNode.removeChild(node);
          reject(new Error(url));
        };
        document.head.appendChild(node);
      });
    }
    return loaded[url];
  }

  function urls(selector, attribute) {
    var nodes = files.content.querySelectorAll(selector);
    var out = [];
    for (var i = 0; i < nodes.length; i++) out.push(nodes[i].getAttribute(attribute));
    return out;
  }

  function show() {
    if (started) return started;
    var hadFocus = document.activeElement === button;
    button.disabled = true;
    button.textContent = "Đang tải bản đồ…";
    // Stylesheets first: Leaflet measures its container when the map's script runs.
    started = Promise.all(urls("link[href]", "href").map(function (url) {
      return add("link", url);
    }))
      .then(function () {
        return Promise.all(urls("script[src]", "src").map(function (url) {
          return add("script", url);
        }));
      })
      .then(
        function () {
          figure.className += " bd--mo";
          var map = figure.querySelector(".leaflet-container");
          if (hadFocus && map && map.focus) map.focus();
        },
        function (error) {
          started = null;
          button.disabled = false;
          button.textContent = LABEL;
          if (status) status.textContent = "Không tải được bản đồ. Hãy thử lại khi có mạng.";
          if (window.console && console.warn) console.warn(error);
        }
      );
    return started;
  }

  function wanted() {
    return /^#xa-[0-9A-Za-z]+$/.test(window.location.hash);
  }

  if (note) note.hidden = true;
  button.hidden = false;
  button.addEventListener("click", show);
  window.addEventListener("hashchange", function () {
    if (wanted()) show();
  });
  if (wanted()) show();
})();
