"""A demo database is a log whose first event is the demo marker; demo accounts go nowhere
else. And an account acts for a person, mentor, employer or job centre that is registered."""

from __future__ import annotations

from datetime import date

import pytest
from givens import log_head

from domain.accounts import Account, Role
from domain.application import Tremplin
from domain.errors import NotADemoDatabase, NotFound
from domain.installation import Installation
from domain.values import PersonalDetails

HASH = "$argon2id$v=19$m=65536,t=3,p=4$not-a-real-hash"
REGISTERED_ON = date(2017, 3, 1)


def test_a_demo_account_is_refused_on_a_log_that_is_not_a_demo(app: Tremplin) -> None:
    with pytest.raises(NotADemoDatabase, match="only be opened in a demo database"):
        app.open_account("stagiaire@demo.tremplin.test", Role.ADMIN, HASH, demo=True)

    assert (app.is_demo(), log_head(app)) == (False, None)


def test_a_log_that_holds_other_events_cannot_become_a_demo(app: Tremplin) -> None:
    app.open_account("admin@example.org", Role.ADMIN, HASH)

    with pytest.raises(NotADemoDatabase, match="only an empty log becomes a demo"):
        app.declare_demo()
    with pytest.raises(NotADemoDatabase):
        app.open_account("admin@demo.tremplin.test", Role.ADMIN, HASH, demo=True)

    assert (app.is_demo(), log_head(app)) == (False, 1)


def test_an_empty_log_declared_a_demo_takes_demo_accounts(app: Tremplin) -> None:
    declared = app.declare_demo()
    again = app.declare_demo()
    opened = app.open_account("admin@demo.tremplin.test", Role.ADMIN, HASH, demo=True)

    first = app.recorder.select_notifications(None, 1)[0]
    assert (declared.position, declared.recorded, again.recorded) == (1, 1, 0)
    assert (first.id, first.topic) == (1, "domain.installation:Installation.DemoDeclared")
    assert isinstance(app.mapper.to_domain_event(first), Installation.DemoDeclared)
    assert app.is_demo() is True
    account = app.account_by_id(str(opened.result))
    assert isinstance(account, Account)
    assert account.demo is True
    assert log_head(app) == 2


def test_a_trainee_account_for_a_person_never_registered_is_refused(app: Tremplin) -> None:
    with pytest.raises(NotFound, match="there is no trainee FT-0404"):
        app.open_account("awa@example.org", Role.TRAINEE, HASH, {"person_ref": "FT-0404"})

    assert log_head(app) is None


@pytest.mark.parametrize(
    ("role", "link", "ref", "missing"),
    [
        (Role.MENTOR, "mentor_ref", "M-404", "there is no mentor M-404"),
        (Role.EMPLOYER, "employer_ref", "E-404", "there is no employer E-404"),
    ],
)
def test_a_mentor_or_employer_account_for_no_registered_record_is_refused(
    app: Tremplin, role: Role, link: str, ref: str, missing: str
) -> None:
    with pytest.raises(NotFound, match=missing):
        app.open_account("someone@example.org", role, HASH, {link: ref})

    assert log_head(app) is None


def test_accounts_for_registered_records_and_job_centres_are_opened(app: Tremplin) -> None:
    app.register_trainee("FT-0001", PersonalDetails(), occurred_on=REGISTERED_ON)
    app.register_job_centre("93-BOBIGNY", "Bobigny", occurred_on=REGISTERED_ON)
    app.register_mentor("M-01", ("cv",), PersonalDetails(), occurred_on=REGISTERED_ON)
    app.register_employer("E-ACME", "Acme Web", occurred_on=REGISTERED_ON)

    opened = [
        app.open_account("t@example.org", Role.TRAINEE, HASH, {"person_ref": "FT-0001"}),
        app.open_account("m@example.org", Role.MENTOR, HASH, {"mentor_ref": "M-01"}),
        app.open_account("e@example.org", Role.EMPLOYER, HASH, {"employer_ref": "E-ACME"}),
        app.open_account("j@example.org", Role.JOBCENTRE, HASH, {"jobcentre": "93-BOBIGNY"}),
    ]

    accounts = [app.account_by_id(str(result.result)) for result in opened]
    assert [a.links if a else None for a in accounts] == [
        {"person_ref": "FT-0001"},
        {"mentor_ref": "M-01"},
        {"employer_ref": "E-ACME"},
        {"jobcentre": "93-BOBIGNY"},
    ]
