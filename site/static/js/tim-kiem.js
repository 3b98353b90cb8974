// Site search on /tim-kiem/ (issue #5): Pagefind's JavaScript API, and our own rendering (its
// ready-made UI needs inline styles, which the CSP refuses). Without this script the form
// reloads the page, which lists the lesson topics and the main sections instead.
//
// Vietnamese: Pagefind ignores tones but not đ, so the index holds each page's đ-words folded
// (generator/search.py) and the query is folded the same way here: "Đắk Lắk", "dak lak" and
// "đắk lắk" all become "dak lak". Works offline once the lesson library is downloaded: the
// service worker answers Pagefind's requests from the cache.
(function () {
  "use strict";
  var form = document.getElementById("tim-kiem");
  var list = document.getElementById("ket-qua");
  var status = document.getElementById("tim-kiem-trang-thai");
  var more = document.getElementById("xem-them");
  // The topic and section lists (the way in without a query): hidden while results are
  // shown, in the same step that shows them, so nothing in view is pushed down.
  var ways = document.getElementById("tim-kiem-loi-vao");
  if (!form || !list || !status || !more || !ways || !window.Promise || !window.AntqFold) return;
  var input = form.querySelector("input[name=q]");
  // Results shown at first, and added by each "Xem thêm kết quả". Only these are loaded (one
  // Pagefind fragment each): loading more before the first are shown delayed them (issue 15:
  // 40 fragments on a phone's connection); each batch is ranked as it comes (see rank()).
  var SHOWN = 20;
  var SENTINEL = "¦"; // starts the hidden folded words in the index (generator/search.py)
  var engine = null;
  var latest = 0;
  var timer = null;

  // generator.textvi.fold, shared with the finder (tim-xa.js, loaded before this file).
  var fold = window.AntqFold.marks;

  function words(text) {
    return " " + window.AntqFold.words(text) + " ";
  }

  // A family's word at the start of a query ("mô hình tự quản"): on the national site every
  // model's title begins with "Mô hình", so the word tells the models apart by nothing, and
  // Pagefind, which matches word beginnings and scores each word found as a term of its own,
  // gives a title with "Mỗi" and "một" three terms for "mo" ("mo hinh tu quan" found no tự
  // quản model among its first 20 results: bench/search_rank.py). So Pagefind is asked for the
  // rest of the query ("tu quan"), and rank() puts first the family's pages (their address)
  // whose title holds the rest. The family's word alone is searched as typed.
  var FAMILIES = [{ words: " mo hinh ", url: "/mo-hinh/" }];

  // The address of the query's family (`url`, null for none) and what Pagefind is asked
  // for (`rest`: the query folded, without the family's word).
  function family(query) {
    var folded = words(query);
    for (var i = 0; i < FAMILIES.length; i++) {
      var rest = folded.slice(FAMILIES[i].words.length).trim();
      if (folded.indexOf(FAMILIES[i].words) === 0 && rest) {
        return { url: FAMILIES[i].url, rest: rest };
      }
    }
    return { url: null, rest: fold(query) };
  }

  // Pagefind scores each word on its own, and matches word beginnings: "lua" also finds
  // every "luật". Within each batch of results, pages whose title, then whose text, holds the
  // query as typed (folded, words in order; after a family's word: the rest, in the title of
  // one of the family's pages) come first; within each tier, pages that list
  // other pages (metadata `loai: danh-sach`, generator/search.py) come after the others, so
  // a lesson ranks above the lesson index that lists it. Pagefind's order is kept otherwise.
  function rank(query, results) {
    var named = family(query);
    var phrase = words(named.rest).replace(/ $/, ""); // the last word may be half typed
    function tier(data) {
      var title = words((data.meta && data.meta.title) || "").indexOf(phrase) >= 0;
      if (title && (!named.url || data.url.indexOf(named.url) === 0)) return 0;
      return words((data.content || "").split(SENTINEL)[0]).indexOf(phrase) >= 0 ? 1 : 2;
    }
    function listing(data) {
      return data.meta && data.meta.loai === "danh-sach" ? 1 : 0;
    }
    return results
      .map(function (data, i) {
        return { data: data, tier: tier(data), list: listing(data), i: i };
      })
      .sort(function (a, b) {
        return a.tier - b.tier || a.list - b.list || a.i - b.i;
      })
      .map(function (r) {
        return r.data;
      });
  }

  // Online: the site's index with its other shards, the lesson library's shards and the
  // news' merged in (each page is in one of them). Offline (the site index cannot be loaded,
  // or stops answering): the library's shards alone, which the library download keeps.
  // Each attribute names index folders, the library's first shard first; it is absent when
  // the site has none (generator/search.py).
  function listed(name) {
    return (form.getAttribute(name) || "").split(" ").filter(Boolean);
  }
  var library = listed("data-thu-vien");
  var SITE = "/pagefind/pagefind.js";
  var LIBRARY = (library[0] || "/pagefind-bai-hoc/") + "pagefind.js";
  var merged = {};
  merged[SITE] = listed("data-trang").concat(library, listed("data-tin-tuc"));
  merged[LIBRARY] = library.slice(1);
  var engines = {};

  function pagefind(url) {
    if (!engines[url]) {
      engines[url] = import(url).then(function (pf) {
        return pf.options({ excerptLength: 24 }).then(function () {
          return Promise.all(
            merged[url].map(function (index) {
              return pf.mergeIndex(index);
            }),
          ).then(function () {
            return pf;
          });
        });
      });
      engines[url].catch(function () {
        delete engines[url]; // try again next time (the network may be back)
      });
    }
    return engines[url];
  }

  // The data of results [from, to): null for a page whose fragment cannot be loaded
  // (offline, and this page's fragment is not on the device).
  function fetchData(results, from, to) {
    return Promise.all(
      results.slice(from, to).map(function (r) {
        return r.data().catch(function () {
          return null;
        });
      }),
    );
  }

  // How close together a page holds the query's words, from the positions of its matched
  // words (`positions`: Pagefind gives them with each result before its fragment is loaded):
  // first the most matched words in any `terms` consecutive words of the page, then the
  // longest run of matched words side by side (each at most `terms`), as one number. A window
  // as well as a run: a word with đ ("Đặng" in "Đặng Minh Hà") is matched only in the folded
  // words at the end of the page, so the name itself shows "_ minh ha".
  function nearness(positions, terms) {
    var sorted = positions.slice().sort(function (a, b) {
      return a - b;
    });
    var window = 0;
    var run = 0;
    var current = 0;
    for (var i = 0, j = 0; i < sorted.length; i++) {
      while (j < sorted.length && sorted[j] < sorted[i] + terms) j += 1;
      window = Math.max(window, j - i);
      current = i && sorted[i] === sorted[i - 1] + 1 ? current + 1 : 1;
      run = Math.max(run, current);
    }
    return Math.min(window, terms) * (terms + 1) + Math.min(run, terms);
  }

  // Pagefind scores each word of a query on its own, wherever it is on a page: for a
  // person's name ("Phạm Thanh Việt") the xã pages whose title holds one of its words came
  // first, and no page holding the name was among the first 20 results for 3 of 8 names of
  // the national synthetic package (bench/search_rank.py, "pages holding the query"). Before any fragment is loaded, all results are
  // ordered by how many of the query's words stand next to each other on the page (then as
  // Pagefind ranked them), so the pages that hold the words as typed are the ones loaded and
  // shown first. This uses only what the search already loaded (no extra bytes on 3G).
  function byAdjacency(results, folded) {
    var terms = folded.trim().split(/\s+/).length;
    if (terms < 2) return results;
    return results
      .map(function (r, i) {
        return { r: r, near: nearness(r.words || [], terms), i: i };
      })
      .sort(function (a, b) {
        return b.near - a.near || a.i - b.i;
      })
      .map(function (x) {
        return x.r;
      });
  }

  function searchIn(url, folded) {
    return pagefind(url).then(function (pf) {
      return pf.search(folded).then(function (search) {
        var results = byAdjacency(search.results, folded);
        return fetchData(results, 0, SHOWN).then(function (data) {
          if (results.length && !data.some(Boolean)) throw new Error("offline");
          return { total: results.length, data: data, results: results };
        });
      });
    });
  }

  // Pagefind's excerpt is HTML with <mark> around the matches. Parsed in an inert document
  // and rebuilt from text nodes and <mark> only. Null when it lies in the hidden folded words
  // (Pagefind keeps them in a page's content), which readers must not see.
  function excerpt(html, visible) {
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var source = doc.body.firstChild;
    if (!source || source.textContent.indexOf(SENTINEL) >= 0) return null;
    var plain = source.textContent.replace(/…/g, "").trim();
    if (plain.length < 20 || visible.indexOf(plain.slice(0, 40)) < 0) return null;
    var out = document.createElement("p");
    Array.prototype.forEach.call(source.childNodes, function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  // Our own excerpt, from the visible text: words around the first match, matches marked.
  function ownExcerpt(visible, query) {
    var terms = words(query).trim().split(" ");
    var tokens = visible.split(/\s+/);
    function hit(token) {
      var folded = words(token).trim();
      return terms.some(function (t) {
        return t && folded.indexOf(t) === 0;
      });
    }
    var first = 0;
    while (first < tokens.length && !hit(tokens[first])) first += 1;
    var start = first < tokens.length ? Math.max(0, first - 8) : 0;
    var out = document.createElement("p");
    tokens.slice(start, start + 26).forEach(function (token, k) {
      if (k) out.appendChild(document.createTextNode(" "));
      if (hit(token)) {
        var mark = document.createElement("mark");
        mark.textContent = token;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(token));
      }
    });
    if (start + 26 < tokens.length) out.appendChild(document.createTextNode(" …"));
    return out;
  }

  function item(query, data) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = (data.meta && data.meta.title) || data.url;
    li.appendChild(link);
    var visible = (data.content || "").split(SENTINEL)[0];
    li.appendChild(excerpt(data.excerpt || "", visible) || ownExcerpt(visible, query));
    return li;
  }

  // The current search: what is ranked and loaded, how many are shown, what is left.
  var current = null;

  function left() {
    return current.shown < current.items.length || current.loaded < current.total;
  }

  function summary() {
    var c = current;
    var text;
    if (!c.total) text = "Không tìm thấy kết quả nào cho “" + c.query + "”.";
    else {
      text = "Tìm thấy " + window.AntqNumber(c.total) + " kết quả cho “" + c.query + "”";
      text += left() ? ", đang hiển thị " + c.shown + " kết quả đầu." : ".";
    }
    if (c.missing) text += " " + c.missing + " kết quả cần có mạng mới mở được.";
    if (c.offline) text = "Không có mạng: tìm trong các bài học đã tải về máy. " + text;
    status.textContent = text;
    more.hidden = !left();
  }

  // Show the next SHOWN results: those already loaded, then the next ones from Pagefind
  // (loaded now, ranked among themselves). Resolves to the first new item.
  function showMore(ticket) {
    var c = current;
    var need = c.shown + SHOWN;
    var lacking = Math.min(need - c.items.length, c.total - c.loaded);
    var ready = lacking > 0 ? fetchData(c.results, c.loaded, c.loaded + lacking) : null;
    return Promise.resolve(ready).then(function (data) {
      if (ticket !== latest) return null;
      var found = [];
      (data || []).forEach(function (d) {
        c.loaded += 1;
        if (d) found.push(d);
        else c.missing += 1;
      });
      c.items = c.items.concat(rank(c.query, found));
      var first = null;
      c.items.slice(c.shown, need).forEach(function (d) {
        var li = item(c.query, d);
        first = first || li;
        list.appendChild(li);
      });
      c.shown = Math.min(need, c.items.length);
      list.hidden = c.items.length === 0;
      ways.hidden = !list.hidden;
      summary();
      return first;
    });
  }

  function run(query) {
    var ticket = ++latest;
    var folded = family(query).rest;
    list.textContent = "";
    more.hidden = true;
    if (!folded) {
      list.hidden = true;
      ways.hidden = false;
      status.textContent = "";
      return;
    }
    status.textContent = "Đang tìm…";
    var offline = false;
    searchIn(SITE, folded)
      .catch(function () {
        offline = true;
        return searchIn(LIBRARY, folded);
      })
      .then(function (result) {
        if (ticket !== latest) return;
        var found = result.data.filter(Boolean);
        current = {
          query: query,
          total: result.total,
          results: result.results,
          items: rank(query, found),
          loaded: result.data.length,
          missing: result.data.length - found.length,
          shown: 0,
          offline: offline
        };
        list.textContent = "";
        return showMore(ticket);
      })
      .catch(function () {
        if (ticket !== latest) return;
        status.textContent =
          "Chưa tìm được: không có mạng và chưa tải bài học về máy (trang Bài học).";
      });
  }

  function remember(query) {
    var url = location.pathname + (query ? "?q=" + encodeURIComponent(query) : "");
    history.replaceState(null, "", url);
  }

  // "Xem thêm kết quả": the next results, the focus on the first of them.
  more.addEventListener("click", function () {
    if (!current) return;
    more.disabled = true;
    showMore(latest).then(function (first) {
      more.disabled = false;
      var link = first && first.querySelector("a");
      if (link) link.focus();
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    remember(input.value.trim());
    run(input.value);
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      remember(input.value.trim());
      run(input.value);
    }, 250);
  });

  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
