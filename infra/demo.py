"""Demo accounts: one per role, on a demo database only, with logins anyone may read.

`tremplin init --demo` (what `make run` does) opens them so that a newcomer can try
every role. Each account acts for a record of the simulated ORT history: a simulated
trainee who has a mentor, was referred by a job centre and shares with it; that
trainee's mentor and job centre; a simulated employer. Their passwords are random,
kept in `DATA_DIR/demo-logins.txt` (owner-only) and shown at every `init --demo`;
each run also puts back what someone changed while trying the demo (a password, a
disabled account, a revoked role), so that the logins shown always work.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click
from eventsourcing.utils import get_topic

from domain.accounts import Account, Role
from domain.application import Tremplin
from domain.errors import NotADemoDatabase
from domain.placement import Employer
from infra.credentials import hash_password, new_password, password_matches
from infra.settings import Settings
from projections.people_access import PersonAccess, access_of, all_person_refs
from projections.store import ViewStore

DEMO_DOMAIN = "demo.tremplin.test"
LOGINS_FILE = "demo-logins.txt"
SIMULATED = "sim-"  # how the simulator's people, mentors and employers are named
LIVE_TRAINEE = "sim-live-001"  # infra/live_demo.py: the first of the cohort running today
# Role, the email's local part, the French name shown with the login.
DEMO_ROLES = (
    (Role.TRAINEE, "stagiaire", "stagiaire"),
    (Role.MENTOR, "mentor", "mentor"),
    (Role.TRAINER, "formateur", "formateur·rice"),
    (Role.EMPLOYER, "employeur", "employeur"),
    (Role.JOBCENTRE, "conseiller", "conseiller·ère emploi"),
    (Role.AUDITOR, "auditeur", "auditeur·rice"),
    (Role.ADMIN, "admin", "administrateur·rice"),
)
PAGE = 100


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    label: str  # the role in French
    email: str
    password: str


@dataclass(frozen=True)
class DemoRecords:
    """Whom the linked demo accounts act for; None where the simulation has no such record."""

    person_ref: str | None = None
    mentor_ref: str | None = None
    jobcentre: str | None = None
    employer_ref: str | None = None

    def links(self, role: Role) -> dict[str, str] | None:
        """The account's links for `role`, or None when the record it needs is missing."""
        wanted = {
            Role.TRAINEE: ("person_ref", self.person_ref),
            Role.MENTOR: ("mentor_ref", self.mentor_ref),
            Role.EMPLOYER: ("employer_ref", self.employer_ref),
            Role.JOBCENTRE: ("jobcentre", self.jobcentre),
        }.get(role)
        if wanted is None:
            return {}
        name, value = wanted
        return {name: value} if value is not None else None


@dataclass(frozen=True)
class DemoAccounts:
    logins: list[DemoLogin]
    missing: list[Role]  # roles left without an account: the simulation has no record for them


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


def find_demo_records(app: Tremplin, views: ViewStore) -> DemoRecords:
    """The first simulated trainee (by reference) with a mentor, a referring job centre and
    consent to share with it, preferring one who also shares with employers; the first
    simulated employer in log order."""
    trainee = _demo_trainee(views)
    if trainee is None:
        return DemoRecords(employer_ref=_first_simulated_employer(app))
    return DemoRecords(
        person_ref=trainee.person_ref,
        mentor_ref=trainee.mentor_ref,
        jobcentre=trainee.referred_by,
        employer_ref=_first_simulated_employer(app),
    )


def _demo_trainee(views: ViewStore) -> PersonAccess | None:
    """Someone of the cohort running today when there is one (they can record things),
    else of the simulated history."""
    live = access_of(views, LIVE_TRAINEE)
    if live is not None and live.mentor_ref and live.referred_by:
        return live
    fallback = None
    for access in _simulated_people(views):
        if access.mentor_ref and access.referred_by and access.shares_with_jobcentre:
            if access.shares_with_employers:
                return access
            fallback = fallback or access
    return fallback


def _simulated_people(views: ViewStore) -> Iterator[PersonAccess]:
    for ref in all_person_refs(views):
        access = access_of(views, ref) if ref.startswith(SIMULATED) else None
        if access is not None:
            yield access


