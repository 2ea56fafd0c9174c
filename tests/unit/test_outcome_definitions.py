"""The outcome figures' definitions and their counting rules, on plain facts."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from domain.errors import NotFound
from projections.outcome_definitions import (
    CURRENT,
    DEFINITIONS,
    DEFINITIONS_VERSION,
    IN_FRENCH,
    KEYS,
    VERSIONS,
    Clock,
    Counted,
    EnrolmentFact,
    PersonFact,
    SixMonthsOver,
    Unit,
    assess,
    definition_set,
    fingerprint,
    six_months_after,
)

LEFT_ON = date(2017, 9, 30)  # six months later: 2018-03-30, window closes 2018-04-27
UPON_LEAVING = "in_work_or_training_upon_leaving"
SIX_MONTHS = "in_work_or_training_6m"
V1, V2 = VERSIONS


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
    assert DEFINITIONS_VERSION == "outcomes-2026-12-2"
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


def test_every_adopted_version_still_has_the_fingerprint_it_was_sealed_with() -> None:
    changed = [
        f"{v.version} changed after it was adopted: add a new version instead"
        f" (sealed {v.sealed}, now {fingerprint(v)})"
        for v in VERSIONS
        if fingerprint(v) != v.sealed
    ]
    assert changed == []


def test_a_changed_definition_or_rule_changes_the_fingerprint() -> None:
    relabelled = dataclasses.replace(
        V1, definitions=(*V1.definitions[:-1], dataclasses.replace(V1.definitions[-1], window="?"))
    )
    longer_grace = dataclasses.replace(
        V1, rules=dataclasses.replace(V1.rules, follow_up_grace_days=29)
    )
    renamed = dataclasses.replace(V1, version="outcomes-renamed", change="Nothing.")
    assert fingerprint(relabelled) != V1.sealed
    assert fingerprint(longer_grace) != V1.sealed
    assert fingerprint(renamed) == V1.sealed  # the name is not what is counted


def test_versions_are_unique_ordered_by_adoption_each_a_change_and_the_last_is_current() -> None:
    assert [v.version for v in VERSIONS] == ["outcomes-2026-12-1", "outcomes-2026-12-2"]
    assert len({v.version for v in VERSIONS}) == len(VERSIONS)
    assert [v.adopted_on for v in VERSIONS] == sorted({v.adopted_on for v in VERSIONS})
    assert len({v.sealed for v in VERSIONS}) == len(VERSIONS)  # each counts differently
    assert all(v.change.endswith(".") for v in VERSIONS)
    assert CURRENT is VERSIONS[-1] is definition_set("outcomes-2026-12-2")
    assert (CURRENT.definitions, CURRENT.keys) == (DEFINITIONS, KEYS)


def test_an_unknown_version_is_not_found_naming_the_known_ones() -> None:
    with pytest.raises(NotFound, match="outcomes-2026-12-1, outcomes-2026-12-2"):
        definition_set("outcomes-1999-1")


def test_version_2_changes_only_the_six_month_figure_to_count_over_people_trained() -> None:
    assert [v.key for v in V1.definitions] == [v.key for v in V2.definitions] == list(KEYS)
    changed = [
        (before.key, before.label_en, after.label_en)
        for before, after in zip(V1.definitions, V2.definitions, strict=True)
        if before != after
    ]
    assert changed == [
        (
            SIX_MONTHS,
            "People in work or training six months after leaving.",
            "People trained in work or training six months after leaving.",
        )
    ]
    six_months = V2.definitions[-1]
    assert six_months.label_fr.startswith("Personnes formées ")
    assert (six_months.denominator or "").startswith("people trained ")
    assert dataclasses.replace(V2.rules, six_months_over=SixMonthsOver.LEAVERS) == V1.rules


def test_a_leaver_in_work_who_did_not_complete_counts_in_v1_and_is_outside_v2() -> None:
    dropped_out = left(reason="dropped_out")
    in_work = [follow_up("employed", date(2018, 4, 2))]
    as_of = date(2018, 6, 1)
    assert assess([dropped_out], in_work, as_of, V1.rules)[SIX_MONTHS] == Counted(
        True, True, (20, 40)
    )
    assert assess([dropped_out], in_work, as_of, V2.rules)[SIX_MONTHS] == Counted(False, False)
    assert assess([dropped_out], in_work, as_of)[SIX_MONTHS] == Counted(False, False)  # current
    assert assess([dropped_out], [], as_of, V1.rules)[SIX_MONTHS] == Counted(True, False)


def test_under_v2_a_trained_leaver_counts_and_the_completing_exit_is_part_of_the_evidence() -> None:
    completed = left(date(2017, 5, 31))  # exit at position 20
    back = EnrolmentFact("LYON", date(2017, 6, 5), 50, LEFT_ON, 60, "dropped_out")
    in_work = [follow_up("employed", date(2018, 4, 2))]
    as_of = date(2018, 6, 1)
    assert assess([completed, back], in_work, as_of, V2.rules)[SIX_MONTHS] == Counted(
        True, True, (20, 40, 60)
    )
    assert assess([completed, back], in_work, as_of, V1.rules)[SIX_MONTHS] == Counted(
        True, True, (40, 60)
    )
    seeking = [follow_up("seeking_work", date(2018, 4, 2))]
    assert assess([completed, back], seeking, as_of, V2.rules)[SIX_MONTHS] == Counted(True, False)
    assert assess([back], in_work, as_of, V2.rules)[SIX_MONTHS] == Counted(False, False)


def test_every_text_of_every_version_is_said_in_french_outside_the_seal() -> None:
    """The audit pages and the pack's French report show `numerator_fr`…: properties read
    from IN_FRENCH, not fields, so a French rewording leaves every fingerprint as it was."""
    texts = {
        text
        for version in VERSIONS
        for d in version.definitions
        for text in (d.numerator, d.denominator, d.window)
        if text
    }
    assert sorted(texts - IN_FRENCH.keys()) == []
    assert sorted(IN_FRENCH.keys() - texts) == []  # no French left for a text no version has
    for version in VERSIONS:
        assert fingerprint(version) == version.sealed
        for d in version.definitions:
            assert d.numerator_fr != d.numerator
            assert d.window_fr != d.window
            assert (d.denominator_fr is None) == (d.denominator is None)
            assert d.clock_fr.startswith("des faits")
            assert "people" not in d.numerator_fr
            assert "leavers" not in (d.denominator_fr or "")
