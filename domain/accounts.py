"""Accounts and API keys: who may use the platform, in which roles.

Account changes are events like every other fact of the programme, so an
auditor can see who could read what, and since when. Passwords and API keys
arrive here already hashed: the domain never sees a secret.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from eventsourcing.domain import Aggregate

from domain.errors import AlreadyExists, InvalidValue, NotFound
from domain.ids import account_id, api_key_id
from domain.values import PersonalDetails, required_text

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# What an account links to (a person, mentor or employer reference, a job centre's code)
# and a job centre key's scope: `sim-2017-0001`, `oulad-11391`, `75-PARIS-13`. Kept for
# good in the log and shown in lists and paths, so only this shape is accepted.
# Used with fullmatch: a pattern's "$" also matches before a final "\n".
REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
MAX_REASON = 500  # reasons are kept for good, in the log
MAX_NAME = 200
API_KEY_ID = re.compile(r"[0-9a-f]{12}")


class Role(StrEnum):
    TRAINEE = "trainee"
    MENTOR = "mentor"
    TRAINER = "trainer"  # programme staff
    EMPLOYER = "employer"
    JOBCENTRE = "jobcentre"  # a job-centre adviser
    AUDITOR = "auditor"
    ADMIN = "admin"


# The record that links an account to whom it acts for, by role.
LINK_OF_ROLE = {
    Role.TRAINEE: "person_ref",
    Role.MENTOR: "mentor_ref",
    Role.EMPLOYER: "employer_ref",
    Role.JOBCENTRE: "jobcentre",
}


class ApiKeyKind(StrEnum):
    JOBCENTRE = "jobcentre"  # a job centre's system, scoped to that centre
    AUDITOR = "auditor"  # an auditor's tool, read-only


def normalised_email(email: str) -> str:
    """The login as compared: trimmed and case-folded, so one person has one account."""
    cleaned = email.strip().casefold()
    if not EMAIL.match(cleaned):
        raise InvalidValue("email", "is not an email address")  # never echo the address
    return cleaned


class Account(Aggregate):
    class Opened(Aggregate.Created):
        role: Role
        password_hash: str
        links: dict[str, str]  # person_ref, mentor_ref, employer_ref or jobcentre
        demo: bool
        personal: PersonalDetails  # the email used to log in

    class RoleGranted(Aggregate.Event):
        role: Role

        def apply(self, account: Account) -> None:
            account.roles.add(self.role)

    class RoleRevoked(Aggregate.Event):
        role: Role

        def apply(self, account: Account) -> None:
            account.roles.discard(self.role)

    class PasswordChanged(Aggregate.Event):
        password_hash: str

        def apply(self, account: Account) -> None:
            account.password_hash = self.password_hash

    class Disabled(Aggregate.Event):
        reason: str

        def apply(self, account: Account) -> None:
            account.disabled = True

    class Enabled(Aggregate.Event):
        def apply(self, account: Account) -> None:
            account.disabled = False

    class SignedOutEverywhere(Aggregate.Event):
        def apply(self, account: Account) -> None:
            account.sessions_epoch += 1

    class DisclosureReasonRecorded(Aggregate.Event):
        """An auditor asked to see real ids instead of pseudonyms, and said why."""

        reason: str
        until: datetime

        def apply(self, account: Account) -> None:
            account.disclosure_until = self.until

    def __init__(
        self,
        role: Role,
        password_hash: str,
        links: dict[str, str],
        demo: bool,
        personal: PersonalDetails,
    ) -> None:
        self.roles = {role}
        self.email = personal.email or ""
        self.password_hash = password_hash
        self.links = dict(links)
        self.demo = demo
        self.disabled = False
        self.sessions_epoch = 0  # raised by "sign out everywhere": older sessions end
        self.disclosure_until: datetime | None = None

    @classmethod
    def open(
        cls,
        email: str,
        role: Role,
        password_hash: str,
        links: dict[str, str],
        *,
        demo: bool = False,
        full_name: str | None = None,
    ) -> Account:
        login = normalised_email(email)
        wanted = LINK_OF_ROLE.get(role)
        if wanted is not None and wanted not in links:
            raise InvalidValue(wanted, f"a {role.value} account must say which {wanted} it is")
        unexpected = set(links) - set(LINK_OF_ROLE.values())
        if unexpected:
            raise InvalidValue(sorted(unexpected)[0], "is not a link an account can have")
        return cls._create(
            cls.Opened,
            id=account_id(login),
            role=role,
            password_hash=required_text("password_hash", password_hash),
            links={name: _link(name, value) for name, value in sorted(links.items())},
            demo=demo,
            personal=PersonalDetails(email=login, full_name=_name("full_name", full_name)),
        )

    def grant(self, role: Role) -> None:
        if role in self.roles:
            raise AlreadyExists(f"the account already has the role {role.value}")
        wanted = LINK_OF_ROLE.get(role)
        if wanted is not None and wanted not in self.links:
            raise InvalidValue(wanted, f"a {role.value} account must say which {wanted} it is")
        self.trigger_event(self.RoleGranted, role=role)

    def revoke(self, role: Role) -> None:
        if role not in self.roles:
            raise NotFound(f"the account does not have the role {role.value}")
        self.trigger_event(self.RoleRevoked, role=role)

    def change_password(self, password_hash: str) -> None:
        self.trigger_event(
            self.PasswordChanged, password_hash=required_text("password_hash", password_hash)
        )

    def disable(self, reason: str) -> None:
        if not self.disabled:
            self.trigger_event(self.Disabled, reason=_reason(reason))

    def enable(self) -> None:
        if self.disabled:
            self.trigger_event(self.Enabled)

    def sign_out_everywhere(self) -> None:
        self.trigger_event(self.SignedOutEverywhere)

    def record_disclosure_reason(self, reason: str, until: datetime) -> None:
        if Role.AUDITOR not in self.roles:
            raise InvalidValue("role", "only an auditor records a reason to see real ids")
        if self.disabled:
            raise InvalidValue("account", "a disabled account records no reason")
        text = _reason(reason)
        if len(text) < 10:
            raise InvalidValue("reason", "say why in at least 10 characters")
        self.trigger_event(self.DisclosureReasonRecorded, reason=text, until=until)

    @property
    def active(self) -> bool:
        return not self.disabled and bool(self.roles)


class ApiKey(Aggregate):
    """A machine's key: the secret is shown once and only its hash is kept."""

    class Issued(Aggregate.Created):
        key_id: str  # public part of the key, to find it and to name it in lists
        kind: ApiKeyKind
        scope: str  # the job centre's code, or the auditor's name
        secret_hash: str

    class Revoked(Aggregate.Event):
        def apply(self, api_key: ApiKey) -> None:
            api_key.revoked = True

    def __init__(self, key_id: str, kind: ApiKeyKind, scope: str, secret_hash: str) -> None:
        self.key_id, self.kind, self.scope = key_id, kind, scope
        self.secret_hash = secret_hash
        self.revoked = False

    @classmethod
    def issue(cls, key_id: str, kind: ApiKeyKind, scope: str, secret_hash: str) -> ApiKey:
        if not API_KEY_ID.fullmatch(key_id):
            raise InvalidValue("key_id", "is 12 lowercase hexadecimal digits")
        return cls._create(
            cls.Issued,
            id=api_key_id(key_id),
            key_id=key_id,
            kind=kind,
            scope=_scope(kind, scope),
            secret_hash=required_text("secret_hash", secret_hash),
        )

    def revoke(self) -> None:
        if not self.revoked:
            self.trigger_event(self.Revoked)


def _link(name: str, value: str) -> str:
    """Whom an account acts for: a reference (the command checks that it exists) or a job
    centre's code (not registered anywhere yet, so only its shape is checked)."""
    if not REFERENCE.fullmatch(value):  # never echoed: it may be anything
        raise InvalidValue(
            name, "is a reference of 1 to 64 letters, digits, - . _ : (a letter or digit first)"
        )
    return value


def _scope(kind: ApiKeyKind, scope: str) -> str:
    if kind is ApiKeyKind.JOBCENTRE:
        return _link("jobcentre", scope)
    return _name("scope", scope, longest=100) or required_text("scope", scope)


def _name(field: str, value: str | None, longest: int = MAX_NAME) -> str | None:
    if value is None:
        return None
    if len(value) > longest or not value.isprintable() or value != value.strip():
        raise InvalidValue(field, f"is a name of 1 to {longest} printable characters")
    return required_text(field, value)


def _reason(reason: str) -> str:
    text = required_text("reason", reason)
    if len(text) > MAX_REASON:
        raise InvalidValue("reason", f"say it in at most {MAX_REASON} characters")
    return text
