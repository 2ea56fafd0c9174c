"""Fixtures for the unit tier: aggregates as given by earlier events, and an in-memory app.

Aggregates are handed over with their pending events already collected, so a
test's `collect_events()` shows only what its own command did.
"""

from __future__ import annotations

from datetime import date

import pytest
from givens import (
    ENROLLED_ON,
    PARIS,
    PROGRAMME,
    in_memory_app,
    launched_programme,
    registered,
    with_an_enrolled_trainee,
)

from domain.application import Tremplin
from domain.coaching import Mentor
from domain.placement import Employer, JobOffer
from domain.programme import Cohort, Programme
from domain.trainee import Trainee
from domain.values import ContractType, PersonalDetails


@pytest.fixture
def programme() -> Programme:
    return launched_programme()


@pytest.fixture
def paris(programme: Programme) -> Cohort:
    return programme.cohort(PARIS)


@pytest.fixture
def trainee() -> Trainee:
    """FT-0001, registered and not yet enrolled."""
    return registered("FT-0001")


@pytest.fixture
def enrolled(trainee: Trainee, paris: Cohort) -> Trainee:
    """FT-0001, enrolled in the Paris cohort on 6 March 2017."""
    trainee.enrol(PROGRAMME, paris, ENROLLED_ON)
    trainee.collect_events()
    return trainee


@pytest.fixture
def classmate(paris: Cohort) -> Trainee:
    """FT-0002, enrolled in the same Paris cohort on the same day."""
    trainee = registered("FT-0002")
    trainee.enrol(PROGRAMME, paris, ENROLLED_ON)
    trainee.collect_events()
    return trainee


@pytest.fixture
def mentor() -> Mentor:
    return Mentor.register("M-01", ("cv", "entretien"), PersonalDetails(), date(2017, 1, 5))


@pytest.fixture
def employer() -> Employer:
    return Employer.register("E-ACME", "Acme Web", "numérique", PersonalDetails(), date(2017, 1, 5))


@pytest.fixture
def offer(employer: Employer) -> JobOffer:
    return JobOffer.post(
        employer,
        "O-42",
        "Développeur junior",
        "M1805",
        ("python",),
        ContractType.CDI,
        "Paris",
        date(2017, 6, 1),
    )


@pytest.fixture
def app() -> Tremplin:
    """An empty platform on an in-memory log, whose clock says 1 January 2019."""
    return in_memory_app()


@pytest.fixture
def running_app(app: Tremplin) -> Tremplin:
    """The platform with ORT-FR-2017, its Paris cohort, and FT-0001 enrolled in it."""
    return with_an_enrolled_trainee(app)
