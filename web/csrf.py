"""CSRF: litestar's double-submit cookie, and what we add in front of it.

- A repair: litestar keeps whatever CSRF cookie a browser arrives with and renders
  it into the page; if that cookie was signed with another key (a new `secret.key`,
  another Tremplin on the same host, which shares cookies across ports), every form
  then fails, for good. A page request that arrives with such a cookie has it
  dropped, so litestar issues a fresh one with the page.
- Browsers say where a request comes from: a write whose `Sec-Fetch-Site` says
  cross-site, or whose `Origin` is another site, is refused before anything else,
  even with a token (litestar's token is not tied to the session).
- A write with an `Authorization` header is a machine's: keys only read, and it is
  told so, rather than that a CSRF token is missing.
"""

from __future__ import annotations

from hmac import compare_digest
from http.cookies import SimpleCookie

from litestar.config.csrf import CSRFConfig
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash
from litestar.types import ASGIApp, Receive, Scope, Send

from infra.settings import Settings

CSRF_FAILED = "CSRF token verification failed"  # litestar's words; web.errors explains them

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


KEYS_ONLY_READ = "this API key only reads"


class CsrfDefences(ASGIMiddleware):
    def __init__(self, config: CSRFConfig) -> None:
        self.config = config

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope.get("method") in SAFE:
            scope["headers"] = [
                (name, self._without_stale(value) if name == b"cookie" else value)
                for name, value in scope["headers"]
            ]
        else:
            headers = dict(scope["headers"])
            if b"authorization" in headers:
                raise PermissionDeniedException(KEYS_ONLY_READ)
            if _from_elsewhere(headers):
                raise PermissionDeniedException(CSRF_FAILED)
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


def _from_elsewhere(headers: dict[bytes, bytes]) -> bool:
    """What the browser says of the request's origin: another site is refused."""
    if headers.get(b"sec-fetch-site", b"same-origin") not in (b"same-origin", b"none"):
        return True
    origin = headers.get(b"origin")
    if origin is None or origin == b"null":
        return origin == b"null"
    host = headers.get(b"host", b"")
    return origin.partition(b"://")[2] != host
