// "Tìm xã, phường của bạn" (issue 15): suggestions as one types, from the finder's index
// (/tim-xa/chi-muc.json, written by generator/pages/finder.py, precached by the service
// worker, so it works offline). Without this script the form goes to /tim-xa/, which lists
// every province with its xã and their old names.
//
// Accessible combobox (WAI-ARIA 1.2 list autocomplete): the input keeps the focus, arrows
// move through the suggestions (aria-activedescendant), Enter opens the chosen one, Escape
// closes the list. Each suggestion is a real link: one tap opens the xã page.
//
// Also here, being small: the filter box of a province's xã list (/tinh/<slug>/).
(function () {
  "use strict";
  if (!String.prototype.normalize) return;

  // Vietnamese folding, one copy for the site's scripts (this file is on every page; the
  // search page's tim-kiem.js, loaded after it, uses window.AntqFold). `marks` is
  // generator.textvi.fold: đ → d, tones and letter marks removed, lower case, spaces
  // collapsed. `words` is generator.pages.finder.folded: also anything but a–z and 0–9 to
  // one space.
  function marks(text) {
    return text
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }
  function fold(text) {
    return marks(text)
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  }
  window.AntqFold = { marks: marks, words: fold };
  // Whole numbers as Vietnamese writes them ("12.345"), for every script of the site: written
  // out rather than toLocaleString("vi-VN"), whose first call on a page loads ICU's locale
  // data (tens to hundreds of ms of main thread on a phone; app.js's mb() says the same).
  window.AntqNumber = function (n) {
    return String(n).replace(/\B(?=(\d{3})+$)/g, ".");
  };

  if (!window.fetch) return;
  var SHOWN = 8;
  var index = null;

  function load(url) {
    if (!index) {
      index = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      });
      index.catch(function () {
        index = null; // try again on the next key (the network may be back)
      });
    }
    return index;
  }

  function upper(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function named(ix, entry) {
    var kind = ix.k[entry[1]];
    return kind ? kind + " " + entry[0] : entry[0];
  }

  // 0: the whole name; 1: the name's beginning; 2: a later word's beginning; -1: no match.
  function rank(name, queries) {
    var best = -1;
    queries.forEach(function (q) {
      var r = -1;
      if (name.indexOf(q) === 0) r = name.length === q.length ? 0 : 1;
      else if (name.indexOf(" " + q) >= 0) r = 2;
      if (r >= 0 && (best < 0 || r < best)) best = r;
    });
    return best;
  }

  // The query, and the query without a leading kind word ("xa cong lac" → "cong lac").
  function queries(ix, text) {
    var q = fold(text);
    if (!q) return [];
    var out = [q];
    ix.k.forEach(function (kind) {
      var word = fold(kind);
      if (word && q.indexOf(word + " ") === 0 && q.length > word.length + 1) {
        out.push(q.slice(word.length + 1));
      }
    });
    return out;
  }

  function provinceUrl(ix, p) {
    return ix.p[p][3];
  }

  function unitUrl(ix, u) {
    var unit = ix.u[u];
    var slug = unit[4] || (fold(ix.k[unit[1]]) + " " + unit[2]).trim().replace(/ /g, "-");
    return provinceUrl(ix, unit[3]) + slug + "/";
  }

  function where(ix, u) {
    var unit = ix.u[u];
    return named(ix, unit) + ", " + named(ix, ix.p[unit[3]]);
  }

  function oldFullName(ix, o) {
    var parts = [];
    for (var i = o; i >= 0; i = ix.o[i][3]) parts.push(named(ix, ix.o[i]));
    return parts.join(", ");
  }

  // Suggestions for `text`: {url, main, detail}, best first, at most SHOWN.
  function suggest(ix, text) {
    var qs = queries(ix, text);
    if (!qs.length) return [];
    var hits = [];
    ["p", "u", "o"].forEach(function (list, group) {
      ix[list].forEach(function (entry, i) {
        var r = rank(entry[2], qs);
        if (r >= 0) hits.push({ r: r, g: group, i: i });
      });
    });
    hits.sort(function (a, b) {
      return a.r - b.r || a.g - b.g || a.i - b.i;
    });
    var out = [];
    var seen = {};
    function add(url, main, detail, key) {
      if (seen[key] || out.length >= SHOWN) return;
      seen[key] = true;
      out.push({ url: url, main: main, detail: detail });
    }
    hits.forEach(function (hit) {
      if (hit.g === 0) {
        var p = ix.p[hit.i];
        add(p[3], upper(named(ix, p)), "", "p" + hit.i);
      } else if (hit.g === 1) {
        var u = ix.u[hit.i];
        add(unitUrl(ix, hit.i), upper(named(ix, u)), named(ix, ix.p[u[3]]), "u" + hit.i);
      } else {
        var old = ix.o[hit.i];
        old[4].forEach(function (t) {
          var label = old[0] + " (cũ) → ";
          if (t < 0) {
            var prov = -1 - t;
            // The same name as the province today: the province itself is suggested.
            if (ix.p[prov][2] === old[2]) return;
            add(provinceUrl(ix, prov), label + named(ix, ix.p[prov]), oldFullName(ix, hit.i), "o" + hit.i + ":" + t);
          } else {
            if (ix.u[t][2] === old[2]) return; // the same name today: suggested as it is
            add(unitUrl(ix, t), label + where(ix, t), oldFullName(ix, hit.i), "o" + hit.i + ":" + t);
          }
        });
      }
    });
    return out;
  }

  function option(s, id) {
    var a = document.createElement("a");
    a.href = s.url;
    a.id = id;
    a.setAttribute("role", "option");
    a.setAttribute("aria-selected", "false");
    a.setAttribute("tabindex", "-1");
    var main = document.createElement("span");
    main.textContent = s.main;
    a.appendChild(main);
    if (s.detail) {
      var small = document.createElement("small");
      small.textContent = s.detail;
      a.appendChild(small);
    }
    return a;
  }

  function enhance(form) {
    var input = form.querySelector("input[name=q]");
    var url = form.getAttribute("data-chi-muc");
    if (!input || !url) return;
    var id = input.id;
    var list = document.createElement("div");
    list.id = id + "-goi-y";
    list.className = "finder-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Gợi ý xã, phường");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "finder-status";
    status.setAttribute("role", "status");
    form.appendChild(list);
    form.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var active = -1;
    var latest = 0;

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(next) {
      var all = options();
      if (!all.length) return;
      if (active >= 0) all[active].setAttribute("aria-selected", "false");
      active = (next + all.length) % all.length;
      all[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", all[active].id);
      if (all[active].scrollIntoView) all[active].scrollIntoView({ block: "nearest" });
    }

    function update() {
      var text = input.value;
      var ticket = ++latest;
      if (!fold(text)) {
        close();
        status.textContent = "";
        return;
      }
      load(url).then(
        function (ix) {
          if (ticket !== latest) return;
          var found = suggest(ix, text);
          list.textContent = "";
          found.forEach(function (s, i) {
            list.appendChild(option(s, id + "-" + i));
          });
          active = -1;
          input.removeAttribute("aria-activedescendant");
          list.hidden = !found.length;
          input.setAttribute("aria-expanded", found.length ? "true" : "false");
          status.textContent = found.length
            ? found.length + " gợi ý; dùng phím mũi tên để chọn."
            : "Không có tên nào khớp. Nhấn Tìm để xem danh sách theo tỉnh.";
        },
        function () {
          if (ticket === latest) status.textContent = "Chưa tải được danh sách xã, phường.";
        },
      );
    }

    input.addEventListener("input", update);
    input.addEventListener("focus", function () {
      load(url).catch(function () {});
      if (fold(input.value) && list.hidden && options().length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!open) {
          if (!options().length) return;
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        event.preventDefault();
        mark(event.key === "ArrowDown" ? active + 1 : active < 0 ? -1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        location.href = options()[active].href;
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          status.textContent = "";
        }
      }
    });
    // A tap on a suggestion must not take the focus (and close the list) before it opens.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) close();
    });
    form.addEventListener("focusout", function (event) {
      if (!event.relatedTarget || !form.contains(event.relatedTarget)) close();
    });
    if (input.value) update(); // the browser restored a value (back button)
    return { input: input, update: update };
  }

  // /tim-xa/?q=…: the matches, as a list above the provinces.
  function results(form, finder) {
    var box = document.getElementById("ket-qua-tim-xa");
    if (!box || !finder) return;
    var q = new URLSearchParams(location.search).get("q");
    if (!q) return;
    finder.input.value = q;
    load(form.getAttribute("data-chi-muc")).then(function (ix) {
      var found = suggest(ix, q);
      var heading = document.createElement("h2");
      heading.id = "h-ket-qua-tim-xa";
      heading.textContent = found.length
        ? "Kết quả cho “" + q + "”"
        : "Không có xã, phường nào tên “" + q + "”";
      box.appendChild(heading);
      var ul = document.createElement("ul");
      ul.className = "finder-results";
      found.forEach(function (s) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = s.url;
        a.textContent = s.main;
        li.appendChild(a);
        if (s.detail) {
          var small = document.createElement("small");
          small.textContent = s.detail;
          li.appendChild(small);
        }
        ul.appendChild(li);
      });
      if (found.length) box.appendChild(ul);
      box.hidden = false;
    });
  }

  // A province's xã list: show the rows whose name holds the words typed. When the list is
  // split over several pages (data-loc-tinh: the province's URL), the xã of the province on
  // its other pages that match are linked below, from the finder's (precached) index.
  var ELSEWHERE = 10;

  function otherPages(input, q, here, done) {
    var tinh = input.getAttribute("data-loc-tinh");
    var url = input.getAttribute("data-chi-muc");
    if (!tinh || !url || !q) return done([]);
    load(url).then(
      function (ix) {
        var found = [];
        ix.u.forEach(function (unit, i) {
          if (provinceUrl(ix, unit[3]) !== tinh) return;
          var link = unitUrl(ix, i);
          if (here[link] || (" " + fold(named(ix, unit))).indexOf(" " + q) < 0) return;
          found.push({ url: link, name: upper(named(ix, unit)) });
        });
        done(found);
      },
      function () {
        done([]);
      }
    );
  }

  function showElsewhere(list, found) {
    list.textContent = "";
    list.hidden = !found.length;
    if (!found.length) return;
    var title = document.createElement("p");
    title.textContent = "Ở các trang khác của danh sách:";
    list.appendChild(title);
    var ul = document.createElement("ul");
    found.slice(0, ELSEWHERE).forEach(function (f) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = f.url;
      a.textContent = f.name;
      li.appendChild(a);
      ul.appendChild(li);
    });
    list.appendChild(ul);
    if (found.length > ELSEWHERE) {
      var more = document.createElement("p");
      more.textContent = "… và " + (found.length - ELSEWHERE) + " xã, phường khác: gõ thêm chữ để thu hẹp.";
      list.appendChild(more);
    }
  }

  function rowFilter(input) {
    var table = document.getElementById(input.getAttribute("data-loc-xa"));
    if (!table) return;
    // The rows' folded names are read on the first key typed, not as the page starts: a
    // large province's list is hundreds of rows, and folding them all delayed every visit.
    var rows = null;
    var names, here;
    function prepare() {
      rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
      names = rows.map(function (row) {
        return " " + fold(row.querySelector("th").textContent);
      });
      here = {};
      rows.forEach(function (row) {
        var a = row.querySelector("th a");
        if (a) here[a.getAttribute("href")] = true;
      });
    }
    var count = document.getElementById(input.id + "-dem");
    var elsewhere = document.getElementById(input.id + "-khac");
    input.closest("[hidden]") && (input.closest("[hidden]").hidden = false);
    var latest = 0;
    input.addEventListener("input", function () {
      if (!rows) prepare();
      var q = fold(input.value);
      var shown = 0;
      rows.forEach(function (row, i) {
        var hit = !q || names[i].indexOf(" " + q) >= 0;
        row.hidden = !hit;
        shown += hit ? 1 : 0;
      });
      var text = q ? shown + " / " + rows.length + " xã, phường trên trang này" : "";
      if (count) count.textContent = text;
      if (!elsewhere) return;
      var asked = ++latest;
      otherPages(input, q, here, function (found) {
        if (asked !== latest) return; // a newer key was typed meanwhile
        showElsewhere(elsewhere, found);
        if (count && found.length) count.textContent = text + "; " + found.length + " ở trang khác";
      });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form.finder"), function (form) {
      var finder = enhance(form);
      if (form.hasAttribute("data-ket-qua")) results(form, finder);
    });
    Array.prototype.forEach.call(document.querySelectorAll("input[data-loc-xa]"), rowFilter);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
