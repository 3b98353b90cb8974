"""`antq push serve`: the subscription service the follow buttons talk to.

    POST   /subscriptions   {"subscription": {"endpoint", "keys": {"p256dh", "auth"}},
                             "topics": ["xa:11140", …], "action": "replace" | "add" | "remove"}
                            → 200 {"ok": true, "topics": [the subscription's topics now]}
    DELETE /subscriptions   {"endpoint": "…"} → 200 {"ok": true, "removed": true | false}
    GET    /health          → 200 {"status": "ok", "schema": N}

Everything a browser sends is checked before it reaches the store: the body's size (413), its
type (415), its nesting and numbers (400, before the parser can recurse or convert), the
endpoint against the allow-list (SSRF) and in its one canonical form (the store's key), the
keys' lengths and curve, the topics against the data's vocabulary; every problem is reported
at once, in Vietnamese (422). Each client IP has a token bucket (429 with Retry-After). CORS
answers the site's origin only, and a request that carries another Origin is refused outright
(403): a cross-site form post needs no preflight, so CORS alone would not stop it.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from generator.data.messages_vi import text
from generator.push.endpoints import (
    DEFAULT_POLICY,
    MAX_ENDPOINT_LENGTH,
    EndpointPolicy,
    Refusal,
    key_refusals,
    refusal,
)
from generator.push.store import MAX_TOPICS, Store, TooManyTopics
from generator.push.topics import MAX_TOPIC_LENGTH, TOPIC_PATTERN, Vocabulary

MAX_BODY_BYTES = 4096  # a subscription with 50 topics is about 2 KB
# A subscription nests three levels ({"subscription": {"keys": {…}}}). Python's parser recurses
# per level: a body of "[[[[…" would exhaust the stack (RecursionError, a 500) long before the
# size limit, so nesting is counted before parsing.
MAX_JSON_DEPTH = 8
MAX_NUMBER_LENGTH = 20  # expirationTime is milliseconds since 1970: 13 digits
ACTIONS = ("replace", "add", "remove")


@dataclass(frozen=True)
class ServiceConfig:
    db_path: Path | str  # a SQLite file or a database URL (generator/push/db.py)
    origin: str  # the site's origin (scheme://host[:port]): the only one CORS answers
    vocabulary: Vocabulary
    policy: EndpointPolicy = DEFAULT_POLICY
    max_body: int = MAX_BODY_BYTES
    rate: float = 0.5  # tokens per second per client IP: a follow click costs one
    burst: int = 20  # clicks a person can make in a row before waiting


class TokenBuckets:
    """Per-key token buckets. Bounded memory: the least recently seen keys are dropped
    first (a dropped key starts again with a full bucket, which only errs on the kind side)."""

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.max_keys = max_keys
        self.clock = clock
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self.lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when a token was taken; otherwise the seconds until one will be there."""
        now = self.clock()
        with self.lock:
            tokens, last = self.buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate if self.rate > 0 else 3600.0
            self.buckets[key] = (tokens, now)
            while len(self.buckets) > self.max_keys:
                self.buckets.popitem(last=False)
            return wait


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, lower-cased, no trailing slash."""
    scheme, _, rest = url.strip().partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme.lower()}://{host.lower()}"


def _error(
    status: int,
    code: str,
    message: str | None = None,
    *,
    problems: list[dict[str, str]] | None = None,
    **params: Any,
) -> JSONResponse:
    """A JSON error body; its message is the catalogue's entry `push-<code>` unless given."""
    body: dict[str, Any] = {"error": code, "message": message or text(f"push-{code}", **params)}
    if problems is not None:
        body["problems"] = problems
    return JSONResponse(body, status_code=status)


class _BodyTooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():  # also bounds chunked bodies with no length
        body += chunk
        if len(body) > limit:
            raise _BodyTooLarge
    return bytes(body)


