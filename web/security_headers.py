"""Security headers on every HTTP response: a strict Content-Security-Policy and its companions.

The pages are server-rendered with no inline script or style, so the policy allows
nothing but our own origin (and `data:` images); an injected `<script>` or `style=`
does not run. A header a handler set itself is kept (a stricter CSP on an SVG
download, say): we only add what is missing.

Two ways to wire it, because litestar runs `middleware=[...]` around route handlers
only: a request for an unknown path (404) or with a wrong method (405) is answered
by the router before any middleware. `add_security_headers`, as a `before_send`
hook, sees every response; `SecurityHeadersMiddleware` covers responses of the
route handlers (errors and static files included) for apps wired that way.
"""

from __future__ import annotations

from collections.abc import Iterable

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)

_ENCODED = tuple(
    (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS
)


def with_security_headers(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The raw ASGI headers plus each security header they do not already carry."""
    present = list(headers)
    names = {name.lower() for name, _ in present}
    return present + [(name, value) for name, value in _ENCODED if name not in names]


NO_STORE = (b"cache-control", b"no-store")
STATIC = "/static/"  # the app's own files, the same for everyone


async def add_security_headers(message: Message, scope: Scope) -> None:
    """A `before_send` hook: `Litestar(before_send=[add_security_headers])`.

    Also `Cache-Control: no-store` on everything but static files, unless a handler
    said otherwise: pages and answers hold personal data, and on a shared computer
    the browser's Back button must not show them again after signing out."""
    if message["type"] == "http.response.start":
        headers = with_security_headers(message.get("headers", ()))
        static = str(scope.get("path", "")).startswith(STATIC)
        if not static and all(name.lower() != b"cache-control" for name, _ in headers):
            headers.append(NO_STORE)
        message["headers"] = headers


class SecurityHeadersMiddleware(ASGIMiddleware):
    """The same headers as a middleware: `Litestar(middleware=[SecurityHeadersMiddleware()])`.

    It does not see the router's own 404 and 405 answers (see the module docstring).
    """

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        async def send_with_headers(message: Message) -> None:
            await add_security_headers(message, scope)
            await send(message)

        await next_app(scope, receive, send_with_headers)