def _first_simulated_employer(app: Tremplin) -> str | None:
    topics = [get_topic(Employer.Registered)]
    start = 1
    while True:
        page = app.recorder.select_notifications(start, PAGE, topics=topics)
        for notification in page:
            event = app.mapper.to_domain_event(notification)
            if isinstance(event, Employer.Registered) and event.employer_ref.startswith(SIMULATED):
                return event.employer_ref
        if len(page) < PAGE:
            return None
        start = page[-1].id + 1


def ensure_demo_accounts(app: Tremplin, logins_file: Path, records: DemoRecords) -> DemoAccounts:
    """One working demo account per role the records allow; the logins file first, so that a
    run stopped half-way shows, next time, the passwords it had recorded."""
    saved = read_logins(logins_file)
    logins: list[DemoLogin] = []
    missing: list[Role] = []
    for role, local_part, label in DEMO_ROLES:
        email = demo_email(local_part)
        if records.links(role) is None:
            missing.append(role)
        else:
            logins.append(DemoLogin(role, label, email, saved.get(email) or new_password()))
    if any(saved.get(login.email) != login.password for login in logins):
        write_logins(logins_file, logins)
    for login in logins:
        _ensure_account(app, login, records.links(login.role) or {})
    return DemoAccounts(logins, missing)


def _ensure_account(app: Tremplin, login: DemoLogin, links: dict[str, str]) -> None:
    account = app.account(login.email)
    if account is None:
        full_name = f"Compte de démonstration ({login.label})"
        hashed = hash_password(login.password)
        app.open_account(login.email, login.role, hashed, links, demo=True, full_name=full_name)
        return
    _put_back(app, login, account)


def _put_back(app: Tremplin, login: DemoLogin, account: Account) -> None:
    """Undo what trying the demo changed, so that the login shown works."""
    if not password_matches(account.password_hash, login.password):
        app.change_password(login.email, hash_password(login.password))
    if account.disabled:
        app.enable_account(login.email)
    if login.role not in account.roles:
        app.grant_role(login.email, login.role)


def read_logins(path: Path) -> dict[str, str]:
    """email → password, from the logins file (empty when there is none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    found = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) == 3 and not line.startswith("#"):
            _, email, password = fields
            found[email] = password
    return found


def write_logins(path: Path, logins: list[DemoLogin]) -> None:
    """Replace the logins file at once, readable by its owner only."""
    lines = ["# Tremplin: comptes de démonstration (données simulées). rôle, email, mot de passe"]
    lines += [f"{login.role.value}\t{login.email}\t{login.password}" for login in logins]
    draft = path.with_name(f".{path.name}.new")
    draft.unlink(missing_ok=True)  # a leftover could have other permissions
    descriptor = os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")
    os.replace(draft, path)


def declare_demo_log(app: Tremplin) -> None:
    """Make an empty log a demo database before anything else is recorded; a log that
    already holds other data stays as it is (show_demo_accounts says so)."""
    with contextlib.suppress(NotADemoDatabase):
        app.declare_demo()


def show_demo_accounts(app: Tremplin, settings: Settings) -> None:
    """Ensure the demo accounts and print their logins; on a real database, only a warning."""
    if not app.is_demo():
        click.echo(
            f"Attention : {settings.data_dir} n'est pas une base de démonstration (son journal"
            " contenait déjà d'autres données) : aucun compte de démonstration n'est créé."
            " Pour une démo, partez d'un dossier de données vide (TREMPLIN_DATA_DIR).",
            err=True,
        )
        return
    views = ViewStore(settings.views_path)
    try:
        records = find_demo_records(app, views)
    finally:
        views.close()
    logins_file = settings.data_dir / LOGINS_FILE
    demo = ensure_demo_accounts(app, logins_file, records)
    click.echo("Comptes de démonstration (données simulées) :")
    for login in demo.logins:
        click.echo(f"  {login.label:<22} {login.email:<32} {login.password}")
    if demo.missing:
        roles = ", ".join(role.value for role in demo.missing)
        click.echo(f"  (sans historique simulé, pas de compte pour : {roles})")
    click.echo(f"Mots de passe gardés dans {logins_file}.")
