"""One account per role on a test's data folder, linked to simulated people chosen for
the object-level rules: whose path each role may read, and whose it may not."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from domain.accounts import ApiKeyKind, Role
from domain.placement import Employer
from infra.bootstrap import build_application
from infra.credentials import hash_password, new_api_key
from infra.event_log import LogFilter, read_log
from infra.settings import Settings
from projections.people_access import access_of, all_person_refs
from projections.read_models import ReadModels, every_projection
from projections.store import ViewStore

PASSWORD = "mot de passe de test 2026"
CAST_FILE = "cast.json"


@dataclass(frozen=True)
class Cast:
    """Who is who. `trainee` is person `own`; `other` is someone no non-staff role here
    may read: not in the mentor's caseload, not consenting to employers, not referred
    with consent by the adviser's centre."""

    emails: dict[str, str]  # role (and "trainee_b") → email
    own: str  # the trainee account's person
    other: str  # trainee_b's person
    mentor_ref: str
    jobcentre: str
    employer_ref: str
    jobcentre_key: str
    auditor_key: str
    events: int  # what giving the cast recorded in the log

    @classmethod
    def read(cls, folder: Path) -> Cast:
        return cls(**json.loads((folder / CAST_FILE).read_text()))


def given_a_cast(folder: Path) -> Cast:
    settings = Settings(data_dir=folder)
    app = build_application(settings)
    views = ViewStore(settings.views_path)
    try:
        ReadModels(app, views, every_projection(app), policies=False).catch_up()
        people = [access_of(views, ref) for ref in all_person_refs(views)]
        own = next(
            p
            for p in people
            if p and p.mentor_ref and p.referred_by and p.shares_with_jobcentre
            and p.shares_with_employers
        )  # fmt: skip
        other = next(
            p
            for p in people
            if p and p.mentor_ref != own.mentor_ref and not p.shares_with_employers
            and not (p.referred_by == own.referred_by and p.shares_with_jobcentre)
        )  # fmt: skip
        employer_ref = next(
            e.employer_ref
            for _, _, e in read_log(app, LogFilter(types=frozenset({"Registered"})))
            if isinstance(e, Employer.Registered)
        )
        assert own.mentor_ref
        assert own.referred_by
        head = app.recorder.max_notification_id() or 0
        password_hash = hash_password(PASSWORD)
        emails = {role.value: f"{role.value}@test.example" for role in Role}
        emails["trainee_b"] = "trainee_b@test.example"
        links = {
            Role.TRAINEE.value: {"person_ref": own.person_ref},
            "trainee_b": {"person_ref": other.person_ref},
            Role.MENTOR.value: {"mentor_ref": own.mentor_ref},
            Role.EMPLOYER.value: {"employer_ref": employer_ref},
            Role.JOBCENTRE.value: {"jobcentre": own.referred_by},
        }
        for name, email in emails.items():
            role = Role.TRAINEE if name == "trainee_b" else Role(name)
            app.open_account(email, role, password_hash, links.get(name, {}))
        keys = {kind: new_api_key() for kind in ApiKeyKind}
        app.issue_api_key(
            keys[ApiKeyKind.JOBCENTRE].key_id, ApiKeyKind.JOBCENTRE, own.referred_by,
            keys[ApiKeyKind.JOBCENTRE].secret_hash,
        )  # fmt: skip
        app.issue_api_key(
            keys[ApiKeyKind.AUDITOR].key_id, ApiKeyKind.AUDITOR, "Cour des comptes",
            keys[ApiKeyKind.AUDITOR].secret_hash,
        )  # fmt: skip
        cast = Cast(
            emails=emails,
            own=own.person_ref,
            other=other.person_ref,
            mentor_ref=own.mentor_ref,
            jobcentre=own.referred_by,
            employer_ref=employer_ref,
            jobcentre_key=keys[ApiKeyKind.JOBCENTRE].text,
            auditor_key=keys[ApiKeyKind.AUDITOR].text,
            events=(app.recorder.max_notification_id() or 0) - head,
        )
    finally:
        views.close()
        app.close()
    (folder / CAST_FILE).write_text(json.dumps(asdict(cast)))
    return cast
