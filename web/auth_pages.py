"""Signing in and out, and the account page: French first, every form working without JavaScript.

Sign-in says the same thing, and takes the same time, whether the email is
unknown, the password wrong or the account disabled, so nobody learns who has
an account. Attempts are limited per account and per address.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.middleware.csrf import generate_csrf_token
from litestar.params import Body, QueryParameter
from litestar.response import Redirect, Response, Template

from domain.accounts import normalised_email
from domain.application import Tremplin
from domain.errors import InvalidValue
from infra.credentials import hash_password, password_matches
from web.access import EVERY_ROLE, allow, public, session_still_valid
from web.i18n import N_, gettext_for, language_of
from web.login_limits import LoginThrottle
from web.pages import page, principal
from web.sessions import rotate

# Said after too many tries, whether signing in or changing one's password.
TOO_MANY_ATTEMPTS = N_("Too many sign-in attempts. Try again in %(minutes)s min.")


@dataclass
class NewPassword:
    current: str
    new: str
    repeat: str


@dataclass
class SignIn:
    email: str
    password: str
    next: str = "/account"


class AuthController(Controller):
    @get("/login", opt=public(), include_in_schema=False)
    async def login_page(
        self,
        request: Request[Any, Any, Any],
        target: Annotated[str, QueryParameter(name="next")] = "/account",
    ) -> Template:
        signed_out = request.query_params.get("signed_out") == "1"
        return page(request, "login.html", next=_local(target), signed_out=signed_out)

    @post("/login", opt=public(), include_in_schema=False)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[SignIn, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any] | Template:
        app: Tremplin = request.app.state.tremplin
        throttle: LoginThrottle = request.app.state.login_throttle
        address = request.client.host if request.client else "unknown"
        who = _account_key(data.email)
        _ = gettext_for(language_of(request))
        wait = await throttle.begin(who, address)  # counted now: parallel tries cannot pass
        if wait:
            message = _(TOO_MANY_ATTEMPTS, minutes=-(-wait // 60))
            return page(
                request, "login.html", status_code=429, headers={"Retry-After": str(wait)},
                error=message, next=_local(data.next), email=data.email,
            )  # fmt: skip
        account = _account(app, data.email)
        matches = await asyncio.to_thread(
            password_matches, account.password_hash if account else None, data.password
        )
        if (
            account is None
            or not matches
            or not session_still_valid(app, account, {"epoch": account.sessions_epoch})
        ):
            return page(
                request, "login.html", status_code=401,
                error=_("Wrong email address or password."), next=_local(data.next),
                email=data.email,
            )  # fmt: skip
        await throttle.succeeded(who, address)
        request.set_session(rotate({"account": account.id.hex, "epoch": account.sessions_epoch}))
        response = Redirect(in_language(request, _local(data.next)), status_code=303)
        _rotate_csrf(request, response)
        return response

    @post("/logout", opt=public(), include_in_schema=False)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[Any]:
        request.clear_session()
        return _leave(request, f"/login?signed_out=1&lang={language_of(request)}")

    @get("/account", opt=allow(*EVERY_ROLE, accounts_only=True), include_in_schema=False)
    async def account_page(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "account.html", flash=take_flash(request))

    @post("/account/password", opt=allow(*EVERY_ROLE, accounts_only=True), include_in_schema=False)
    async def change_password(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[NewPassword, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        """The current password first (limited like signing in); then every other session
        ends, and this one goes on under a new id."""
        app: Tremplin = request.app.state.tremplin
        throttle: LoginThrottle = request.app.state.login_throttle
        _ = gettext_for(language_of(request))
        email = principal(request).email
        assert email is not None  # accounts only
        who, address = _account_key(email), request.client.host if request.client else "unknown"
        back = Redirect(in_language(request, "/account"), status_code=303)
        if await throttle.begin(who, address):
            return flash(request, back, error=_(TOO_MANY_ATTEMPTS, minutes=15))
        account = app.account(email)
        assert account is not None
        if not await asyncio.to_thread(password_matches, account.password_hash, data.current):
            return flash(request, back, error=_("Wrong current password."))
        await throttle.succeeded(who, address)
        if data.new != data.repeat:
            return flash(request, back, error=_("The two new passwords differ."))
        try:
            hashed = await asyncio.to_thread(hash_password, data.new)
        except InvalidValue:
            return flash(request, back, error=_("New password (at least 12 characters)"))
        await asyncio.to_thread(app.change_password, email, hashed)
        changed = app.account(email)
        assert changed is not None
        request.set_session(rotate({"account": changed.id.hex, "epoch": changed.sessions_epoch}))
        return flash(request, back, notice=_("Password changed."))

    @post(
        "/account/sign-out-everywhere",
        opt=allow(*EVERY_ROLE, accounts_only=True),
        include_in_schema=False,
    )
    async def sign_out_everywhere(self, request: Request[Any, Any, Any]) -> Response[Any]:
        app: Tremplin = request.app.state.tremplin
        email = principal(request).email
        assert email is not None  # accounts only
        await asyncio.to_thread(app.sign_out_everywhere, email)
        request.clear_session()
        return _leave(request, f"/login?signed_out=1&lang={language_of(request)}")


def in_language(request: Request[Any, Any, Any], target: str) -> str:
    """`target` in the language the request was in, so that it is not lost on the way."""
    if "lang=" in target:
        return target
    return f"{target}{'&' if '?' in target else '?'}lang={language_of(request)}"


def flash(
    request: Request[Any, Any, Any], response: Response[Any], **message: str
) -> Response[Any]:
    """A message for the next page (post, redirect, get: a reload never posts again)."""
    request.session["flash"] = message
    return response


def take_flash(request: Request[Any, Any, Any]) -> dict[str, str]:
    found = request.session.pop("flash", None) if isinstance(request.session, dict) else None
    return found if isinstance(found, dict) else {}


def _account(app: Tremplin, email: str) -> Any:
    try:
        return app.account(email)
    except InvalidValue:  # not an email address: no such account
        return None


def _account_key(email: str) -> str:
    """What the throttle counts by: a digest of the login as compared, never the email."""
    try:
        login = normalised_email(email)
    except InvalidValue:
        login = email.strip().casefold()
    return hashlib.sha256(login.encode()).hexdigest()


def _local(target: str) -> str:
    """Only a path on this site: `next=https://elsewhere` must not send people away."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/account"


def _leave(request: Request[Any, Any, Any], target: str) -> Response[Any]:
    """A full-page move: htmx follows `HX-Redirect`, a plain form the 303."""
    if request.headers.get("hx-request") == "true":
        return Response(None, status_code=204, headers={"HX-Redirect": target})
    return Redirect(target, status_code=303)


def _rotate_csrf(request: Request[Any, Any, Any], response: Response[Any]) -> None:
    """A new CSRF token with the new session: the next page renders it for forms and htmx."""
    config = request.app.csrf_config
    assert config is not None
    response.set_cookie(
        key=config.cookie_name,
        value=generate_csrf_token(config.secret),
        path=config.cookie_path,
        secure=config.cookie_secure,
        httponly=config.cookie_httponly,
        samesite=config.cookie_samesite,
    )
