"""Administration of accounts and API keys, and the auditors' recorded reason to see real ids.

Every change here is a command, so it lands in the log with the rest. Forms
work without JavaScript (they post and come back with a 303); with htmx the
same buttons send their request in place (`hx-post`, `hx-delete`) and the page
is refreshed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Response, Template
from litestar.stores.base import Store

from domain.accounts import LINK_OF_ROLE, Role
from domain.application import Tremplin
from domain.errors import DomainError, NotFound
from infra.credentials import hash_password, new_password
from projections.accounts import accounts, api_keys
from projections.store import ViewStore
from web.access import allow
from web.auth_pages import flash, in_language, take_flash
from web.pages import page, principal

DISCLOSURE = timedelta(hours=1)


@dataclass
class NewAccount:
    email: str
    role: Role
    link: str = ""
    full_name: str = ""


@dataclass
class Reason:
    reason: str


class AdminController(Controller):
    path = "/admin"
    opt = allow(Role.ADMIN, accounts_only=True)
    include_in_schema = False

    @get("/accounts")
    async def accounts_page(
        self, request: Request[Any, Any, Any], views: NamedDependency[ViewStore]
    ) -> Template:
        return await _accounts_page(request, views, **take_flash(request))

    @post("/accounts")
    async def create_account(
        self,
        request: Request[Any, Any, Any],
        views: NamedDependency[ViewStore],
        data: Annotated[NewAccount, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        app: Tremplin = request.app.state.tremplin
        link_name = LINK_OF_ROLE.get(data.role)
        links = {link_name: data.link.strip()} if link_name and data.link.strip() else {}
        password = new_password()
        try:
            password_hash = await asyncio.to_thread(hash_password, password)
            await asyncio.to_thread(
                app.open_account,
                data.email,
                data.role,
                password_hash,
                links,
                False,
                data.full_name.strip() or None,
            )
        except DomainError as error:
            return flash(request, _to_list(request), error=str(error))
        await asyncio.to_thread(request.app.state.read_models.catch_up)
        # Shown once, on the page the redirect leads to: a reload never creates it again.
        return flash(request, _to_list(request), created=password)

    @post("/accounts/{account_id:str}/disable")
    async def disable(
        self, request: Request[Any, Any, Any], account_id: FromPath[str]
    ) -> Response[Any]:
        email = _email_of(request, account_id)
        if account_id == principal(request).account_id:
            raise DomainError("an administrator cannot disable their own account")
        app: Tremplin = request.app.state.tremplin
        await asyncio.to_thread(app.disable_account, email, "disabled by an administrator")
        return await _back(request)

    @post("/accounts/{account_id:str}/enable")
    async def enable(
        self, request: Request[Any, Any, Any], account_id: FromPath[str]
    ) -> Response[Any]:
        app: Tremplin = request.app.state.tremplin
        await asyncio.to_thread(app.enable_account, _email_of(request, account_id))
        return await _back(request)

    @delete("/apikeys/{key_id:str}", status_code=200)
    async def revoke_key(
        self, request: Request[Any, Any, Any], key_id: FromPath[str]
    ) -> Response[Any]:
        app: Tremplin = request.app.state.tremplin
        await asyncio.to_thread(app.revoke_api_key, key_id)
        return await _back(request)

    @post("/apikeys/{key_id:str}/revoke")
    async def revoke_key_form(
        self, request: Request[Any, Any, Any], key_id: FromPath[str]
    ) -> Response[Any]:
        """The same as DELETE, for a browser without JavaScript (forms only post)."""
        app: Tremplin = request.app.state.tremplin
        await asyncio.to_thread(app.revoke_api_key, key_id)
        return await _back(request)


class DisclosureController(Controller):
    path = "/audit/disclosure"
    opt = allow(Role.AUDITOR, accounts_only=True)
    include_in_schema = False

    @get()
    async def disclosure_page(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "disclosure.html", now=datetime.now(UTC))

    @post()
    async def record_reason(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[Reason, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        """The reason goes into the log with the auditor's account, then ids show for an hour."""
        app: Tremplin = request.app.state.tremplin
        email = principal(request).email
        assert email is not None  # accounts only
        until = datetime.now(UTC) + DISCLOSURE
        await asyncio.to_thread(app.record_disclosure_reason, email, data.reason, until)
        return Redirect(in_language(request, "/audit/disclosure"), status_code=303)


async def _accounts_page(
    request: Request[Any, Any, Any],
    views: ViewStore,
    *,
    error: str | None = None,
    created: str | None = None,
) -> Template:
    usage: Store = request.app.state.key_usage_store
    keys = api_keys(views)
    last_used = {}
    for key in keys:
        seen = await usage.get(key.key_id)
        last_used[key.key_id] = seen.decode() if seen else None
    return page(
        request,
        "admin_accounts.html",
        accounts=accounts(views),
        keys=keys,
        last_used=last_used,
        roles=list(Role),
        error=error,
        created=created,
    )


def _email_of(request: Request[Any, Any, Any], account_id: str) -> str:
    app: Tremplin = request.app.state.tremplin
    account = app.account_by_id(account_id)
    if account is None:
        raise NotFound(f"there is no account {account_id}")
    return account.email


def _to_list(request: Request[Any, Any, Any]) -> Redirect:
    return Redirect(in_language(request, "/admin/accounts"), status_code=303)


async def _back(request: Request[Any, Any, Any]) -> Response[Any]:
    """Back to the list once the views show the change: htmx refreshes, a form is redirected."""
    await asyncio.to_thread(request.app.state.read_models.catch_up)
    if request.headers.get("hx-request") == "true":
        return Response(None, status_code=200, headers={"HX-Refresh": "true"})
    return _to_list(request)
