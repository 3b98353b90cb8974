"""The offline exports' own search page (issue 16, item 2): `tim-kiem` in the ZIM,
`tim-kiem/index.html` in the USB zip.

Kiwix's own full-text search cannot be relied on for Vietnamese: Debian's kiwix-serve 3.3.0
(libzim 8.1) strips accents when it indexes but not from the query, so "lừa đảo" finds
nothing there, and no version folds đ. The site's search (Pagefind) needs a web server's
fetches and an ES module, which a file:// page cannot load. So the export carries a page that
lists every exported lesson and legal document, each with its words folded exactly as
`site/static/js/tim-kiem.js` and `generator.textvi.fold` fold them (tones and marks removed,
đ → d), in a `data-k` attribute; a small classic script (no module, no fetch, no inline code)
hides the entries that do not hold every typed word. Without JavaScript the page is the
plain list of lessons. Nothing is fetched, so it works in kiwix-serve, the Kiwix apps and
from file:// alike.

Written here rather than with a library: the search libraries that run in a browser without
a server (lunr, Pagefind) either fold nothing or need fetch(); the whole index of the lesson
library is a few hundred kilobytes of attributes.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from generator.data.messages_vi import text
from generator.htmlread import End, Start, Text, drop_ignored, tokenize
from generator.textvi import fold

SEARCH = "/tim-kiem/"  # the site's search page: the export's own replaces it
SCRIPT = "/static/js/tim-kiem-ngoai-tuyen.js"  # the export's script (not a site file)
_WORD = re.compile(r"[^a-z0-9]+")
_MAIN = re.compile(r"(<main\b[^>]*>)(.*)(</main>)", re.S)
_TITLE = re.compile(r"<title>.*?</title>", re.S)


@dataclass(frozen=True)
class Item:
    """One page the search page can find: its link (relative to the search page), title,
    a line of description, and its folded words."""

    href: str
    title: str
    description: str
    words: str


def folded_words(value: str) -> str:
    """Folded words separated by one space: what the script matches typed words against."""
    return _WORD.sub(" ", fold(value)).strip()


def main_text(page_html: str) -> str:
    """The text of a page's <main> (what a reader came for), without its breadcrumbs and
    without what the site's search leaves out too (`data-pagefind-ignore="all"`: text that
    repeats on every lesson, like a quiz's feedback, would match every lesson)."""
    out: list[str] = []
    inside = skip = 0
    for token in tokenize(drop_ignored(page_html)):
        if isinstance(token, Start):
            if token.tag == "main":
                inside += 1
            elif inside and token.tag in ("nav", "style", "script"):
                skip += 1
        elif isinstance(token, End):
            if token.tag == "main":
                inside -= 1
            elif inside and token.tag in ("nav", "style", "script") and skip:
                skip -= 1
        elif isinstance(token, Text) and token.is_data and inside and not skip:
            out.append(html.unescape(token.raw))
    return " ".join(" ".join(out).split())


def search_page(shell: str, items: list[Item], script_href: str) -> str:
    """The search page: `shell` (an exported page at the same folder depth, the lesson
    library) with its title and <main> replaced."""
    title = text("zim-search-title")
    rows = []
    for item in items:
        rows.append(
            f'<li data-t="{html.escape(folded_words(item.title), quote=True)}" '
            f'data-k="{html.escape(item.words, quote=True)}">'
            f'<a href="{html.escape(item.href, quote=True)}">{html.escape(item.title)}</a>'
            + (f"<p>{html.escape(item.description)}</p>" if item.description else "")
            + "</li>"
        )
    main = (
        f"<h1>{html.escape(title)}</h1>\n"
        '<div class="search site-search" role="search">\n'
        f'<label for="q">{html.escape(text("zim-search-label"))}</label>\n'
        '<div class="search-row"><input id="q" name="q" type="search" autocomplete="off" '
        'spellcheck="false" aria-describedby="tim-kiem-goi-y"></div>\n'
        f'<p id="tim-kiem-goi-y"><small>{html.escape(text("zim-search-hint"))}</small></p>\n'
        "</div>\n"
        '<p id="tim-kiem-trang-thai" class="search-status" aria-live="polite">'
        f"{html.escape(text('zim-search-all', count=len(items)))}</p>\n"
        f'<ol id="ket-qua" class="results">\n{chr(10).join(rows)}\n</ol>\n'
        f'<script src="{html.escape(script_href, quote=True)}"></script>\n'
    )
    page = _TITLE.sub(lambda _m: f"<title>{html.escape(title)}</title>", shell, count=1)
    page = page.replace(' aria-current="page"', "")
    replaced = _MAIN.sub(lambda m: m.group(1) + "\n" + main + m.group(3), page, count=1)
    return replaced


# The script: classic (no module), no fetch, no inline code; `fold` is tim-kiem.js's own
# (tests/test_teach.py checks that the two stay the same).
JS = r"""// The offline exports' search (generator/export_search.py): filters the list of pages by
// folded words. Works from file:// and in Kiwix: no module, no fetch.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("ket-qua");
  var status = document.getElementById("tim-kiem-trang-thai");
  if (!input || !list || !status) return;
  var items = Array.prototype.slice.call(list.children);
  var all = status.textContent;

  // The same folding as generator.textvi.fold: đ → d, tones and letter marks removed.
  function fold(text) {
    return text
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  function words(text) {
    return fold(text).replace(/[^a-z0-9]+/g, " ").trim();
  }

  // Every typed word must begin a word of the page; the title, then the text, holding the
  // words in the order typed comes first.
  function score(li, terms) {
    var title = " " + li.getAttribute("data-t") + " ";
    var body = " " + li.getAttribute("data-k") + " ";
    for (var i = 0; i < terms.length; i++) {
      var t = " " + terms[i];
      if (title.indexOf(t) < 0 && body.indexOf(t) < 0) return 0;
    }
    var phrase = " " + terms.join(" ");
    if (title.indexOf(phrase) >= 0) return 3;
    return body.indexOf(phrase) >= 0 ? 2 : 1;
  }

  function run() {
    var query = input.value.trim();
    var typed = words(query);
    var terms = typed ? typed.split(" ") : [];
    var ranked = items.map(function (li, i) {
      return { li: li, s: terms.length ? score(li, terms) : 1, i: i };
    });
    ranked.sort(function (a, b) {
      return b.s - a.s || a.i - b.i;
    });
    var found = 0;
    ranked.forEach(function (r) {
      r.li.hidden = r.s === 0;
      if (r.s) found += 1;
      list.appendChild(r.li);
    });
    if (!terms.length) status.textContent = all;
    else if (!found) status.textContent = "Không tìm thấy bài nào cho “" + query + "”.";
    else status.textContent = "Tìm thấy " + found + " kết quả cho “" + query + "”.";
  }

  input.addEventListener("input", run);
  var match = /[?&]q=([^&#]*)/.exec(window.location.search);
  if (match) {
    try {
      input.value = decodeURIComponent(match[1].replace(/\+/g, " "));
    } catch (e) {
      input.value = "";
    }
  }
  if (input.value) run();
})();
"""
