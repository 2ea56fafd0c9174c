"""Who is asking, and may they: principals, route rules, the one guard, object rules.

Deny by default: every route declares its rule in `opt` (`allow(...)` or
`PUBLIC`); the guard refuses a route that declares none, so a route added
without thinking about access fails closed, and the role × route matrix test
names it. Who is asking is decided from the log itself (the account or key
aggregate), never from a view that may lag: a disabled account or a revoked
key stops working at the next request.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.stores.base import Store

from domain.accounts import Account, ApiKeyKind, Role
from domain.application import Tremplin
from infra.credentials import parse_api_key, secret_matches
from projections.people_access import access_of
from projections.store import ViewStore

ACCESS = "access"  # the opt key of every route's rule
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
USAGE_EVERY_SECONDS = 60.0  # a key's last use is written at most once a minute
STAFF = frozenset({Role.TRAINER, Role.ADMIN})  # see every person, with real ids


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    public: bool = False
    accounts_only: bool = False  # people with a session, not machines with a key


PUBLIC = Rule(frozenset(), public=True)


def allow(*roles: Role, accounts_only: bool = False) -> dict[str, Rule]:
    """A route's `opt`: the roles that may call it."""
    return {ACCESS: Rule(frozenset(roles), accounts_only=accounts_only)}


def public() -> dict[str, Rule]:
    return {ACCESS: PUBLIC}


EVERY_ROLE = tuple(Role)


@dataclass(frozen=True)
class Principal:
    roles: frozenset[Role] = frozenset()
    account_id: str | None = None  # a person's account (session)
    key_id: str | None = None  # a machine's API key
    links: Mapping[str, str] = field(default_factory=dict)
    disclosure_until: datetime | None = None
    email: str | None = None  # shown to its owner only (the account page)

    @property
    def anonymous(self) -> bool:
        return self.account_id is None and self.key_id is None

    @property
    def read_only(self) -> bool:
        return self.key_id is not None  # keys read feeds and figures; people act

    def link(self, name: str) -> str | None:
        return self.links.get(name)

    def sees_real_ids(self, now: datetime | None = None) -> bool:
        """Everyone but an auditor sees the ids their role lets them see; an auditor
        sees pseudonyms unless a recorded reason is in force."""
        if Role.AUDITOR not in self.roles or self.roles & STAFF:
            return True
        until = self.disclosure_until
        return until is not None and (now or datetime.now(UTC)) < until


ANONYMOUS = Principal()


def principal_of_account(account: Account, email: str | None = None) -> Principal:
    return Principal(
        roles=frozenset(account.roles),
        account_id=account.id.hex,
        links=dict(account.links),
        disclosure_until=account.disclosure_until,
        email=email,
    )


async def authorise(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """The app's one guard: find who is asking, then apply the route's rule."""
    if connection.scope.get("method") == "OPTIONS":
        # litestar answers OPTIONS on every path, for cross-origin preflights; no other
        # origin may call this platform, so it is refused to all, the same everywhere.
        raise PermissionDeniedException("no cross-origin requests")
    rule = handler.opt.get(ACCESS)
    principal = identify(connection)
    connection.scope["user"] = principal
    if principal.key_id is not None:
        await connection.app.state.key_usage.seen(principal.key_id)
    if not isinstance(rule, Rule):
        raise PermissionDeniedException("this route has no access rule (deny by default)")
    if principal.read_only and connection.scope.get("method") not in SAFE_METHODS:
        raise PermissionDeniedException("this API key only reads")
    if rule.public:
        return
    if principal.anonymous:
        raise NotAuthorizedException("sign in to see this page")
    if rule.accounts_only and principal.account_id is None:
        raise PermissionDeniedException("only a signed-in person may do this")
    if not principal.roles & rule.roles:
        raise PermissionDeniedException("your role does not give access to this")


def identify(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """A key in `Authorization: Bearer`, else the session's account, else nobody."""
    app: Tremplin = connection.app.state.tremplin
    header = connection.headers.get("authorization")
    if header is not None:
        return _key_principal(connection, app, header)
    session = connection.scope.get("session")
    if not isinstance(session, dict) or not isinstance(session.get("account"), str):
        return ANONYMOUS
    account_hex: str = session["account"]
    account = app.account_by_id(account_hex)
    if account is None or not session_still_valid(app, account, session):
        connection.clear_session()  # ended elsewhere: this cookie no longer signs anyone in
        return ANONYMOUS
    return principal_of_account(account, account.email)


def session_still_valid(app: Tremplin, account: Account, session: dict[str, Any]) -> bool:
    return (
        account.active
        and session.get("epoch") == account.sessions_epoch
        and (not account.demo or app.is_demo())
    )


def _key_principal(
    connection: ASGIConnection[Any, Any, Any, Any], app: Tremplin, header: str
) -> Principal:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        raise NotAuthorizedException("use Authorization: Bearer KEY", headers=_CHALLENGE)
    parsed = parse_api_key(token.strip())
    api_key = app.api_key(parsed[0]) if parsed else None
    if parsed is None or api_key is None or api_key.revoked:
        raise NotAuthorizedException("unknown or revoked API key", headers=_CHALLENGE)
    if not secret_matches(api_key.secret_hash, parsed[1]):
        raise NotAuthorizedException("unknown or revoked API key", headers=_CHALLENGE)
    if api_key.kind is ApiKeyKind.JOBCENTRE:
        return Principal(
            frozenset({Role.JOBCENTRE}), key_id=api_key.key_id, links={"jobcentre": api_key.scope}
        )
    return Principal(frozenset({Role.AUDITOR}), key_id=api_key.key_id)


_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="tremplin"'}


class KeyUsage:
    """When each key was last used, written to a Store at most once a minute per key
    (a feed polled every second must not turn into a write every second)."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.monotonic) -> None:
        self._store, self._clock = store, clock
        self._written: dict[str, float] = {}

    async def seen(self, key_id: str) -> None:
        now = self._clock()
        if now - self._written.get(key_id, -USAGE_EVERY_SECONDS) >= USAGE_EVERY_SECONDS:
            self._written[key_id] = now
            await self._store.set(key_id, datetime.now(UTC).isoformat(timespec="seconds"))


def may_see_person(principal: Principal, person_ref: str, views: ViewStore) -> bool:
    """Object rule: whose learner data this principal may read."""
    if principal.roles & (STAFF | {Role.AUDITOR}):
        return True
    if Role.TRAINEE in principal.roles and principal.link("person_ref") == person_ref:
        return True
    access = access_of(views, person_ref)
    if access is None:
        return False
    mentor = principal.link("mentor_ref")
    if Role.MENTOR in principal.roles and mentor is not None and access.mentor_ref == mentor:
        return True
    if Role.EMPLOYER in principal.roles and access.shares_with_employers:
        return True
    return (
        Role.JOBCENTRE in principal.roles
        and access.referred_by is not None
        and access.referred_by == principal.link("jobcentre")
        and access.shares_with_jobcentre
    )
