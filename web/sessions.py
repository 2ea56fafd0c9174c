"""Server-side sessions on a litestar Store, with the session id rotated at sign-in.

litestar's backend keeps the id a browser arrives with for the whole life of
the session, and stores a session for every request, visitors included. Ours
changes two things: a session that asks for it (`rotate(session)`, at sign-in)
gets a new id and the old one is deleted, so an id planted before sign-in
(session fixation) is worth nothing after; and an empty session is never
stored, so visitors and static files leave no file behind.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from infra.settings import Settings

COOKIE = "tremplin_session"
STORE = "sessions"
_ROTATE = "_rotate"


def rotate(session: dict[str, Any]) -> dict[str, Any]:
    """Ask for a new session id when this session is stored (sign-in)."""
    return {**session, _ROTATE: True}


class RotatingSessionBackend(ServerSideSessionBackend):
    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        arrived_with = connection.cookies.get(self.config.key)
        if isinstance(scope_session, dict) and scope_session.pop(_ROTATE, False):
            store = self.config.get_store_from_app(connection.scope["app"])
            if arrived_with and arrived_with != "null":
                await self.delete(arrived_with, store=store)
            session_id = self.generate_session_id()
            await self._store_as(session_id, scope_session, message, connection)
            return
        if scope_session is Empty or not scope_session:  # signed out, lost, or a visitor
            if arrived_with:
                await self._forget(arrived_with, message, connection)
            return  # a visitor: no cookie, no file
        await super().store_in_message(scope_session, message, connection)

    async def _forget(
        self, session_id: str, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        """Delete the session and its cookie; litestar's own deletion keeps the cookie's
        Max-Age, which browsers obey over the past expiry date it also sends."""
        await self.delete(session_id, store=self.config.get_store_from_app(connection.scope["app"]))
        params = self._cookie_params()
        params["max_age"] = 0
        cookie = Cookie(value="", key=self.config.key, expires=0, **params)
        MutableScopeHeaders.from_message(message).add("Set-Cookie", cookie.to_header(header=""))

    def _cookie_params(self) -> dict[str, Any]:
        return dict(
            extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
        )

    async def _store_as(
        self,
        session_id: str,
        session: dict[str, Any],
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        store = self.config.get_store_from_app(connection.scope["app"])
        await self.set(session_id, self.serialize_data(session, connection.scope), store=store)
        cookie = Cookie(value=session_id, key=self.config.key, **self._cookie_params())
        MutableScopeHeaders.from_message(message).add("Set-Cookie", cookie.to_header(header=""))


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def session_config(settings: Settings) -> RotatingSessionConfig:
    return RotatingSessionConfig(
        key=COOKIE,
        store=STORE,
        max_age=settings.session_minutes * 60,
        renew_on_access=True,  # idle time, not age, ends a session
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",  # sent when following a link from an email, not with cross-site posts
    )
