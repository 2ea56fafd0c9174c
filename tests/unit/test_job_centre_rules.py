"""Job centres: registered once by code, renamed when their name changes, and the only codes
a referral, an adviser's account or a centre's API key may name."""

from __future__ import annotations

from datetime import date

import pytest
from givens import ENROLLED_ON, log_head

from domain.accounts import ApiKeyKind, Role
from domain.application import Tremplin
from domain.errors import InvalidValue, OccurredInFuture
from domain.ids import jobcentre_id
from domain.jobcentres import JobCentre, UnknownJobCentre
from domain.values import PersonalDetails

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"
SAINT_DENIS = "93-SAINT-DENIS"
REGISTERED_ON = date(2017, 1, 2)
NOT_CODES = ("../etc", "<b>x</b>", "a b", "-x", "", " x", "x\n", "x" * 65, "é-1", "a/b")


def test_a_job_centre_is_registered_under_its_code_with_its_name() -> None:
    centre = JobCentre.register(SAINT_DENIS, "  Saint-Denis ", REGISTERED_ON)

    (registered,) = centre.collect_events()
    assert isinstance(registered, JobCentre.Registered)
    assert (registered.code, registered.name, registered.occurred_on) == (
        SAINT_DENIS,
        "Saint-Denis",  # trimmed
        REGISTERED_ON,
    )
    assert centre.id == jobcentre_id(SAINT_DENIS)


def test_a_rename_to_the_same_name_records_nothing() -> None:
    centre = JobCentre.register(SAINT_DENIS, "Saint-Denis", REGISTERED_ON)
    centre.collect_events()

    assert centre.rename("Saint-Denis ", date(2018, 1, 1)) is False
    assert centre.rename("France Travail Saint-Denis", date(2018, 1, 1)) is True

    (renamed,) = centre.collect_events()
    assert isinstance(renamed, JobCentre.Renamed)
    assert (renamed.name, renamed.occurred_on) == ("France Travail Saint-Denis", date(2018, 1, 1))
    assert centre.name == "France Travail Saint-Denis"


def test_registering_a_centre_makes_it_known_by_its_code(app: Tremplin) -> None:
    done = app.register_job_centre(SAINT_DENIS, "Saint-Denis", occurred_on=REGISTERED_ON)

    centre = app.job_centre(SAINT_DENIS)
    assert (done.result, done.recorded) == ("registered", 1)
    assert centre is not None
    assert (centre.code, centre.name, centre.registered_on) == (
        SAINT_DENIS,
        "Saint-Denis",
        REGISTERED_ON,
    )
    assert app.job_centre("93-BOBIGNY") is None


def test_registering_again_under_the_same_name_records_nothing(app: Tremplin) -> None:
    app.register_job_centre(SAINT_DENIS, "Saint-Denis", occurred_on=REGISTERED_ON)
    head = log_head(app)

    again = app.register_job_centre(SAINT_DENIS, "Saint-Denis", occurred_on=date(2018, 5, 1))

    assert (again.result, again.recorded, again.position) == ("unchanged", 0, None)
    assert log_head(app) == head


def test_registering_again_under_another_name_renames_the_centre(app: Tremplin) -> None:
    app.register_job_centre(SAINT_DENIS, "Saint-Denis", occurred_on=REGISTERED_ON)

    renamed = app.register_job_centre(SAINT_DENIS, "France Travail Saint-Denis")

    centre = app.job_centre(SAINT_DENIS)
    assert (renamed.result, renamed.recorded) == ("renamed", 1)
    assert centre is not None
    assert (centre.name, centre.registered_on) == ("France Travail Saint-Denis", REGISTERED_ON)
    assert log_head(app) == 2


def test_a_centre_registered_without_a_day_is_registered_today(app: Tremplin) -> None:
    app.register_job_centre(SAINT_DENIS, "Saint-Denis")

    centre = app.job_centre(SAINT_DENIS)
    assert centre is not None
    assert centre.registered_on == app.clock() == date(2019, 1, 1)


def test_a_centre_is_not_registered_tomorrow(app: Tremplin) -> None:
    with pytest.raises(OccurredInFuture):
        app.register_job_centre(SAINT_DENIS, "Saint-Denis", occurred_on=date(2019, 1, 2))
    assert log_head(app) is None


