"""CSRF: litestar's double-submit cookie, plus a repair for a cookie it can no longer verify.

litestar keeps whatever CSRF cookie a browser arrives with and renders it into the
page; if that cookie was signed with another key (a new `secret.key`, another
Tremplin on the same host, which shares cookies across ports), every form then
fails, for good. Before litestar's check, a page request that arrives with such a
cookie has it dropped, so litestar issues a fresh one with the page.
"""

from __future__ import annotations

from hmac import compare_digest
from http.cookies import SimpleCookie

from litestar.config.csrf import CSRFConfig
from litestar.middleware import ASGIMiddleware
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash
from litestar.types import ASGIApp, Receive, Scope, Send

from infra.settings import Settings

SAFE = frozenset({"GET", "HEAD"})


def csrf_config(settings: Settings, secret: bytes) -> CSRFConfig:
    return CSRFConfig(
        secret=secret.hex(),
        cookie_name="tremplin_csrf",
        cookie_secure=settings.cookie_secure,
        cookie_httponly=True,  # pages carry the token; scripts never read the cookie
        cookie_samesite="strict",
        header_name="x-csrftoken",
    )


def verifiable(token: str, secret: str) -> bool:
    """Whether `token` is one this installation signed (token + HMAC of it)."""
    if len(token) <= CSRF_SECRET_LENGTH:
        return False
    expected = generate_csrf_hash(token=token[:CSRF_SECRET_LENGTH], secret=secret)
    return compare_digest(token[CSRF_SECRET_LENGTH:], expected)


class FreshCsrfCookie(ASGIMiddleware):
    def __init__(self, config: CSRFConfig) -> None:
        self.config = config

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope.get("method") in SAFE:
            scope["headers"] = [
                (name, self._without_stale(value) if name == b"cookie" else value)
                for name, value in scope["headers"]
            ]
        await next_app(scope, receive, send)

    def _without_stale(self, header: bytes) -> bytes:
        jar = SimpleCookie()
        try:
            jar.load(header.decode("latin-1"))
        except Exception:  # an unparsable header: litestar reads it its own way
            return header
        morsel = jar.get(self.config.cookie_name)
        if morsel is None or verifiable(morsel.value, self.config.secret):
            return header
        kept = [
            part
            for part in header.decode("latin-1").split(";")
            if part.strip().partition("=")[0] != self.config.cookie_name
        ]
        return ";".join(kept).strip().encode("latin-1")