class BadJson(ValueError):
    """The body is not JSON we parse (too deep, a number or a string we refuse)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _too_deep(body: str, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit` (strings are skipped)."""
    depth = 0
    in_string = escaped = False
    for char in body:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _number(kind: type[int] | type[float]) -> Callable[[str], float]:
    def parse(literal: str) -> float:
        value = kind(literal) if len(literal) <= MAX_NUMBER_LENGTH else math.inf
        if not math.isfinite(value):
            raise ValueError(literal[:40])
        return value

    return parse


def _no_constant(name: str) -> Any:
    raise ValueError(name)  # NaN, Infinity, -Infinity: not JSON


def parse_json(raw: bytes) -> Any:
    """The body as JSON, within the bounds a subscription needs; BadJson otherwise."""
    invalid = BadJson("bad-json", text("push-json-invalid"))
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise invalid from None
    if _too_deep(body, MAX_JSON_DEPTH):
        raise BadJson("too-deep", text("push-json-too-deep", limit=MAX_JSON_DEPTH))
    try:
        data = json.loads(
            body,
            parse_int=_number(int),
            parse_float=_number(float),
            parse_constant=_no_constant,
        )
        # A lone surrogate ("\ud800") parses, then fails every UTF-8 encoding later (the
        # answer quoting it, the store): refuse it here.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError, UnicodeEncodeError):
        raise invalid from None
    return data


def _problem(field: str, refusal: Refusal) -> dict[str, str]:
    return {"field": field, "code": refusal.code, "message": refusal.message}


