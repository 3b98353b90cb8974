"""The one mapping between a site URL and the file that serves it.

A page's URL ends in "/" and its file is that folder's `index.html`; any other URL names
its file directly ("/sitemap.xml", "/404.html"). The build writes by it, the service worker
and the checker read by it, the exports relocate by it: written once here so that the
writers and the readers cannot drift apart (`tests/test_layers.py` keeps the literal
"index.html" out of every other module).
"""

from __future__ import annotations

import re

INDEX = "index.html"
# Page n > 1 of a long list at /x/ is /x/trang-n/ (generator.pages.page_url).
PAGE_SEGMENT = "trang-"
_LATER_PAGE = re.compile(rf"/{PAGE_SEGMENT}\d+/$")


def url_to_path(url: str) -> str:
    """The output file of a site URL, relative to the site root:
    "/a/b/" → "a/b/index.html", "/" → "index.html", "/x.xml" → "x.xml"."""
    path = url.lstrip("/")
    return path + INDEX if path.endswith("/") or not path else path


def path_to_url(rel: str) -> str:
    """The URL a file is served at: "a/b/index.html" → "/a/b/", "index.html" → "/",
    "404.html" → "/404.html"."""
    if rel == INDEX:
        return "/"
    if rel.endswith("/" + INDEX):
        return "/" + rel[: -len(INDEX)]
    return "/" + rel


def is_index(rel: str) -> bool:
    """Whether a file is a folder's page (served at the folder's URL)."""
    return rel == INDEX or rel.endswith("/" + INDEX)


def dir_to_path(rel_dir: str) -> str:
    """The page file of a folder relative to the root: "a/b" → "a/b/index.html", "" → the
    home page."""
    return f"{rel_dir}/{INDEX}" if rel_dir else INDEX


def zim_path(url: str) -> str:
    """A page's entry in a ZIM archive, which names pages without a file name:
    "/a/b/" → "a/b", "/" → "index"."""
    if not url.endswith("/"):
        return url.lstrip("/")
    return url.strip("/") or "index"


def srcset_urls(value: str) -> list[str]:
    """The URLs of a `srcset` (or `imagesrcset`) value: each candidate's first word."""
    return [part.split()[0] for part in value.split(",") if part.strip()]


def is_later_page(url: str) -> bool:
    """Whether a URL is page 2, 3, … of a long list ("/phan-loai/2025/trang-2/"): the rest
    of the list at the URL without its last segment."""
    return _LATER_PAGE.search(url) is not None
