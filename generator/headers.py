"""HTTP headers of the published site: one source for netlify.toml (kept equal by a test), the
`_headers` file the build writes for other static hosts, and `antq serve`.

The Content Security Policy allows only the site itself: no inline scripts ('unsafe-inline'
is never used for scripts), WebAssembly for the offline search ('wasm-unsafe-eval'), and the
push service's origin in connect-src when one is configured.
"""

from __future__ import annotations

import fnmatch

SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
    ),
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"


def content_security_policy(push_origin: str | None = None) -> str:
    connect = "'self'" + (f" {push_origin}" if push_origin else "")
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src {connect}",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def rules(push_origin: str | None = None) -> list[tuple[str, dict[str, str]]]:
    """(path pattern, headers). No header is set by two patterns that can match the same
    path: Netlify combines duplicate values ("no-cache, public, max-age=…"). Pages get
    no Cache-Control here because static hosts already serve HTML with max-age=0 and
    must-revalidate; hashed assets are immutable; the service worker is never cached."""
    return [
        ("/*", {"Content-Security-Policy": content_security_policy(push_origin), **SECURITY}),
        ("/static/*", {"Cache-Control": IMMUTABLE}),
        ("/vendor/*", {"Cache-Control": IMMUTABLE}),  # paths carry the library version
        ("/sw.js", {"Cache-Control": NO_CACHE}),
        ("/manifest.webmanifest", {"Cache-Control": NO_CACHE}),
    ]


def for_path(path: str, push_origin: str | None = None) -> dict[str, str]:
    """The headers a request for `path` gets (what `antq serve` sends), with the static
    host's HTML default made explicit."""
    out: dict[str, str] = {"Cache-Control": "public, max-age=0, must-revalidate"}
    for pattern, headers in rules(push_origin):
        if fnmatch.fnmatchcase(path, pattern):
            out.update(headers)
    return out


def headers_file(push_origin: str | None = None) -> str:
    """Netlify/Cloudflare Pages `_headers` syntax."""
    merged: dict[str, dict[str, str]] = {}
    for pattern, headers in rules(push_origin):
        merged.setdefault(pattern, {}).update(headers)
    lines = []
    for pattern, headers in merged.items():
        lines.append(pattern)
        lines += [f"  {name}: {value}" for name, value in headers.items()]
    return "\n".join(lines) + "\n"
