"""The job centres' read model: given centres registered and renamed by the real commands,
then the rows listed, the names found, and the referrals counted by centre."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from givens import ENROLLED_ON

from domain.application import Tremplin
from domain.values import ConsentScope, PersonalDetails
from projections.job_centres import (
    JobCentreRow,
    JobCentres,
    job_centre_name,
    job_centres,
    referral_counts,
)
from projections.people_access import PeopleAccess
from projections.runner import catch_up, prepare
from projections.store import ViewStore

SAINT_DENIS, NANTERRE = "93-SAINT-DENIS", "92-NANTERRE"
JANUARY, JUNE = date(2017, 1, 2), date(2018, 6, 1)


@pytest.fixture
def views(tmp_path: Path) -> Iterator[ViewStore]:
    store = ViewStore(tmp_path / "views.sqlite")
    for projection in (JobCentres(), PeopleAccess()):
        prepare(store, projection)
    yield store
    store.close()


def project(app: Tremplin, views: ViewStore) -> ViewStore:
    for projection in (JobCentres(), PeopleAccess()):
        catch_up(app, views, projection)
    return views


def test_registered_centres_are_listed_by_code_under_their_latest_name(
    app: Tremplin, views: ViewStore
) -> None:
    app.register_job_centre(SAINT_DENIS, "Saint-Denis", occurred_on=JANUARY)
    app.register_job_centre(NANTERRE, "Nanterre", occurred_on=JANUARY)
    app.register_job_centre(SAINT_DENIS, "France Travail Saint-Denis", occurred_on=JUNE)

    assert job_centres(project(app, views)) == [
        JobCentreRow(NANTERRE, "Nanterre", JANUARY, 2),
        JobCentreRow(SAINT_DENIS, "France Travail Saint-Denis", JANUARY, 1),
    ]


def test_a_centres_name_is_found_by_its_code(app: Tremplin, views: ViewStore) -> None:
    app.register_job_centre(SAINT_DENIS, "Saint-Denis", occurred_on=JANUARY)
    project(app, views)

    assert job_centre_name(views, SAINT_DENIS) == "Saint-Denis"
    assert job_centre_name(views, NANTERRE) is None


def test_referrals_are_counted_by_centre_with_those_who_share_now(
    app: Tremplin, views: ViewStore
) -> None:
    app.register_job_centre(SAINT_DENIS, "Saint-Denis", occurred_on=JANUARY)
    app.register_job_centre(NANTERRE, "Nanterre", occurred_on=JANUARY)
    referrals = {"FT-1": SAINT_DENIS, "FT-2": SAINT_DENIS, "FT-3": SAINT_DENIS, "FT-4": NANTERRE}
    for person, centre in referrals.items():
        app.register_trainee(person, PersonalDetails(), centre, occurred_on=ENROLLED_ON)
    app.register_trainee("FT-5", PersonalDetails(), occurred_on=ENROLLED_ON)  # by no one
    for person in ("FT-1", "FT-2", "FT-5"):
        app.give_consent(person, ConsentScope.SHARE_WITH_JOBCENTRE, occurred_on=ENROLLED_ON)
    app.withdraw_consent("FT-2", ConsentScope.SHARE_WITH_JOBCENTRE, occurred_on=JUNE)

    assert referral_counts(project(app, views)) == {SAINT_DENIS: (3, 1), NANTERRE: (1, 0)}