@pytest.mark.parametrize("code", NOT_CODES)
def test_a_code_that_is_not_a_reference_is_refused_without_being_echoed(
    app: Tremplin, code: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        app.register_job_centre(code, "Saint-Denis")

    assert refused.value.field == "code"
    assert code not in str(refused.value) or not code.strip()
    assert log_head(app) is None


@pytest.mark.parametrize("name", ["", "   ", "N" * 121, "Saint\nDenis", "Saint\tDenis"])
def test_a_name_is_1_to_120_printable_characters(app: Tremplin, name: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        app.register_job_centre(SAINT_DENIS, name)

    assert refused.value.field == "name"
    assert log_head(app) is None


def test_a_name_of_120_characters_is_kept(app: Tremplin) -> None:
    app.register_job_centre(SAINT_DENIS, "N" * 120)

    centre = app.job_centre(SAINT_DENIS)
    assert centre is not None
    assert centre.name == "N" * 120


def test_a_referral_by_an_unregistered_centre_is_refused(app: Tremplin) -> None:
    app.register_job_centre("93-BOBIGNY", "Bobigny")
    head = log_head(app)

    with pytest.raises(UnknownJobCentre) as refused:
        app.register_trainee("FT-0001", PersonalDetails(), SAINT_DENIS, occurred_on=ENROLLED_ON)

    assert refused.value.field == "referred_by"
    assert str(refused.value) == (
        "referred_by: no job centre is registered with the code 93-SAINT-DENIS"
    )
    assert log_head(app) == head


def test_a_malformed_referral_is_refused_without_being_echoed(app: Tremplin) -> None:
    with pytest.raises(InvalidValue) as refused:
        app.register_trainee("FT-0001", PersonalDetails(), "<b>x</b>", occurred_on=ENROLLED_ON)

    assert refused.value.field == "referred_by"
    assert "<b>" not in str(refused.value)
    assert log_head(app) is None


def test_a_referral_by_a_registered_centre_and_no_referral_are_taken(app: Tremplin) -> None:
    app.register_job_centre(SAINT_DENIS, "Saint-Denis", occurred_on=REGISTERED_ON)

    app.register_trainee("FT-0001", PersonalDetails(), SAINT_DENIS, occurred_on=ENROLLED_ON)
    app.register_trainee("FT-0002", PersonalDetails(), occurred_on=ENROLLED_ON)

    assert log_head(app) == 3


def test_an_advisers_account_for_an_unregistered_centre_is_refused(app: Tremplin) -> None:
    with pytest.raises(UnknownJobCentre) as refused:
        app.open_account("j@example.org", Role.JOBCENTRE, HASH, {"jobcentre": SAINT_DENIS})

    assert refused.value.field == "jobcentre"
    assert app.account("j@example.org") is None
    assert log_head(app) is None


def test_a_centres_api_key_for_an_unregistered_centre_is_refused(app: Tremplin) -> None:
    with pytest.raises(UnknownJobCentre) as refused:
        app.issue_api_key("0123456789ab", ApiKeyKind.JOBCENTRE, SAINT_DENIS, "f" * 64)

    assert refused.value.field == "jobcentre"
    assert app.api_key("0123456789ab") is None
    assert log_head(app) is None


def test_accounts_and_keys_for_a_registered_centre_are_taken(app: Tremplin) -> None:
    app.register_job_centre(SAINT_DENIS, "Saint-Denis")

    app.open_account("j@example.org", Role.JOBCENTRE, HASH, {"jobcentre": SAINT_DENIS})
    app.issue_api_key("0123456789ab", ApiKeyKind.JOBCENTRE, SAINT_DENIS, "f" * 64)

    account, key = app.account("j@example.org"), app.api_key("0123456789ab")
    assert account is not None
    assert key is not None
    assert (account.links, key.scope) == ({"jobcentre": SAINT_DENIS}, SAINT_DENIS)


def test_an_auditors_key_names_no_centre(app: Tremplin) -> None:
    app.issue_api_key("0123456789ab", ApiKeyKind.AUDITOR, SAINT_DENIS, "f" * 64)

    key = app.api_key("0123456789ab")
    assert key is not None
    assert (key.kind, key.scope) == (ApiKeyKind.AUDITOR, SAINT_DENIS)
