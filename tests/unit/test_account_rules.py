"""Accounts and API keys: given events → command → events / error; secrets never shown."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from givens import log_head

from domain.accounts import Account, ApiKey, ApiKeyKind, Role
from domain.application import Tremplin
from domain.errors import AlreadyExists, InvalidValue, NotFound
from infra.event_log import LogFilter, event_as_dict, read_log
from infra.simulation_catalogue import JOB_CENTRES

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"  # shaped like one; the domain only keeps it
UNTIL = datetime(2019, 1, 1, 12, tzinfo=UTC)


def test_an_account_is_found_by_its_email_whatever_its_case_and_blanks(app: Tremplin) -> None:
    app.open_account("Alice.Martin@Example.org ", Role.TRAINER, HASH)
    account = app.account("alice.martin@example.org")
    assert account is not None
    assert (account.email, account.roles, account.active) == (
        "alice.martin@example.org",
        {Role.TRAINER},
        True,
    )


def test_one_email_opens_one_account(app: Tremplin) -> None:
    app.open_account("a@example.org", Role.TRAINER, HASH)
    head = log_head(app)
    with pytest.raises(AlreadyExists, match="already exists"):
        app.open_account("A@example.org", Role.ADMIN, HASH)
    assert log_head(app) == head


def test_a_trainee_account_must_say_whose_it_is(app: Tremplin) -> None:
    with pytest.raises(InvalidValue, match="person_ref") as refused:
        Account.open("t@example.org", Role.TRAINEE, HASH, {})
    assert refused.value.field == "person_ref"


def test_a_malformed_email_is_refused_without_being_echoed() -> None:
    with pytest.raises(InvalidValue) as refused:
        Account.open("not-an-email", Role.ADMIN, HASH, {})
    assert refused.value.field == "email"
    assert "not-an-email" not in str(refused.value)


def test_a_link_no_role_uses_is_refused() -> None:
    with pytest.raises(InvalidValue, match="badge_ref"):
        Account.open("a@example.org", Role.ADMIN, HASH, {"badge_ref": "x"})


def test_roles_are_granted_and_revoked_once_each() -> None:
    account = Account.open("m@example.org", Role.TRAINER, HASH, {"mentor_ref": "M-1"})
    account.grant(Role.MENTOR)
    with pytest.raises(AlreadyExists):
        account.grant(Role.MENTOR)
    account.revoke(Role.TRAINER)
    with pytest.raises(NotFound):
        account.revoke(Role.TRAINER)
    assert account.roles == {Role.MENTOR}
    assert [type(e).__name__ for e in account.collect_events()] == [
        "Opened",
        "RoleGranted",
        "RoleRevoked",
    ]


def test_a_role_that_acts_for_someone_needs_its_link_when_granted() -> None:
    account = Account.open("a@example.org", Role.TRAINER, HASH, {})
    with pytest.raises(InvalidValue, match="employer_ref"):
        account.grant(Role.EMPLOYER)


def test_an_account_without_roles_or_disabled_is_not_active() -> None:
    account = Account.open("a@example.org", Role.TRAINER, HASH, {})
    account.disable("left the programme")
    account.disable("twice")  # already disabled: nothing more recorded
    assert not account.active
    account.enable()
    assert account.active
    account.revoke(Role.TRAINER)
    assert not account.active
    assert [type(e).__name__ for e in account.collect_events()][1:] == [
        "Disabled",
        "Enabled",
        "RoleRevoked",
    ]


def test_a_new_password_signs_out_every_session(app: Tremplin) -> None:
    app.open_account("a@example.org", Role.TRAINER, HASH)
    app.change_password("a@example.org", HASH + "2")
    account = app.account("a@example.org")
    assert account is not None
    assert (account.password_hash, account.sessions_epoch) == (HASH + "2", 1)


def test_only_an_auditor_records_a_reason_to_see_real_ids() -> None:
    trainer = Account.open("t@example.org", Role.TRAINER, HASH, {})
    with pytest.raises(InvalidValue, match="auditor"):
        trainer.record_disclosure_reason("checking the June figures", UNTIL)
    auditor = Account.open("a@example.org", Role.AUDITOR, HASH, {})
    with pytest.raises(InvalidValue, match="10 characters"):
        auditor.record_disclosure_reason("because", UNTIL)
    auditor.record_disclosure_reason("sampling 20 files for the Region", UNTIL)
    assert auditor.disclosure_until == UNTIL
    auditor.disable("left the firm")
    with pytest.raises(InvalidValue, match="disabled"):
        auditor.record_disclosure_reason("sampling 20 more files", UNTIL)


def test_an_api_key_is_issued_once_and_revoked(app: Tremplin) -> None:
    app.register_job_centre("75-PARIS-13", "Paris 13e")
    app.issue_api_key("0123456789ab", ApiKeyKind.JOBCENTRE, "75-PARIS-13", "f" * 64)
    with pytest.raises(AlreadyExists):
        app.issue_api_key("0123456789ab", ApiKeyKind.AUDITOR, "Cour", "e" * 64)
    app.revoke_api_key("0123456789ab")
    key = app.api_key("0123456789ab")
    assert key is not None
    assert (key.kind, key.scope, key.revoked) == (ApiKeyKind.JOBCENTRE, "75-PARIS-13", True)


def test_an_api_key_id_is_twelve_hex_digits() -> None:
    with pytest.raises(InvalidValue, match="key_id"):
        ApiKey.issue("ABC", ApiKeyKind.AUDITOR, "Cour", "f" * 64)


def test_reading_the_log_never_shows_a_password_or_key_hash(app: Tremplin) -> None:
    app.open_account("a@example.org", Role.TRAINER, HASH)
    app.issue_api_key("0123456789ab", ApiKeyKind.AUDITOR, "Cour", "f" * 64)
    shown = [event_as_dict(*row, personal=True) for row in read_log(app, LogFilter())]
    assert [(e["type"], e.get("password_hash"), e.get("secret_hash")) for e in shown] == [
        ("Opened", "[secret withheld]", None),
        ("Issued", None, "[secret withheld]"),
    ]
    assert HASH not in repr(shown)


LINK_OF = {
    "person_ref": Role.TRAINEE,
    "mentor_ref": Role.MENTOR,
    "employer_ref": Role.EMPLOYER,
    "jobcentre": Role.JOBCENTRE,
}
NOT_REFERENCES = ("../etc", "<b>x</b>", "a b", "-x", "", " x", "x\n", "x" * 65, "é-1", "a/b")


@pytest.mark.parametrize("link", sorted(LINK_OF))
@pytest.mark.parametrize("value", NOT_REFERENCES)
def test_a_link_is_a_reference_or_nothing_is_recorded(app: Tremplin, link: str, value: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        app.open_account("a@x.org", LINK_OF[link], HASH, {link: value})
    assert refused.value.field == link
    assert value not in str(refused.value) or not value.strip()  # never echoed
    assert log_head(app) is None


@pytest.mark.parametrize(
    "ref",
    [
        "sim-2017-0001",
        "sim-2017-E001",
        "sim-2017-employer-001",
        "sim-2017-mentor-012",
        "sim-live-001",
        "sim-live-mentor-01",
        "oulad-11391",
        "FT-0001",
        "75-PARIS-13",
        *JOB_CENTRES,
        "x" * 64,
        "a.b_c:d",
    ],
)
def test_the_references_tremplin_makes_and_imports_are_accepted(ref: str) -> None:
    for link, role in LINK_OF.items():
        assert Account.open("a@x.org", role, HASH, {link: ref}).links == {link: ref}


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda app: app.open_account("a@x.org", Role.TRAINER, HASH, full_name="x" * 201),
            "full_name",
        ),
        (
            lambda app: app.issue_api_key("0123456789ab", ApiKeyKind.JOBCENTRE, "a b", "f" * 64),
            "jobcentre",
        ),
        (
            lambda app: app.issue_api_key("0123456789ab", ApiKeyKind.JOBCENTRE, "x" * 65, "f" * 64),
            "jobcentre",
        ),
        (
            lambda app: app.issue_api_key("0123456789ab", ApiKeyKind.AUDITOR, " Cour", "f" * 64),
            "scope",
        ),
        (
            lambda app: app.issue_api_key("0123456789ab", ApiKeyKind.AUDITOR, "Cour\n", "f" * 64),
            "scope",
        ),
        (
            lambda app: app.issue_api_key("0123456789ab", ApiKeyKind.AUDITOR, "a\tb", "f" * 64),
            "scope",
        ),
        (
            lambda app: app.issue_api_key("0123456789ab", ApiKeyKind.AUDITOR, "", "f" * 64),
            "scope",
        ),
        (
            lambda app: app.issue_api_key("0123456789ab", ApiKeyKind.AUDITOR, "x" * 101, "f" * 64),
            "scope",
        ),
        (
            lambda app: app.issue_api_key("0123456789ab\n", ApiKeyKind.AUDITOR, "Cour", "f" * 64),
            "key_id",
        ),
    ],
)
def test_values_kept_for_good_are_checked_and_bounded(app: Tremplin, call: Any, field: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        call(app)
    assert refused.value.field == field
    assert log_head(app) is None


def test_names_and_scopes_up_to_their_bounds_are_kept(app: Tremplin) -> None:
    app.open_account("a@example.org", Role.TRAINER, HASH, full_name="N" * 200)
    app.issue_api_key("0123456789ab", ApiKeyKind.AUDITOR, "Cour des comptes " + "x" * 83, "f" * 64)
    app.register_job_centre("J" * 64, "Longest code")
    app.issue_api_key("0123456789ac", ApiKeyKind.JOBCENTRE, "J" * 64, "f" * 64)
    opened = event_as_dict(*next(iter(read_log(app, LogFilter()))), personal=True)
    auditor_key, centre_key = app.api_key("0123456789ab"), app.api_key("0123456789ac")
    assert auditor_key is not None
    assert centre_key is not None
    assert opened["personal"]["full_name"] == "N" * 200
    assert (len(auditor_key.scope), centre_key.scope) == (100, "J" * 64)


def test_a_reason_is_at_most_500_characters(app: Tremplin) -> None:
    app.open_account("a@example.org", Role.AUDITOR, HASH)
    head = log_head(app)
    with pytest.raises(InvalidValue, match="500") as refused:
        app.disable_account("a@example.org", "x" * 501)
    assert refused.value.field == "reason"
    with pytest.raises(InvalidValue, match="500") as refused:
        app.record_disclosure_reason("a@example.org", "y" * 501, UNTIL)
    assert refused.value.field == "reason"
    assert log_head(app) == head

    app.record_disclosure_reason("a@example.org", "y" * 500, UNTIL)
    app.disable_account("a@example.org", "x" * 500)
    account = app.account("a@example.org")
    assert account is not None
    assert (account.disabled, account.disclosure_until) == (True, UNTIL)
    assert log_head(app) == (head or 0) + 2
