"""Who may see a trainee (given events recorded by the real commands → then the view):
their mentor, their referring job centre, and their sharing consents as they stand now."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from givens import ENROLLED_ON, PARIS, PARIS_PERIOD, PROGRAMME, PROGRAMME_PERIOD

from domain.application import Tremplin
from domain.programme import Targets
from domain.values import ConsentScope, LeaderboardDisplay, PersonalDetails
from projections.people_access import (
    PeopleAccess,
    PersonAccess,
    access_of,
    all_person_refs,
    caseload,
    referred_people,
)
from projections.runner import catch_up, prepare
from projections.store import ViewStore

APRIL, MAY = date(2017, 4, 3), date(2017, 5, 2)
SAINT_DENIS, NANTERRE = "93-SAINT-DENIS", "92-NANTERRE"
SECRET = "Awa Diop"


@pytest.fixture
def views(tmp_path: Path) -> Iterator[ViewStore]:
    store = ViewStore(tmp_path / "views.sqlite")
    prepare(store, PeopleAccess())
    yield store
    store.close()


@pytest.fixture
def app(app: Tremplin) -> Tremplin:
    """ORT-FR-2017 with Paris open; mentors M-01 and M-02; job centres Saint-Denis and
    Nanterre registered; FT-0001 and FT-0002 referred by Saint-Denis, FT-0003 by Nanterre,
    FT-0004 by no one; all enrolled in Paris."""
    app.launch_programme(
        PROGRAMME, "ORT", ("ORT",), PROGRAMME_PERIOD, Targets(), occurred_on=date(2017, 1, 2)
    )
    app.open_cohort(PROGRAMME, PARIS, "dév web", PARIS_PERIOD, occurred_on=date(2017, 2, 1))
    for mentor in ("M-01", "M-02"):
        app.register_mentor(mentor, ("cv",), PersonalDetails(), occurred_on=date(2017, 2, 1))
    for code, name in ((SAINT_DENIS, "Saint-Denis"), (NANTERRE, "Nanterre")):
        app.register_job_centre(code, name, occurred_on=date(2017, 1, 2))
    referrals = {"FT-0001": SAINT_DENIS, "FT-0002": SAINT_DENIS, "FT-0003": NANTERRE}
    for person in ("FT-0004", "FT-0003", "FT-0002", "FT-0001"):  # sorted when read back
        personal = PersonalDetails(full_name=SECRET)
        app.register_trainee(person, personal, referrals.get(person), occurred_on=ENROLLED_ON)
        app.enrol(person, PROGRAMME, PARIS, occurred_on=ENROLLED_ON)
    return app


def project(app: Tremplin, views: ViewStore) -> ViewStore:
    catch_up(app, views, PeopleAccess())
    return views


def test_a_registration_keeps_the_referring_job_centre_and_shares_nothing_yet(
    app: Tremplin, views: ViewStore
) -> None:
    project(app, views)

    assert access_of(views, "FT-0001") == PersonAccess(
        person_ref="FT-0001",
        referred_by=SAINT_DENIS,
        mentor_ref=None,
        shares_with_jobcentre=False,
        shares_with_employers=False,
    )
    assert access_of(views, "FT-0004") == PersonAccess("FT-0004", None, None, False, False)


def test_someone_never_registered_has_no_access_row(app: Tremplin, views: ViewStore) -> None:
    assert access_of(project(app, views), "FT-9999") is None


def test_every_registered_person_is_listed_by_reference(app: Tremplin, views: ViewStore) -> None:
    assert all_person_refs(project(app, views)) == ["FT-0001", "FT-0002", "FT-0003", "FT-0004"]


def test_a_mentor_reassigned_takes_the_person_out_of_the_first_caseload(
    app: Tremplin, views: ViewStore
) -> None:
    for person in ("FT-0003", "FT-0001", "FT-0002"):
        app.assign_mentor(person, "M-01", occurred_on=APRIL)
    project(app, views)
    assert caseload(views, "M-01") == ["FT-0001", "FT-0002", "FT-0003"]

    app.assign_mentor("FT-0002", "M-02", occurred_on=MAY)
    project(app, views)

    assert caseload(views, "M-01") == ["FT-0001", "FT-0003"]
    assert caseload(views, "M-02") == ["FT-0002"]
    assert access_of(views, "FT-0002") == PersonAccess("FT-0002", SAINT_DENIS, "M-02", False, False)
    assert caseload(views, "M-03") == []


@pytest.mark.parametrize(
    ("scope", "jobcentre", "employers"),
    [
        (ConsentScope.SHARE_WITH_JOBCENTRE, True, False),
        (ConsentScope.SHARE_WITH_EMPLOYERS, False, True),
    ],
)
def test_a_sharing_consent_counts_from_when_it_is_given_until_it_is_withdrawn(
    app: Tremplin, views: ViewStore, scope: ConsentScope, jobcentre: bool, employers: bool
) -> None:
    app.give_consent("FT-0001", scope, occurred_on=APRIL)
    given = access_of(project(app, views), "FT-0001")

    app.withdraw_consent("FT-0001", scope, occurred_on=MAY)
    withdrawn = access_of(project(app, views), "FT-0001")

    assert given == PersonAccess("FT-0001", SAINT_DENIS, None, jobcentre, employers)
    assert withdrawn == PersonAccess("FT-0001", SAINT_DENIS, None, False, False)
    assert access_of(views, "FT-0002") == PersonAccess("FT-0002", SAINT_DENIS, None, False, False)


def test_a_consent_given_again_after_a_withdrawal_counts_again(
    app: Tremplin, views: ViewStore
) -> None:
    app.give_consent("FT-0003", ConsentScope.SHARE_WITH_EMPLOYERS, occurred_on=APRIL)
    app.withdraw_consent("FT-0003", ConsentScope.SHARE_WITH_EMPLOYERS, occurred_on=APRIL)
    app.give_consent("FT-0003", ConsentScope.SHARE_WITH_EMPLOYERS, occurred_on=MAY)

    access = access_of(project(app, views), "FT-0003")

    assert access == PersonAccess("FT-0003", NANTERRE, None, False, True)


def test_the_leaderboard_consent_shares_with_no_one(app: Tremplin, views: ViewStore) -> None:
    app.give_consent(
        "FT-0001", ConsentScope.LEADERBOARD, LeaderboardDisplay.NAME, occurred_on=APRIL
    )

    access = access_of(project(app, views), "FT-0001")

    assert access == PersonAccess("FT-0001", SAINT_DENIS, None, False, False)


def test_a_job_centre_sees_only_the_people_it_referred_who_consent_to_share_with_it(
    app: Tremplin, views: ViewStore
) -> None:
    for person in ("FT-0002", "FT-0003"):
        app.give_consent(person, ConsentScope.SHARE_WITH_JOBCENTRE, occurred_on=APRIL)
    app.give_consent("FT-0001", ConsentScope.SHARE_WITH_EMPLOYERS, occurred_on=APRIL)
    project(app, views)

    assert referred_people(views, SAINT_DENIS) == ["FT-0002"]
    assert referred_people(views, SAINT_DENIS, consenting_only=False) == ["FT-0001", "FT-0002"]
    assert referred_people(views, NANTERRE) == ["FT-0003"]
    assert referred_people(views, "75-PARIS-13", consenting_only=False) == []


def test_a_job_centre_no_longer_sees_someone_who_withdrew(app: Tremplin, views: ViewStore) -> None:
    app.give_consent("FT-0001", ConsentScope.SHARE_WITH_JOBCENTRE, occurred_on=APRIL)
    app.give_consent("FT-0002", ConsentScope.SHARE_WITH_JOBCENTRE, occurred_on=APRIL)
    app.withdraw_consent("FT-0001", ConsentScope.SHARE_WITH_JOBCENTRE, occurred_on=MAY)

    assert referred_people(project(app, views), SAINT_DENIS) == ["FT-0002"]


def test_a_rebuild_from_the_same_log_gives_the_same_rows_and_no_personal_data(
    app: Tremplin, views: ViewStore, tmp_path: Path
) -> None:
    app.assign_mentor("FT-0001", "M-01", occurred_on=APRIL)
    app.give_consent("FT-0001", ConsentScope.SHARE_WITH_JOBCENTRE, occurred_on=APRIL)
    app.give_consent("FT-0003", ConsentScope.SHARE_WITH_EMPLOYERS, occurred_on=MAY)
    again = ViewStore(tmp_path / "again.sqlite")
    prepare(again, PeopleAccess())

    first, second = rows(project(app, views)), rows(project(app, again))
    again.close()

    assert first == second
    assert len(first) == 4
    assert SECRET not in repr(first)


def rows(views: ViewStore) -> list[tuple[object, ...]]:
    with sqlite3.connect(views.path) as connection:
        return connection.execute("SELECT * FROM people_access ORDER BY person_ref").fetchall()
