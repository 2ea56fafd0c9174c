"""Learning: modules, assessments, sessions and certifications on the trainee's record."""

from __future__ import annotations

from datetime import date

import pytest
from eventsourcing.persistence import MapperDeserialisationError
from givens import LYON, PARIS

from domain.application import Tremplin
from domain.errors import InvalidValue, NotEnrolled, ScoreOutOfScale
from domain.ids import trainee_id
from domain.learning import (
    AssessmentSubmitted,
    CertificationResultRecorded,
    CertificationScheme,
    ModuleCompleted,
    tosa_level,
)
from domain.trainee import Trainee
from domain.values import LeftReason

JUNE_1ST = date(2017, 6, 1)


def test_completing_a_module_records_its_score(enrolled: Trainee) -> None:
    enrolled.complete_module(PARIS, "HTML-CSS", 87.5, date(2017, 4, 1))
    [completed] = enrolled.collect_events()
    assert isinstance(completed, ModuleCompleted)
    assert (completed.module_id, completed.score) == ("HTML-CSS", 87.5)
    assert enrolled.enrolment(PARIS).modules_completed == {"HTML-CSS"}


def test_a_module_score_of_101_is_off_the_scale(enrolled: Trainee) -> None:
    with pytest.raises(ScoreOutOfScale, match="101 is outside the scale 0–100") as refused:
        enrolled.complete_module(PARIS, "HTML-CSS", 101, date(2017, 4, 1))
    assert refused.value.field == "score"
    assert enrolled.collect_events() == []


def test_an_unmarked_assessment_is_recorded_with_no_score(enrolled: Trainee) -> None:
    enrolled.submit_assessment(PARIS, "TMA-1", None, False, date(2017, 4, 3))
    [submitted] = enrolled.collect_events()
    assert isinstance(submitted, AssessmentSubmitted)
    assert submitted.score is None
    assert enrolled.enrolment(PARIS).assessments_submitted == {"TMA-1"}


def test_a_credited_result_dated_before_the_enrolment_is_accepted(enrolled: Trainee) -> None:
    enrolled.submit_assessment(PARIS, "TMA-1", 68, True, date(2016, 11, 20))
    [submitted] = enrolled.collect_events()
    assert isinstance(submitted, AssessmentSubmitted)
    assert submitted.credited is True
    assert submitted.occurred_on == date(2016, 11, 20)


def test_a_submission_dated_before_the_enrolment_is_refused(enrolled: Trainee) -> None:
    with pytest.raises(InvalidValue, match="before the enrolment") as refused:
        enrolled.submit_assessment(PARIS, "TMA-1", 68, False, date(2016, 11, 20))
    assert refused.value.field == "occurred_on"
    assert enrolled.collect_events() == []


def test_attending_a_session_after_leaving_is_refused(enrolled: Trainee) -> None:
    enrolled.leave(PARIS, LeftReason.DROPPED_OUT, date(2017, 5, 31))
    enrolled.collect_events()
    with pytest.raises(InvalidValue, match="after leaving"):
        enrolled.attend_session(PARIS, "S-22", date(2017, 6, 1))
    assert enrolled.collect_events() == []


def test_learning_in_a_cohort_not_enrolled_in_is_refused(enrolled: Trainee) -> None:
    with pytest.raises(NotEnrolled, match=f"FT-0001 is not enrolled in {LYON}"):
        enrolled.start_module(LYON, "CCNA-1", date(2017, 10, 9))
    assert enrolled.collect_events() == []


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, None),
        (1, "initial"),
        (350, "initial"),
        (351, "basique"),
        (550, "basique"),
        (551, "opérationnel"),
        (726, "avancé"),
        (875, "avancé"),
        (876, "expert"),
        (1000, "expert"),
    ],
)
def test_a_tosa_score_reaches_its_level(score: int, level: str | None) -> None:
    assert tosa_level(score) == level


def test_a_tosa_result_records_its_level_and_a_pass(enrolled: Trainee) -> None:
    enrolled.record_certification(PARIS, CertificationScheme.TOSA, "TOSA Excel", 612, JUNE_1ST)
    [result] = enrolled.collect_events()
    assert isinstance(result, CertificationResultRecorded)
    assert (result.level, result.passed) == ("opérationnel", True)


def test_a_tosa_score_of_zero_has_no_level_and_fails(enrolled: Trainee) -> None:
    enrolled.record_certification(PARIS, CertificationScheme.TOSA, "TOSA Excel", 0, JUNE_1ST)
    [result] = enrolled.collect_events()
    assert isinstance(result, CertificationResultRecorded)
    assert (result.level, result.passed) == (None, False)


def test_a_tosa_score_of_1001_is_off_the_scale(enrolled: Trainee) -> None:
    with pytest.raises(ScoreOutOfScale, match="0–1000"):
        enrolled.record_certification(
            PARIS, CertificationScheme.TOSA, "TOSA Excel", 1001, date(2017, 6, 1)
        )
    assert enrolled.collect_events() == []


@pytest.mark.parametrize(("score", "passed"), [(75, True), (74.9, False), (100, True)])
def test_an_icdl_module_passes_from_75_percent(
    enrolled: Trainee, score: float, passed: bool
) -> None:
    enrolled.record_certification(
        PARIS, CertificationScheme.ICDL, "ICDL Documents", score, date(2017, 6, 1)
    )
    [result] = enrolled.collect_events()
    assert isinstance(result, CertificationResultRecorded)
    assert (result.level, result.passed) == (None, passed)


def test_a_vendor_exam_without_its_vendor_names_the_vendor_field(enrolled: Trainee) -> None:
    with pytest.raises(InvalidValue) as refused:
        enrolled.record_certification(
            PARIS, CertificationScheme.VENDOR, "CCNA 200-301", 870, date(2017, 6, 1), passed=True
        )
    assert refused.value.field == "vendor"


def test_a_vendor_exam_records_the_result_the_vendor_gave(enrolled: Trainee) -> None:
    enrolled.record_certification(
        PARIS,
        CertificationScheme.VENDOR,
        "CCNA 200-301",
        790,
        date(2017, 6, 1),
        vendor="Cisco",
        passed=False,
    )
    [result] = enrolled.collect_events()
    assert isinstance(result, CertificationResultRecorded)
    assert (result.vendor, result.score, result.passed) == ("Cisco", 790, False)


def test_a_fractional_serious_game_score_is_refused_before_it_is_recorded(
    running_app: Tremplin,
) -> None:
    with pytest.raises(MapperDeserialisationError, match="unreadable"):
        running_app.play_serious_game(
            "FT-0001",
            PARIS,
            "CYBER-QUEST",
            12.5,  # type: ignore[arg-type]
            occurred_on=date(2017, 4, 1),
        )
    assert running_app.repository.get(trainee_id("FT-0001")).person_ref == "FT-0001"
