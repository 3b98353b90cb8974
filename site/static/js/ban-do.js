// Offline maps: the layers that each map's generated script (folium) asks for by name, built
// from GeoJSON files the pages share (fetched once, then served by the cache). No inline
// code and no HTML strings built from data: popups are DOM nodes filled with textContent,
// so the page runs under a CSP without 'unsafe-inline'. Plain ES5 plus fetch/Promise.
(function () {
  "use strict";
  if (!window.L || !window.fetch || !document.querySelectorAll) return;

  // Map figures are hidden without JavaScript: the table under each map says the same.
  // This runs before the map's own script (both are deferred, in order), so Leaflet
  // measures a visible container.
  // The figure keeps its size from the start (ban-do.css), so the page does not shift when
  // the map appears; what it says without JavaScript is removed here.
  var waiting = document.querySelectorAll(".bd-cho");
  for (var f = 0; f < waiting.length; f++) waiting[f].parentNode.removeChild(waiting[f]);

  var RESULTS = { dat: "Đạt", chua_dat: "Chưa đạt" };
  var BADGES = { dat: "ok", chua_dat: "no" };
  var cache = {};

  function load(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error(url + ": HTTP " + response.status);
        return response.json();
      });
    }
    return cache[url];
  }

  function loadAll(urls) {
    return Promise.all(urls.map(load));
  }

  function status(text) {
    var box = document.querySelector(".bd-status");
    if (box) box.textContent = text;
  }

  // A layer whose data failed to load says so under the map (offline and not cached yet);
  // the promise then resolves, so nothing waiting on it throws.
  function failed(what) {
    return function (error) {
      status("Không tải được " + what + ". Hãy thử lại khi có mạng.");
      if (window.console && console.warn) console.warn(error);
    };
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function link(href, text) {
    var a = el("a", null, text);
    a.href = href;
    return a;
  }

  function vi(n) {
    return window.AntqNumber ? window.AntqNumber(n) : String(n); // tim-xa.js
  }

  function resultKey(result) {
    return result === "dat" ? "dat" : result === "chua_dat" ? "chua-dat" : "khong";
  }

  function resultText(result) {
    return RESULTS[result] || "Chưa có dữ liệu";
  }

  function badge(result) {
    return el("span", "badge " + (BADGES[result] || "none"), resultText(result));
  }

  function line(parent, label, value) {
    var p = el("p", null, label);
    if (value) p.appendChild(typeof value === "string" ? el("strong", null, value) : value);
    parent.appendChild(p);
    return p;
  }

  function latLng(point) {
    return [point[1], point[0]];
  }

  // Every marker one can tap is at least 24 × 24 px (WCAG 2.2 target size); the shape drawn
  // inside may be smaller (ban-do.css).
  var TAP = 24;
  var icons = {};
  function icon(className, size) {
    var key = className + size;
    if (!icons[key]) {
      icons[key] = L.divIcon({ className: className, iconSize: [size, size], html: "" });
    }
    return icons[key];
  }

  // -- xã, phường, đặc khu ----------------------------------------------------------------

  function wardPopup(p) {
    var box = el("div", "bd-popup");
    box.appendChild(el("h3")).appendChild(link(p.url, p.name));
    line(box, "“An toàn về ANTT”" + (p.year ? " năm " + p.year : "") + ": ", badge(p.result));
    line(box, "Điểm mô hình: ", vi(p.model_sites));
    return box;
  }

  // xã points live in a pane of their own under the marker pane, so that model sites and
  // clusters near a xã's centre stay on top and clickable.
  //
  // `options.dots` (the country map, thousands of xã): plain dots drawn on one canvas, not
  // one DOM element each, so the page stays small and light (issue 15); they take no taps,
  // which go to the province underneath (its popup links to the province map).
  var DOT_STYLE = {
    dat: { fillColor: "#1b7a3a", color: "#ffffff", fillOpacity: 1, radius: 3 },
    chua_dat: { fillColor: "#a3161a", color: "#ffffff", fillOpacity: 1, radius: 3 },
    none: { fillColor: "#ffffff", color: "#6b7580", fillOpacity: 1, radius: 2.5 }
  };

  function dot(latlng, p, renderer) {
    var style = DOT_STYLE[p.result] || DOT_STYLE.none;
    return L.circleMarker(latlng, {
      renderer: renderer,
      interactive: false,
      weight: 1,
      radius: style.radius,
      color: style.color,
      fillColor: style.fillColor,
      fillOpacity: style.fillOpacity
    });
  }

  function wards(urls, options) {
    var group = L.featureGroup();
    var renderer = null;
    group.byCode = {};
    group.on("add", function () {
      if (!group._map.getPane("bdxa")) group._map.createPane("bdxa");
    });
    if (options.dots) renderer = L.canvas({ pane: "bdxa", padding: 0.2 });
    group.ready = loadAll(urls).then(function (collections) {
      collections.forEach(function (collection) {
        collection.features.forEach(function (feature) {
          var p = feature.properties;
          if (renderer) {
            group.addLayer(dot(latLng(feature.geometry.coordinates), p, renderer));
            return;
          }
          var marker = L.marker(latLng(feature.geometry.coordinates), {
            icon: icon("bd-xa bd-xa--" + resultKey(p.result), TAP),
            title: p.name + ": " + resultText(p.result),
            keyboard: options.keyboard !== false,
            pane: "bdxa",
            riseOnHover: true
          });
          marker.bindPopup(function () {
            return wardPopup(p);
          });
          marker.result = p.result;
          group.addLayer(marker);
          group.byCode[p.code] = marker;
        });
      });
    }, failed("các xã, phường"));
    return group;
  }

  // -- model sites ------------------------------------------------------------------------

  function unitNames(collection) {
    var names = {};
    collection.features.forEach(function (feature) {
      names[feature.properties.code] = feature.properties;
    });
    return names;
  }

  function sitePopup(site) {
    var box = el("div", "bd-popup");
    box.appendChild(el("h3")).appendChild(link(site.model.url, site.model.name));
    if (site.exemplar) box.appendChild(el("p", "bd-star", "Điểm điển hình"));
    if (site.unit) line(box, "Tại: ", link(site.unit.url, site.unit.name));
    return box;
  }

  // One popup for the whole layer, made on click: 5,000 markers need no popup objects.
  function openSite(event) {
    var marker = event.layer;
    if (!marker || !marker.site || !this._map) return;
    L.popup({ offset: [0, -4] })
      .setLatLng(marker.getLatLng())
      .setContent(sitePopup(marker.site))
      .openOn(this._map);
  }

  // Every site of every model in the file, as markers; `only` keeps the exemplary ones.
  function siteMarkers(collections, only) {
    var sites = collections[0];
    var units = collections[1] ? unitNames(collections[1]) : {};
    var markers = [];
    sites.features.forEach(function (feature) {
      var p = feature.properties;
      var points = feature.geometry.coordinates;
      var exemplar = {};
      p.exemplar.forEach(function (i) {
        exemplar[i] = true;
      });
      for (var i = 0; i < points.length; i++) {
        if (only && !exemplar[i]) continue;
        var marker = L.marker(latLng(points[i]), {
          icon: exemplar[i] ? icon("bd-diem bd-diem--dh", TAP) : icon("bd-diem", TAP),
          title: p.name + (exemplar[i] ? " (điển hình)" : "")
        });
        marker.site = { model: p, unit: units[p.unit_codes[i]], exemplar: !!exemplar[i] };
        markers.push(marker);
      }
    });
    return markers;
  }

  function sites(urls) {
    var group = L.markerClusterGroup({
      chunkedLoading: true,
      showCoverageOnHover: false,
      maxClusterRadius: 60
    });
    group.on("click", openSite);
    group.ready = loadAll(urls).then(function (collections) {
      group.addLayers(siteMarkers(collections, false));
    }, failed("các điểm mô hình"));
    return group;
  }

  function exemplars(urls) {
    var group = L.featureGroup();
    group.on("click", openSite);
    group.ready = loadAll(urls).then(function (collections) {
      siteMarkers(collections, true).forEach(function (marker) {
        group.addLayer(marker);
      });
    }, failed("các điểm điển hình"));
    return group;
  }

  // -- provinces: summary markers and the basemap -----------------------------------------

  function provincePopup(p) {
    var box = el("div", "bd-popup");
    box.appendChild(el("h3")).appendChild(link(p.map_url, p.name));
    line(box, "Đạt: ", vi(p.dat) + "/" + vi(p.wards) + " xã, phường");
    line(box, "Chưa đạt: ", vi(p.chua_dat));
    line(box, "Chưa có dữ liệu: ", vi(p.none));
    line(box, "Điểm mô hình: ", vi(p.sites));
    box.appendChild(el("p")).appendChild(link(p.map_url, "Xem bản đồ tỉnh"));
    return box;
  }

  function provinces(urls) {
    var group = L.featureGroup();
    group.ready = loadAll(urls).then(function (collections) {
      collections[0].features.forEach(function (feature) {
        var p = feature.properties;
        var marker = L.marker(latLng(feature.geometry.coordinates), {
          icon: L.divIcon({
            className: "bd-tong",
            iconSize: [48, 24],
            html: el("span", null, vi(p.sites))
          }),
          title: p.name + ": " + vi(p.sites) + " điểm mô hình",
          zIndexOffset: 1000 // above the xã points around the province centre
        });
        marker.bindPopup(function () {
          return provincePopup(p);
        });
        group.addLayer(marker);
      });
    }, failed("số liệu các tỉnh"));
    return group;
  }

  // Province outlines (always on) and the labelled Hoàng Sa and Trường Sa.
  function basemap(urls, options) {
    var group = L.featureGroup();
    var summary = options.summary ? load(options.summary) : Promise.resolve(null);
    group.ready = Promise.all([loadAll(urls), summary]).then(function (loaded) {
      var byCode = {};
      if (loaded[1]) {
        loaded[1].features.forEach(function (feature) {
          byCode[feature.properties.code] = feature.properties;
        });
      }
      L.geoJSON(loaded[0][0], {
        attribution: 'Ranh giới: <a href="https://www.naturalearthdata.com/">Natural Earth</a>',
        filter: function (feature) {
          return feature.geometry.type !== "Point";
        },
        style: function (feature) {
          var code = feature.properties.code;
          var className = "bd-tinh";
          if (code === options.current) className += " bd-tinh--chon";
          if (byCode[code]) className += " bd-tinh--co";
          return { className: className, weight: 1, interactive: !!byCode[code] };
        },
        onEachFeature: function (feature, layer) {
          var p = byCode[feature.properties.code];
          if (p) {
            layer.bindPopup(function () {
              return provincePopup(p);
            });
          }
        }
      }).addTo(group);
      loaded[0][0].features.forEach(function (feature) {
        if (feature.geometry.type !== "Point") return;
        var p = feature.properties;
        var label = el("span", null, p.short_name);
        label.appendChild(el("small", null, p.parent_name.replace(/^(Thành phố|Tỉnh) /, "")));
        group.addLayer(
          L.marker(latLng(feature.geometry.coordinates), {
            icon: L.divIcon({ className: "bd-dao", iconSize: [10, 10], html: label }),
            interactive: false,
            keyboard: false
          })
        );
      });
    }, failed("ranh giới tỉnh"));
    return group;
  }

  // -- controls and #xa-<code> ------------------------------------------------------------

  // `#xa-<code>` (the link on each xã page) shows that xã in its province: the view keeps the
  // province's outline (the first view, widened to the xã if it lies offshore), the xã's
  // marker is drawn highlighted and on top, and its popup opens. Without JavaScript the same
  // fragment jumps to the xã's row in the table.
  function focus(map, layer) {
    var chosen = null;
    var start = map.getBounds();
    function go() {
      var match = /^#xa-([0-9A-Za-z]+)$/.exec(window.location.hash);
      if (!match) return;
      layer.ready.then(function () {
        var marker = layer.byCode[match[1]];
        if (!marker) return;
        if (!map.hasLayer(layer)) map.addLayer(layer);
        if (chosen) {
          chosen.setIcon(icon("bd-xa bd-xa--" + resultKey(chosen.result), TAP));
          chosen.setZIndexOffset(0);
        }
        chosen = marker;
        marker.setIcon(icon("bd-xa bd-xa--" + resultKey(marker.result) + " bd-xa--chon", 32));
        marker.setZIndexOffset(1000);
        map.fitBounds(L.latLngBounds(start.getSouthWest(), start.getNorthEast()).extend(marker.getLatLng()), {
          animate: false
        });
        marker.openPopup();
        var box = map.getContainer();
        if (box.scrollIntoView) box.scrollIntoView();
      });
    }
    go();
    window.addEventListener("hashchange", go);
  }

  function toggle(node, className, on) {
    if (on) L.DomUtil.addClass(node, className);
    else L.DomUtil.removeClass(node, className);
  }

  function controls(map, options, wardsLayer) {
    var zoom = L.control
      .zoom({ position: "topleft", zoomInTitle: "Phóng to", zoomOutTitle: "Thu nhỏ" })
      .addTo(map);
    // A plain "Leaflet" credit: no flag in front of it on a Vietnamese public map.
    if (map.attributionControl) {
      map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    }
    // A popup is panned into view below the controls of the top corners (zoom buttons on the
    // left, layer switcher on the right), so its title never hides under them.
    var corner = zoom.getContainer();
    var layersBox = map.getContainer().querySelector(".leaflet-control-layers");
    var below = corner.offsetTop + corner.offsetHeight;
    if (layersBox) below = Math.max(below, layersBox.offsetTop + layersBox.offsetHeight);
    L.Popup.prototype.options.autoPanPaddingTopLeft = L.point(8, below + 8);
    L.Popup.prototype.options.autoPanPaddingBottomRight = L.point(8, 8);
    L.control.scale({ imperial: false }).addTo(map);
    // Zoomed out, xã points crowd: draw them smaller, and at country scale as plain dots
    // that let taps through to the province underneath (see ban-do.css).
    var box = map.getContainer();
    function crowd() {
      var zoom = map.getZoom();
      toggle(box, "bd-nho", zoom < 10);
      toggle(box, "bd-rat-nho", zoom < 7);
    }
    map.on("zoomend", crowd);
    crowd();
    var layers = map.getContainer().querySelector(".leaflet-control-layers-toggle");
    if (layers) {
      layers.title = "Chọn lớp bản đồ";
      layers.setAttribute("aria-label", "Chọn lớp bản đồ");
    }
    if (wardsLayer) focus(map, wardsLayer);
    window.AntqMap.maps.push(map); // the page's maps, for scripts and tests
  }

  window.AntqMap = {
    basemap: basemap,
    wards: wards,
    sites: sites,
    exemplars: exemplars,
    provinces: provinces,
    controls: controls,
    load: load,
    maps: []
  };
})();
