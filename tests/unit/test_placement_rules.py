"""Placement: offers, applications, interviews, hiring and the six-month follow-up."""

from __future__ import annotations

from datetime import date

import pytest
from givens import PARIS

from domain.errors import AlreadyExists, InvalidValue, NotEnrolled, NotFound, OfferClosed
from domain.placement import ApplicationMade, Employer, FollowUpRecorded, Hired, JobOffer
from domain.trainee import Trainee
from domain.values import ContractType, FollowUpStatus, LeftReason


def test_posting_an_offer_records_its_rome_code_and_contract(employer: Employer) -> None:
    offer = JobOffer.post(
        employer,
        "O-7",
        "Technicien support",
        "I1401",
        ("windows",),
        ContractType.CDD,
        "Lyon",
        date(2017, 6, 1),
    )
    [posted] = offer.collect_events()
    assert isinstance(posted, JobOffer.Posted)
    assert (posted.employer_ref, posted.rome_code, posted.contract) == (
        "E-ACME",
        "I1401",
        ContractType.CDD,
    )


@pytest.mark.parametrize("rome_code", ["m1805", "M185", "Z1805", "M18055"])
def test_a_malformed_rome_code_names_the_rome_code_field(
    employer: Employer, rome_code: str
) -> None:
    with pytest.raises(InvalidValue, match="is not a ROME code") as refused:
        JobOffer.post(
            employer, "O-7", "Support", rome_code, (), ContractType.CDD, "Lyon", date(2017, 6, 1)
        )
    assert refused.value.field == "rome_code"


def test_hiring_someone_never_enrolled_is_refused(trainee: Trainee, employer: Employer) -> None:
    with pytest.raises(NotEnrolled, match="FT-0001 has never enrolled"):
        trainee.get_hired(employer, None, ContractType.CDI, date(2017, 11, 2), date(2017, 10, 20))
    assert trainee.collect_events() == []


def test_hiring_through_an_offer_records_the_offer(
    enrolled: Trainee, employer: Employer, offer: JobOffer
) -> None:
    enrolled.get_hired(employer, offer, ContractType.CDI, date(2017, 11, 2), date(2017, 10, 20))
    [hired] = enrolled.collect_events()
    assert isinstance(hired, Hired)
    assert (hired.employer_ref, hired.offer_ref, hired.starts_on) == (
        "E-ACME",
        "O-42",
        date(2017, 11, 2),
    )


def test_applying_records_the_offer_applied_for(enrolled: Trainee, offer: JobOffer) -> None:
    enrolled.apply_for(offer, date(2017, 6, 5))
    [applied] = enrolled.collect_events()
    assert isinstance(applied, ApplicationMade)
    assert enrolled.applications == {"O-42"}


def test_applying_twice_for_one_offer_is_refused(enrolled: Trainee, offer: JobOffer) -> None:
    enrolled.apply_for(offer, date(2017, 6, 5))
    enrolled.collect_events()
    with pytest.raises(AlreadyExists, match="FT-0001 already applied for O-42"):
        enrolled.apply_for(offer, date(2017, 6, 6))
    assert enrolled.collect_events() == []


def test_applying_after_the_offer_closed_is_refused(enrolled: Trainee, offer: JobOffer) -> None:
    offer.close(date(2017, 6, 30))
    with pytest.raises(OfferClosed, match="closed on 2017-06-30"):
        enrolled.apply_for(offer, date(2017, 7, 1))


def test_an_interview_without_an_application_is_not_found(
    enrolled: Trainee, offer: JobOffer
) -> None:
    with pytest.raises(NotFound, match="FT-0001 has not applied for O-42"):
        enrolled.hold_interview(offer, date(2017, 6, 12))
    assert enrolled.collect_events() == []


def test_a_follow_up_before_leaving_names_the_cohort_field(enrolled: Trainee) -> None:
    with pytest.raises(InvalidValue, match="has not left") as refused:
        enrolled.record_follow_up(PARIS, FollowUpStatus.EMPLOYED, date(2017, 9, 1))
    assert refused.value.field == "cohort_id"
    assert enrolled.collect_events() == []


def test_a_follow_up_after_leaving_records_the_status(enrolled: Trainee) -> None:
    enrolled.leave(PARIS, LeftReason.COMPLETED, date(2017, 9, 30))
    enrolled.record_follow_up(PARIS, FollowUpStatus.IN_TRAINING, date(2018, 3, 30))
    _, followed_up = enrolled.collect_events()
    assert isinstance(followed_up, FollowUpRecorded)
    assert followed_up.status is FollowUpStatus.IN_TRAINING
    assert enrolled.enrolment(PARIS).followed_up is True


def test_a_second_follow_up_of_one_enrolment_is_refused(enrolled: Trainee) -> None:
    enrolled.leave(PARIS, LeftReason.COMPLETED, date(2017, 9, 30))
    enrolled.record_follow_up(PARIS, FollowUpStatus.EMPLOYED, date(2018, 3, 30))
    enrolled.collect_events()
    with pytest.raises(AlreadyExists, match="follow-up of FT-0001"):
        enrolled.record_follow_up(PARIS, FollowUpStatus.SEEKING_WORK, date(2018, 4, 2))
    assert enrolled.collect_events() == []
