"""Programme staff's side of the trainee app: a session's check-in code (and its QR code),
and hiding a wall post. Both are commands, so both are in the log."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from typing import Annotated, Any

import segno
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect, Response, Template
from markupsafe import Markup

from domain.accounts import Role
from domain.application import Tremplin
from domain.errors import DomainError
from domain.sessions import new_session_code
from projections.catalogue import programmes
from projections.store import ViewStore
from projections.wall import PostView, wall_of
from projections.wall import post as wall_post
from web.access import allow
from web.auth_pages import flash, in_language, take_flash
from web.pages import page, principal


@dataclass
class NewSession:
    cohort_id: str
    title: str


@dataclass
class Hide:
    reason: str = "hidden by staff"


class StaffController(Controller):
    path = "/staff"
    opt = allow(Role.TRAINER, Role.ADMIN, accounts_only=True)
    include_in_schema = False

    @get("/sessions")
    async def sessions_page(
        self, request: Request[Any, Any, Any], views: NamedDependency[ViewStore]
    ) -> Template:
        today = request.app.state.tremplin.clock()
        running = [
            cohort
            for programme in programmes(views)
            for cohort in programme.cohorts
            if cohort.starts_on <= today.isoformat() <= cohort.ends_on
        ]
        shown = take_flash(request)
        qr = _qr(request, shown["code"]) if "code" in shown else None
        return page(request, "staff_sessions.html", cohorts=running, flash=shown, qr=qr)

    @post("/sessions")
    async def schedule(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[NewSession, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        """Today's session with a fresh 6-digit code, shown once on the page it leads to."""
        app: Tremplin = request.app.state.tremplin
        today = app.clock()
        code = new_session_code()
        session_id = f"{data.cohort_id}-{today.isoformat()}-{code}"
        back = Redirect(in_language(request, "/staff/sessions"), status_code=303)
        try:
            await asyncio.to_thread(
                app.schedule_session, data.cohort_id, session_id, data.title, today, code,
                occurred_on=today,
            )  # fmt: skip
        except DomainError as error:
            return flash(request, back, error=str(error))
        return flash(request, back, code=code, title=data.title, cohort=data.cohort_id)

    @get("/wall")
    async def wall_page(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        cohort: Annotated[str, QueryParameter(max_length=100)] = "",
    ) -> Template:
        """A cohort's wall as staff see it: hidden posts too, and how often each was reported."""
        cohorts = [c for p in programmes(views) for c in p.cohorts]
        shown = wall_of(views, cohort, include_hidden=True) if cohort else None
        return page(
            request, "staff_wall.html", cohorts=cohorts, cohort=cohort, wall=shown,
            flash=take_flash(request), is_post=lambda entry: isinstance(entry, PostView),
        )  # fmt: skip

    @post("/wall/{post_id:str}/hide")
    async def hide(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        post_id: FromPath[str],
        data: Annotated[Hide, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        app: Tremplin = request.app.state.tremplin
        account = principal(request).account_id
        assert account is not None  # accounts only
        found = wall_post(views, post_id)
        target = f"/staff/wall?cohort={found.cohort_id}" if found else "/staff/wall"
        back = Redirect(in_language(request, target), status_code=303)
        hide = app.unhide_post if found is not None and found.hidden else app.hide_post
        try:
            await asyncio.to_thread(hide, post_id, account, data.reason, occurred_on=app.clock())
        except DomainError as error:
            return flash(request, back, error=str(error))
        return back


def _qr(request: Request[Any, Any, Any], code: str) -> Markup:
    """An inline SVG (attributes only: the CSP forbids inline styles) opening the record
    page with the code filled in."""
    target = f"{request.base_url}me/record?code={code}"
    buffer = io.BytesIO()
    segno.make(target, error="m").save(
        buffer, kind="svg", xmldecl=False, svgns=True, nl=False, border=2, omitsize=True,
        svgclass="qr-code", lineclass=None, title="QR",
    )  # fmt: skip
    return Markup(buffer.getvalue().decode())
