"""Trainee: enrolment, consents and leaving (given events → command → events / error)."""

from __future__ import annotations

from datetime import date

import pytest
from givens import ENROLLED_ON, LYON, PARIS, PROGRAMME, log_head

from domain.application import Tremplin
from domain.errors import (
    AlreadyEnrolled,
    AlreadyLeft,
    CohortClosed,
    ConsentNotGiven,
    InvalidValue,
    NotEnrolled,
    NotFound,
    OccurredInFuture,
)
from domain.programme import Cohort, Programme
from domain.trainee import Trainee
from domain.values import ConsentScope, FinalResult, LeaderboardDisplay, LeftReason


def test_enrolling_in_an_open_cohort_records_the_programme_and_cohort(
    trainee: Trainee, paris: Cohort
) -> None:
    trainee.enrol(PROGRAMME, paris, ENROLLED_ON)
    [enrolled] = trainee.collect_events()
    assert isinstance(enrolled, Trainee.Enrolled)
    assert (enrolled.programme_code, enrolled.cohort_id) == (PROGRAMME, PARIS)
    assert trainee.enrolment(PARIS).enrolled_on == date(2017, 3, 6)


def test_enrolling_after_the_cohort_closed_is_refused(trainee: Trainee, paris: Cohort) -> None:
    with pytest.raises(CohortClosed, match="closed on 2017-09-30"):
        trainee.enrol(PROGRAMME, paris, date(2017, 10, 1))
    assert trainee.collect_events() == []


def test_enrolling_twice_in_one_cohort_is_refused(enrolled: Trainee, paris: Cohort) -> None:
    with pytest.raises(AlreadyEnrolled, match="since 2017-03-06"):
        enrolled.enrol(PROGRAMME, paris, date(2017, 4, 1))
    assert enrolled.collect_events() == []


def test_one_person_can_be_enrolled_in_two_cohorts(enrolled: Trainee, programme: Programme) -> None:
    enrolled.enrol(PROGRAMME, programme.cohort(LYON), date(2017, 10, 2))
    [second] = enrolled.collect_events()
    assert isinstance(second, Trainee.Enrolled)
    assert second.cohort_id == LYON
    assert sorted(enrolled.enrolments) == [LYON, PARIS]


def test_leaving_records_the_reason_and_the_final_result(enrolled: Trainee) -> None:
    enrolled.leave(PARIS, LeftReason.COMPLETED, date(2017, 9, 30), FinalResult.DISTINCTION)
    [left] = enrolled.collect_events()
    assert isinstance(left, Trainee.Left)
    assert (left.reason, left.final_result) == (LeftReason.COMPLETED, FinalResult.DISTINCTION)
    assert enrolled.enrolment(PARIS).is_active is False


def test_leaving_twice_is_refused(enrolled: Trainee) -> None:
    enrolled.leave(PARIS, LeftReason.FOUND_WORK, date(2017, 6, 1))
    enrolled.collect_events()
    with pytest.raises(AlreadyLeft, match="2017-06-01"):
        enrolled.leave(PARIS, LeftReason.COMPLETED, date(2017, 9, 30))
    assert enrolled.enrolment(PARIS).left_reason is LeftReason.FOUND_WORK


def test_leaving_before_the_enrolment_day_names_occurred_on(enrolled: Trainee) -> None:
    with pytest.raises(InvalidValue) as refused:
        enrolled.leave(PARIS, LeftReason.DROPPED_OUT, date(2017, 3, 1))
    assert refused.value.field == "occurred_on"
    assert enrolled.collect_events() == []


def test_leaving_a_cohort_never_joined_is_refused(enrolled: Trainee) -> None:
    with pytest.raises(NotEnrolled, match=LYON):
        enrolled.leave(LYON, LeftReason.DROPPED_OUT, date(2017, 11, 1))


def test_withdrawing_a_consent_never_given_is_refused(trainee: Trainee) -> None:
    with pytest.raises(ConsentNotGiven, match="leaderboard"):
        trainee.withdraw_consent(ConsentScope.LEADERBOARD, date(2017, 4, 1))
    assert trainee.collect_events() == []


def test_giving_then_withdrawing_a_consent_removes_it(trainee: Trainee) -> None:
    trainee.give_consent(ConsentScope.SHARE_WITH_JOBCENTRE, date(2017, 3, 6))
    trainee.withdraw_consent(ConsentScope.SHARE_WITH_JOBCENTRE, date(2017, 5, 1))
    given, withdrawn = trainee.collect_events()
    assert isinstance(given, Trainee.ConsentGiven)
    assert isinstance(withdrawn, Trainee.ConsentWithdrawn)
    assert trainee.consents == {}


def test_a_leaderboard_consent_without_a_display_names_the_display_field(trainee: Trainee) -> None:
    with pytest.raises(InvalidValue) as refused:
        trainee.give_consent(ConsentScope.LEADERBOARD, date(2017, 3, 6))
    assert refused.value.field == "display"


def test_a_pseudonym_display_without_a_pseudonym_is_refused(trainee: Trainee) -> None:
    with pytest.raises(InvalidValue) as refused:
        trainee.give_consent(
            ConsentScope.LEADERBOARD, date(2017, 3, 6), LeaderboardDisplay.PSEUDONYM, "   "
        )
    assert refused.value.field == "pseudonym"


def test_a_pseudonym_is_recorded_without_surrounding_spaces(trainee: Trainee) -> None:
    trainee.give_consent(
        ConsentScope.LEADERBOARD, date(2017, 3, 6), LeaderboardDisplay.PSEUDONYM, " Zébulon "
    )
    [given] = trainee.collect_events()
    assert isinstance(given, Trainee.ConsentGiven)
    assert given.pseudonym == "Zébulon"
    assert trainee.consents == {ConsentScope.LEADERBOARD: LeaderboardDisplay.PSEUDONYM}


def test_enrolling_in_an_unknown_programme_is_not_found(running_app: Tremplin) -> None:
    head = log_head(running_app)
    with pytest.raises(NotFound, match="there is no programme ORT-XX"):
        running_app.enrol("FT-0001", "ORT-XX", PARIS, occurred_on=ENROLLED_ON)
    assert log_head(running_app) == head


def test_leaving_dated_in_the_future_records_nothing(running_app: Tremplin) -> None:
    head = log_head(running_app)
    with pytest.raises(OccurredInFuture) as refused:
        running_app.leave("FT-0001", PARIS, LeftReason.COMPLETED, occurred_on=date(2019, 1, 2))
    assert refused.value.field == "occurred_on"
    assert log_head(running_app) == head