def validate_subscribe(
    data: Any, vocabulary: Vocabulary, policy: EndpointPolicy
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """Every problem of a subscribe request (empty: the clean values to store)."""
    problems: list[dict[str, str]] = []
    if not isinstance(data, dict):
        return [_problem("", refusal("body-not-object"))], {}
    for key in sorted(set(data) - {"subscription", "topics", "action"}):
        problems.append(_problem(key, refusal("unknown-field", key=key[:40])))
    subscription = data.get("subscription")
    endpoint: Any = None
    keys: Any = None
    if not isinstance(subscription, dict):
        problems.append(_problem("subscription", refusal("subscription-missing")))
    else:
        keys = subscription.get("keys")
        endpoint, refusal_or_none = policy.check(subscription.get("endpoint"))
        if refusal_or_none is not None:
            problems.append(_problem("subscription.endpoint", refusal_or_none))
        problems += [_problem("subscription.keys", r) for r in key_refusals(keys)]
    action = data.get("action", "replace")
    if action not in ACTIONS:
        problems.append(_problem("action", refusal("action-invalid")))
    topics = data.get("topics")
    if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
        problems.append(_problem("topics", refusal("topics-invalid")))
        topics = []
    elif not topics:
        problems.append(_problem("topics", refusal("topics-empty")))
    elif len(topics) > MAX_TOPICS:
        problems.append(_problem("topics", refusal("topics-too-many", limit=MAX_TOPICS)))
    else:
        for topic in topics:
            if len(topic) > MAX_TOPIC_LENGTH or not TOPIC_PATTERN.match(topic):
                problems.append(_problem("topics", refusal("topic-invalid", topic=topic[:40])))
            elif topic not in vocabulary and action != "remove":
                # Removing a topic that left the data (a model withdrawn) must still work.
                problems.append(_problem("topics", refusal("topic-unknown", topic=topic)))
    if problems:
        return problems, {}
    return [], {
        "endpoint": endpoint,
        "p256dh": keys["p256dh"].rstrip("="),
        "auth": keys["auth"].rstrip("="),
        "topics": topics,
        "action": action,
    }


def create_app(config: ServiceConfig, *, store: Store | None = None) -> Starlette:
    """The push service's Starlette app over `store`.

    Long because it is the service's route table: each route handler is defined here, sharing the
    guard, store and rate buckets.
    """
    store = store or Store(config.db_path)
    buckets = TokenBuckets(config.rate, config.burst)
    origin = origin_of(config.origin)

    def guard(request: Request) -> JSONResponse | None:
        """What every write request must pass before its body is read."""
        sent_origin = request.headers.get("origin")
        if sent_origin is not None and origin_of(sent_origin) != origin:
            return _error(403, "origin")
        client = request.client.host if request.client else "?"
        wait = buckets.take(client)
        if wait > 0:
            response = _error(429, "rate-limited")
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return response
        content_type = request.headers.get("content-type", "").split(";", 1)[0].strip()
        if content_type.lower() != "application/json":
            return _error(415, "content-type")
        return None

    async def read_json(request: Request) -> tuple[Any, JSONResponse | None]:
        try:
            body = await _read_body(request, config.max_body)
        except _BodyTooLarge:
            return None, _error(413, "too-large", limit=config.max_body)
        try:
            return parse_json(body), None
        except BadJson as exc:
            return None, _error(400, exc.code, exc.message)

    async def subscribe(request: Request) -> Response:
        refused = guard(request)
        if refused is not None:
            return refused
        data, refused = await read_json(request)
        if refused is not None:
            return refused
        problems, clean = validate_subscribe(data, config.vocabulary, config.policy)
        if problems:
            return _error(422, "invalid", problems=problems)
        try:
            topics = await run_in_threadpool(
                store.subscribe,
                clean["endpoint"],
                clean["p256dh"],
                clean["auth"],
                clean["topics"],
                clean["action"],
            )
        except TooManyTopics:
            return _error(422, "topics-too-many", limit=MAX_TOPICS)
        return JSONResponse({"ok": True, "topics": topics})

    async def unsubscribe(request: Request) -> Response:
        refused = guard(request)
        if refused is not None:
            return refused
        data, refused = await read_json(request)
        if refused is not None:
            return refused
        endpoint = data.get("endpoint") if isinstance(data, dict) else None
        if not isinstance(endpoint, str) or not 0 < len(endpoint) <= MAX_ENDPOINT_LENGTH:
            problem = {"field": "endpoint", "code": "endpoint-missing"}
            problem["message"] = text("push-endpoint-missing")
            return _error(422, "invalid", problems=[problem])
        # The store keys subscriptions by the canonical form; an endpoint the policy refuses
        # now cannot be stored, but may have been before the policy shrank.
        canonical, _ = config.policy.check(endpoint)
        removed = await run_in_threadpool(store.unsubscribe, canonical or endpoint)
        return JSONResponse({"ok": True, "removed": removed})

    async def health(request: Request) -> Response:
        try:
            version = await run_in_threadpool(store.schema_version)
        except Exception:
            return _error(503, "store")
        return JSONResponse({"status": "ok", "schema": version})

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        return _error(status, {404: "not-found", 405: "method"}.get(status, "error"))

    async def server_error(request: Request, exc: Exception) -> Response:
        return _error(500, "server")

    app = Starlette(
        routes=[
            Route("/subscriptions", subscribe, methods=["POST"]),
            Route("/subscriptions", unsubscribe, methods=["DELETE"]),
            Route("/health", health, methods=["GET"]),
        ],
        middleware=[
            # Outermost, so errors (413, 422, 429) reach the site's script readable.
            Middleware(
                CORSMiddleware,
                allow_origins=[origin],
                allow_methods=["POST", "DELETE"],
                allow_headers=["Content-Type"],
                max_age=86400,
            )
        ],
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.store = store
    return app


def serve(config: ServiceConfig, *, host: str, port: int, forwarded_allow_ips: str | None) -> None:
    """Run under uvicorn. Put it behind a TLS-terminating proxy; with --forwarded-allow-ips
    naming that proxy, the rate limit sees real client addresses (X-Forwarded-For)."""
    import uvicorn

    app = create_app(config)  # opens (and migrates) the store before listening
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=forwarded_allow_ips is not None,
        forwarded_allow_ips=forwarded_allow_ips,
        server_header=False,
        log_level="info",
    )
