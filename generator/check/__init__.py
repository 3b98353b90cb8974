"""`antq check`: the last look at a built site before it is published.

One pass over every file of the output directory finds:

- `broken-link`: an internal link, asset or anchor that leads nowhere;
- `unsafe-url`: a `javascript:` (or `vbscript:`) address;
- `missing-title`, `missing-lang`, `bad-canonical`, `missing-description`: a page without
  the head elements search engines and screen readers rely on;
- `personal-data`: a phone or citizen-ID number anywhere in the output;
- `secret`: a private key or access token anywhere in the output;
- `output-control-character`: a NUL byte in a text file, another control character in a page
  or feed (a text file is any file whose suffix is not a binary one: NUL never makes a file
  skip the scan);
- `external-host`: a request to another host (everything is self-hosted), or a link to a
  host outside the allow-list of official sites;
- `size-budget`: a page or asset heavier, gzip-compressed, than its budget.

The personal-data, secret and control-character scan is the build's own (`generator.scan`,
run on every file the build writes), so a site the build published passes it; the messages
are in the catalogue (`generator.data.messages_vi`), the problems the shared `Problem`.

The national site is ~6,500 pages and 400 MB, and the check must stay well under 20 s on two
cores, so HTML is read with the byte-level readers of `generator.htmlread` (a few targeted
regular expressions) rather than a full parser (`html.parser` reads ~6 MB/s; these passes
read ~50 MB/s), and the big data downloads are ruled out with byte-level pre-filters before
any Python-level work.

Split by concern: `config` (hosts, budgets), `links` (classifying and resolving references),
`head` (pages: tags, ids, head elements), `assets` (CSS, JS, manifest), `budgets` (gzip
sizes), `site` (one file's checks, batches over worker processes), `cli` (the command).
"""

from __future__ import annotations

from generator.check.cli import run_cli
from generator.check.config import DEFAULT_BUDGETS, DEFAULT_LINK_HOSTS, glob_regex
from generator.check.site import CheckReport, check_site
from generator.data.problems import Problem
from generator.scan import BINARY_SUFFIXES

__all__ = [
    "BINARY_SUFFIXES",
    "DEFAULT_BUDGETS",
    "DEFAULT_LINK_HOSTS",
    "CheckReport",
    "Problem",
    "check_site",
    "glob_regex",
    "run_cli",
]
