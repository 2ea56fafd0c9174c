"""Download my data: a trainee's own record with its personal fields, and their account's
events, never a password hash (given commands → then the export)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from givens import ENROLLED_ON, PARIS, PROGRAMME, with_an_enrolled_trainee

from domain.accounts import Role
from domain.application import Tremplin
from domain.errors import NotFound
from domain.values import PersonalDetails
from infra.personal_export import FORMAT, export_person

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0$aGFzaA"
NEW_HASH = "$argon2id$v=19$m=65536,t=3,p=4$bmV3$bmV3aGFzaA"
NOW = datetime(2019, 1, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def app(app: Tremplin) -> Tremplin:
    """FT-0001 (Awa Diop, no email on record) enrolled in Paris with a goal in her words and
    an account awa@example.org whose password changed once; FT-0002 (Bilal, registered with
    his email) enrolled too, who helped FT-0001."""
    with_an_enrolled_trainee(app)
    app.set_goal("FT-0001", "G1", "interview", "Oser parler", occurred_on=date(2017, 4, 4))
    app.open_account("awa@example.org", Role.TRAINEE, HASH, {"person_ref": "FT-0001"})
    app.change_password("awa@example.org", NEW_HASH)
    bilal = PersonalDetails(full_name="Bilal Fictif", email="bilal@example.org")
    app.register_trainee("FT-0002", bilal, occurred_on=ENROLLED_ON)
    app.enrol("FT-0002", PROGRAMME, PARIS, occurred_on=ENROLLED_ON)
    app.give_peer_help("FT-0002", "FT-0001", PARIS, occurred_on=date(2017, 4, 12))
    return app


def types(export: dict[str, object]) -> list[str]:
    events = export["events"]
    assert isinstance(events, list)
    return [event["type"] for event in events]


def test_the_export_holds_the_record_then_the_account_with_personal_fields(
    app: Tremplin,
) -> None:
    export = export_person(app, "FT-0001", email="Awa@Example.org", now=NOW)
    assert (export["format"], export["person_ref"], export["exported_at"]) == (
        FORMAT,
        "FT-0001",
        "2019-01-01T09:30:00+00:00",
    )
    assert types(export) == [
        "Registered",
        "Enrolled",
        "GoalSet",
        "Opened",
        "PasswordChanged",
        "SignedOutEverywhere",  # a new password ends every session
    ]
    registered, _, goal, opened, *_ = export["events"]
    assert registered["personal"]["full_name"] == "Awa Diop"
    assert registered["occurred_on"] == "2017-03-06"
    assert goal["personal"] == {"text": "Oser parler"}
    assert opened["personal"]["email"] == "awa@example.org"
    assert opened["links"] == {"person_ref": "FT-0001"}


def test_no_password_hash_is_ever_exported(app: Tremplin) -> None:
    export = export_person(app, "FT-0001", email="awa@example.org")
    text = json.dumps(export)  # JSON-ready: plain values only
    assert "argon2id" not in text
    assert export["events"][3]["password_hash"] == "[secret withheld]"


def test_without_an_email_the_account_is_left_out(app: Tremplin) -> None:
    assert types(export_person(app, "FT-0001")) == ["Registered", "Enrolled", "GoalSet"]


def test_the_account_is_found_by_the_email_registered_with(app: Tremplin) -> None:
    app.open_account("bilal@example.org", Role.TRAINEE, HASH, {"person_ref": "FT-0002"})
    assert types(export_person(app, "FT-0002")) == [
        "Registered",
        "Enrolled",
        "PeerHelpGiven",
        "Opened",
    ]


@pytest.mark.parametrize("email", ["bilal@example.org", "nobody@example.org", "not an email"])
def test_an_email_that_is_not_the_person_s_account_adds_nothing(app: Tremplin, email: str) -> None:
    app.open_account("bilal@example.org", Role.TRAINEE, HASH, {"person_ref": "FT-0002"})
    assert types(export_person(app, "FT-0001", email=email)) == [
        "Registered",
        "Enrolled",
        "GoalSet",
    ]


def test_another_person_s_record_stays_out_of_the_export(app: Tremplin) -> None:
    text = json.dumps(export_person(app, "FT-0001", email="awa@example.org"))
    assert "Bilal" not in text
    assert "FT-0002" not in text  # the help Bilal gave is on his record


def test_the_export_time_defaults_to_now_in_utc(app: Tremplin) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    exported_at = datetime.fromisoformat(str(export_person(app, "FT-0001")["exported_at"]))
    assert before <= exported_at <= datetime.now(UTC)
    assert exported_at.utcoffset() is not None


def test_someone_never_registered_cannot_be_exported(app: Tremplin) -> None:
    with pytest.raises(NotFound, match="FT-0404 is not registered"):
        export_person(app, "FT-0404")
