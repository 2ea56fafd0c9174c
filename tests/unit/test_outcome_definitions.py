"""The outcome figures' definitions and their counting rules, on plain facts."""

from __future__ import annotations

from datetime import date

import pytest

from projections.outcome_definitions import (
    DEFINITIONS,
    DEFINITIONS_VERSION,
    KEYS,
    Clock,
    Counted,
    EnrolmentFact,
    PersonFact,
    Unit,
    assess,
    six_months_after,
)

LEFT_ON = date(2017, 9, 30)  # six months later: 2018-03-30, window closes 2018-04-27
UPON_LEAVING = "in_work_or_training_upon_leaving"
SIX_MONTHS = "in_work_or_training_6m"


def left(on: date = LEFT_ON, reason: str = "completed", cohort: str = "PARIS") -> EnrolmentFact:
    return EnrolmentFact(cohort, date(2017, 3, 6), 10, on, 20, reason)


def hired(starts_on: date, occurred_on: date | None = None, position: int = 30) -> PersonFact:
    return PersonFact("hired", occurred_on or starts_on, position, starts_on=starts_on)


def follow_up(status: str, on: date, position: int = 40) -> PersonFact:
    return PersonFact("follow_up", on, position, cohort_id="PARIS", status=status)


@pytest.mark.parametrize(
    ("leaving", "six_months_later"),
    [
        (date(2025, 8, 31), date(2026, 2, 28)),
        (date(2023, 8, 31), date(2024, 2, 29)),
        (date(2024, 2, 29), date(2024, 8, 29)),
        (date(2017, 9, 30), date(2018, 3, 30)),
        (date(2017, 7, 31), date(2018, 1, 31)),
        (date(2017, 12, 31), date(2018, 6, 30)),
    ],
)
def test_six_months_after_is_the_same_day_clamped_to_the_months_end(
    leaving: date, six_months_later: date
) -> None:
    assert six_months_after(leaving) == six_months_later


def test_every_figure_counts_people_on_the_occurred_clock_with_labels_in_both_languages() -> None:
    assert DEFINITIONS_VERSION == "outcomes-2026-12-1"
    assert KEYS == (
        "enrolled",
        "completed",
        "certified",
        "left",
        "in_work_or_training_upon_leaving",
        "in_work_or_training_6m",
    )
    assert {(d.unit, d.clock) for d in DEFINITIONS} == {(Unit.PEOPLE, Clock.OCCURRED)}
    assert all(d.label_fr.endswith(".") and d.label_en.endswith(".") for d in DEFINITIONS)
    assert [d.key for d in DEFINITIONS if d.denominator] == [UPON_LEAVING, SIX_MONTHS]
    assert {d.key: d.target for d in DEFINITIONS if d.target} == {
        "completed": "people_trained",
        SIX_MONTHS: "in_work_or_training_6m_rate",
    }


def test_a_hire_starting_28_days_after_leaving_counts_upon_leaving_and_29_days_does_not() -> None:
    on_day_28 = assess([left()], [hired(date(2017, 10, 28))], date(2018, 1, 1))
    on_day_29 = assess([left()], [hired(date(2017, 10, 29))], date(2018, 1, 1))
    assert on_day_28[UPON_LEAVING] == Counted(True, True, (20, 30))
    assert on_day_29[UPON_LEAVING] == Counted(True, False)


def test_a_leaver_whose_four_weeks_are_not_over_is_outside_the_upon_leaving_denominator() -> None:
    assessed = assess([left()], [hired(date(2017, 10, 2))], date(2017, 10, 27))
    assert assessed[UPON_LEAVING] == Counted(False, False)
    assert assessed["left"] == Counted(True, True, (20,))


def test_a_leaver_of_three_months_ago_is_outside_the_six_month_denominator() -> None:
    assessed = assess([left()], [hired(date(2017, 10, 2))], date(2017, 12, 30))
    assert assessed[SIX_MONTHS] == Counted(False, False)


def test_the_six_month_window_closes_four_weeks_after_the_six_month_date() -> None:
    facts = [hired(date(2017, 10, 2))]
    assert assess([left()], facts, date(2018, 4, 26))[SIX_MONTHS].eligible is False
    assert assess([left()], facts, date(2018, 4, 27))[SIX_MONTHS] == Counted(True, True, (20, 30))


def test_the_six_month_follow_up_outranks_an_earlier_hire() -> None:
    facts = [hired(date(2017, 10, 2)), follow_up("seeking_work", date(2018, 4, 3))]
    assert assess([left()], facts, date(2018, 6, 1))[SIX_MONTHS] == Counted(True, False)


def test_a_follow_up_in_training_at_six_months_counts_with_its_position() -> None:
    facts = [follow_up("in_training", date(2018, 3, 30), position=41)]
    assert assess([left()], facts, date(2018, 6, 1))[SIX_MONTHS] == Counted(True, True, (20, 41))


def test_a_follow_up_before_the_six_month_date_does_not_decide() -> None:
    facts = [follow_up("employed", date(2018, 3, 29))]
    assert assess([left()], facts, date(2018, 6, 1))[SIX_MONTHS] == Counted(True, False)


def test_a_hire_agreed_after_the_window_closed_does_not_count_even_if_backdated() -> None:
    facts = [hired(date(2017, 10, 10), occurred_on=date(2017, 11, 15))]
    assert assess([left()], facts, date(2018, 1, 1))[UPON_LEAVING] == Counted(True, False)


def test_a_person_back_in_training_is_not_a_leaver_until_their_last_enrolment_ends() -> None:
    dropped = left(date(2017, 5, 31), "dropped_out")
    back = EnrolmentFact("LYON", date(2017, 10, 2), 50)
    assessed = assess([dropped, back], [], date(2018, 1, 1))
    assert assessed["left"] == Counted(True, False)
    assert assessed[UPON_LEAVING] == Counted(False, False)
    assert assessed["enrolled"] == Counted(True, True, (10, 50))


def test_a_re_enrolled_person_is_judged_by_their_last_exit_only() -> None:
    dropped = left(date(2017, 5, 31), "dropped_out")
    finished = EnrolmentFact("LYON", date(2017, 10, 2), 50, date(2018, 4, 30), 60, "completed")
    hire_after_first_exit = hired(date(2017, 6, 15))
    assessed = assess([dropped, finished], [hire_after_first_exit], date(2019, 1, 1))
    assert assessed["left"] == Counted(True, True, (20, 60))
    assert assessed["completed"] == Counted(True, True, (60,))
    assert assessed[UPON_LEAVING] == Counted(True, False)  # that job predates the last enrolment
    assert assessed[SIX_MONTHS] == Counted(True, False)


def test_only_certifications_of_the_cohorts_in_scope_count() -> None:
    elsewhere = PersonFact("certified", date(2017, 6, 1), 70, cohort_id="LYON")
    here = PersonFact("certified", date(2017, 6, 2), 71, cohort_id="PARIS")
    assert assess([left()], [elsewhere], date(2018, 1, 1))["certified"] == Counted(True, False)
    assert assess([left()], [elsewhere, here], date(2018, 1, 1))["certified"] == Counted(
        True, True, (71,)
    )
