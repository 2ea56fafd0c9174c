"""Account and API key commands. Secrets arrive hashed (infra.secrets); lookups are by id."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.accounts import Account, ApiKey, ApiKeyKind, Role, normalised_email
from domain.application.base import UnitOfWork, command
from domain.application.installation import InstallationCommands
from domain.application.jobcentres import ensure_registered_job_centre
from domain.coaching import Mentor
from domain.errors import AlreadyExists, NotADemoDatabase
from domain.ids import account_id, api_key_id, employer_id, mentor_id, trainee_id
from domain.placement import Employer
from domain.trainee import Trainee


class AccountCommands(InstallationCommands):
    @command
    def open_account(
        self,
        uow: UnitOfWork,
        email: str,
        role: Role,
        password_hash: str,
        links: dict[str, str] | None = None,
        demo: bool = False,
        full_name: str | None = None,
        *,
        command_id: str | None = None,
    ) -> str:
        if demo and not self.is_demo():
            raise NotADemoDatabase("a demo account can only be opened in a demo database")
        account = Account.open(
            email, role, password_hash, links or {}, demo=demo, full_name=full_name
        )
        if uow.exists(account.id):
            raise AlreadyExists("an account with this email already exists")
        self._check_links(uow, account.links)
        uow.add(account)
        return account.id.hex

    @command
    def grant_role(
        self, uow: UnitOfWork, email: str, role: Role, *, command_id: str | None = None
    ) -> str:
        self._account(uow, email).grant(role)
        return role.value

    @command
    def revoke_role(
        self, uow: UnitOfWork, email: str, role: Role, *, command_id: str | None = None
    ) -> str:
        self._account(uow, email).revoke(role)
        return role.value

    @command
    def change_password(
        self, uow: UnitOfWork, email: str, password_hash: str, *, command_id: str | None = None
    ) -> str:
        account = self._account(uow, email)
        account.change_password(password_hash)
        account.sign_out_everywhere()  # a new password ends every session of the old one
        return account.id.hex

    @command
    def disable_account(
        self, uow: UnitOfWork, email: str, reason: str, *, command_id: str | None = None
    ) -> str:
        account = self._account(uow, email)
        account.disable(reason)
        return account.id.hex

    @command
    def enable_account(self, uow: UnitOfWork, email: str, *, command_id: str | None = None) -> str:
        account = self._account(uow, email)
        account.enable()
        return account.id.hex

    @command
    def sign_out_everywhere(
        self, uow: UnitOfWork, email: str, *, command_id: str | None = None
    ) -> str:
        account = self._account(uow, email)
        account.sign_out_everywhere()
        return str(account.sessions_epoch)

    @command
    def record_disclosure_reason(
        self,
        uow: UnitOfWork,
        email: str,
        reason: str,
        until: datetime,
        *,
        command_id: str | None = None,
    ) -> str:
        account = self._account(uow, email)
        account.record_disclosure_reason(reason, until)
        return until.isoformat()

    @command
    def issue_api_key(
        self,
        uow: UnitOfWork,
        key_id: str,
        kind: ApiKeyKind,
        scope: str,
        secret_hash: str,
        *,
        command_id: str | None = None,
    ) -> str:
        api_key = ApiKey.issue(key_id, kind, scope, secret_hash)
        if uow.exists(api_key.id):
            raise AlreadyExists(f"there is already a key {key_id}")
        if kind is ApiKeyKind.JOBCENTRE:
            ensure_registered_job_centre(uow, "jobcentre", api_key.scope)
        uow.add(api_key)
        return key_id

    @command
    def revoke_api_key(self, uow: UnitOfWork, key_id: str, *, command_id: str | None = None) -> str:
        uow.get(ApiKey, api_key_id(key_id), f"there is no API key {key_id}").revoke()
        return key_id

    def account(self, email: str) -> Account | None:
        """The account that logs in with `email`, as it stands now (read from the log)."""
        return self.account_by_id(account_id(normalised_email(email)).hex)

    def account_by_id(self, account_hex: str) -> Account | None:
        try:
            found = self._stored(account_id_from_hex(account_hex))
        except ValueError:
            return None
        return found if isinstance(found, Account) else None

    def api_key(self, key_id: str) -> ApiKey | None:
        found = self._stored(api_key_id(key_id))
        return found if isinstance(found, ApiKey) else None

    @staticmethod
    def _check_links(uow: UnitOfWork, links: dict[str, str]) -> None:
        """An account acts for a registered person, mentor, employer or job centre."""
        if "person_ref" in links:
            ref = links["person_ref"]
            uow.get(Trainee, trainee_id(ref), f"there is no trainee {ref}")
        if "mentor_ref" in links:
            ref = links["mentor_ref"]
            uow.get(Mentor, mentor_id(ref), f"there is no mentor {ref}")
        if "employer_ref" in links:
            ref = links["employer_ref"]
            uow.get(Employer, employer_id(ref), f"there is no employer {ref}")
        if "jobcentre" in links:
            ensure_registered_job_centre(uow, "jobcentre", links["jobcentre"])

    @staticmethod
    def _account(uow: UnitOfWork, email: str) -> Account:
        return uow.get(
            Account, account_id(normalised_email(email)), "there is no account with this email"
        )


def account_id_from_hex(account_hex: str) -> UUID:
    return UUID(hex=account_hex)
