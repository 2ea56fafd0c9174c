"""Coaching: mentors' sessions, goals and peer help on the trainee's record."""

from __future__ import annotations

from datetime import date

import pytest
from givens import LYON, PARIS, PROGRAMME, log_head

from domain.application import Tremplin
from domain.coaching import (
    CoachingSessionHeld,
    GoalAchieved,
    GoalSet,
    Mentor,
    PeerHelpGiven,
    PrivateNote,
)
from domain.errors import AlreadyExists, GoalNotSet, InvalidValue, NotEnrolled
from domain.ids import trainee_id
from domain.programme import Programme
from domain.trainee import Trainee
from domain.values import PersonalDetails


def test_a_coaching_session_keeps_its_note_in_the_personal_field(
    enrolled: Trainee, mentor: Mentor
) -> None:
    enrolled.hold_coaching_session(mentor, 45, ("cv",), date(2017, 4, 4), note="Peur de l'oral")
    [held] = enrolled.collect_events()
    assert isinstance(held, CoachingSessionHeld)
    assert held.personal == PrivateNote("Peur de l'oral")
    assert (held.mentor_ref, held.duration_minutes, held.topics) == ("M-01", 45, ("cv",))


def test_a_session_of_zero_minutes_names_the_duration_field(
    enrolled: Trainee, mentor: Mentor
) -> None:
    with pytest.raises(InvalidValue, match="1–480 minutes") as refused:
        enrolled.hold_coaching_session(mentor, 0, ("cv",), date(2017, 4, 4))
    assert refused.value.field == "duration_minutes"
    assert enrolled.collect_events() == []


def test_a_session_before_any_enrolment_is_refused(trainee: Trainee, mentor: Mentor) -> None:
    with pytest.raises(NotEnrolled, match="has never enrolled"):
        trainee.hold_coaching_session(mentor, 45, ("cv",), date(2017, 4, 4))


def test_setting_a_goal_keeps_the_trainee_s_words_in_the_personal_field(enrolled: Trainee) -> None:
    enrolled.set_goal("G1", "interview", date(2017, 4, 4), note="Oser parler de mon parcours")
    [goal_set] = enrolled.collect_events()
    assert isinstance(goal_set, GoalSet)
    assert goal_set.personal == PrivateNote("Oser parler de mon parcours")
    assert enrolled.goals == {"G1": None}


def test_achieving_a_goal_never_set_is_refused(enrolled: Trainee) -> None:
    with pytest.raises(GoalNotSet, match="goal G7 was never set for FT-0001"):
        enrolled.achieve_goal("G7", date(2017, 5, 2))
    assert enrolled.collect_events() == []


def test_achieving_a_goal_records_the_day(enrolled: Trainee) -> None:
    enrolled.set_goal("G1", "cv", date(2017, 4, 4))
    enrolled.achieve_goal("G1", date(2017, 5, 2))
    _, achieved = enrolled.collect_events()
    assert isinstance(achieved, GoalAchieved)
    assert enrolled.goals == {"G1": date(2017, 5, 2)}


def test_achieving_a_goal_twice_is_refused(enrolled: Trainee) -> None:
    enrolled.set_goal("G1", "cv", date(2017, 4, 4))
    enrolled.achieve_goal("G1", date(2017, 5, 2))
    enrolled.collect_events()
    with pytest.raises(AlreadyExists, match="already achieved on 2017-05-02"):
        enrolled.achieve_goal("G1", date(2017, 6, 1))
    assert enrolled.goals["G1"] == date(2017, 5, 2)


def test_peer_help_in_a_shared_cohort_is_recorded_on_the_helper(
    enrolled: Trainee, classmate: Trainee
) -> None:
    enrolled.give_peer_help(classmate, PARIS, date(2017, 4, 12))
    [helped] = enrolled.collect_events()
    assert isinstance(helped, PeerHelpGiven)
    assert (helped.helped_ref, helped.cohort_id) == ("FT-0002", PARIS)
    assert classmate.collect_events() == []


def test_peer_help_to_oneself_names_the_helped_field(enrolled: Trainee) -> None:
    with pytest.raises(InvalidValue) as refused:
        enrolled.give_peer_help(enrolled, PARIS, date(2017, 4, 12))
    assert refused.value.field == "helped_ref"
    assert enrolled.collect_events() == []


def test_peer_help_to_someone_outside_the_cohort_is_refused(
    enrolled: Trainee, classmate: Trainee, programme: Programme
) -> None:
    enrolled.enrol(PROGRAMME, programme.cohort(LYON), date(2017, 10, 2))
    enrolled.collect_events()
    with pytest.raises(NotEnrolled, match=f"FT-0002 is not enrolled in {LYON}"):
        enrolled.give_peer_help(classmate, LYON, date(2017, 10, 10))
    assert enrolled.collect_events() == []


def test_peer_help_through_the_app_is_one_event_on_the_helper_s_record(
    running_app: Tremplin,
) -> None:
    running_app.register_trainee("FT-0002", PersonalDetails(), occurred_on=date(2017, 3, 6))
    running_app.enrol("FT-0002", PROGRAMME, PARIS, occurred_on=date(2017, 3, 6))
    head = log_head(running_app) or 0
    running_app.give_peer_help("FT-0001", "FT-0002", PARIS, occurred_on=date(2017, 4, 12))
    [last] = running_app.notification_log.select(head + 1, 10)
    assert (last.topic, last.originator_id) == (
        "domain.coaching:PeerHelpGiven",
        trainee_id("FT-0001"),
    )
