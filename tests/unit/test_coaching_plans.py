"""Coaching plans and thanks to a peer: the commands (given events → command → events or a
refusal), then the coaching view a trainee reads and the XP their peer earns."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from givens import ENROLLED_ON, LYON, PARIS, PROGRAMME, log_head, with_an_enrolled_trainee

from domain.application import Tremplin
from domain.coaching import CoachingSessionPlanned, PeerHelpGiven
from domain.errors import InvalidValue, NotEnrolled, NotFound, OccurredInFuture
from domain.ids import trainee_id
from domain.values import PersonalDetails
from projections.coaching_plans import (
    CoachingPlans,
    CoachingView,
    Goal,
    HeldSession,
    PlannedSession,
    coaching_of,
)
from projections.gamification import Gamification, xp_of
from projections.runner import catch_up, prepare
from projections.store import ViewStore

APRIL_3, APRIL_5, APRIL_12, APRIL_19 = (date(2017, 4, d) for d in (3, 5, 12, 19))
SECRET_GOAL = "Oser parler de mon parcours"


@pytest.fixture
def app(app: Tremplin) -> Tremplin:
    """FT-0001 and FT-0002 enrolled in Paris on 6 March 2017; mentors M-01 and M-02."""
    with_an_enrolled_trainee(app)
    app.register_trainee("FT-0002", PersonalDetails(), occurred_on=ENROLLED_ON)
    app.enrol("FT-0002", PROGRAMME, PARIS, occurred_on=ENROLLED_ON)
    for mentor in ("M-01", "M-02"):
        app.register_mentor(mentor, ("cv",), PersonalDetails(), occurred_on=date(2017, 2, 1))
    return app


@pytest.fixture
def views(tmp_path: Path) -> Iterator[ViewStore]:
    store = ViewStore(tmp_path / "views.sqlite")
    prepare(store, CoachingPlans())
    yield store
    store.close()


def recorded_after(app: Tremplin, position: int) -> list[object]:
    return [
        app.mapper.to_domain_event(n)
        for n in app.recorder.select_notifications(start=position + 1, limit=100)
    ]


def test_planning_a_session_records_it_on_the_trainee(app: Tremplin) -> None:
    head = log_head(app) or 0
    result = app.plan_coaching_session("FT-0001", "M-01", APRIL_12, occurred_on=APRIL_3)
    [planned] = recorded_after(app, head)
    assert isinstance(planned, CoachingSessionPlanned)
    assert planned.originator_id == trainee_id("FT-0001")
    assert (planned.mentor_ref, planned.on, planned.occurred_on) == ("M-01", APRIL_12, APRIL_3)
    assert result.result == "2017-04-12"


def test_a_session_may_be_planned_after_today(app: Tremplin) -> None:
    today = app.clock()  # 1 January 2019
    head = log_head(app) or 0
    app.plan_coaching_session("FT-0001", "M-01", date(2019, 1, 15), occurred_on=today)
    [planned] = recorded_after(app, head)
    assert isinstance(planned, CoachingSessionPlanned)
    assert planned.on == date(2019, 1, 15)


def test_planning_on_a_future_day_is_refused(app: Tremplin) -> None:
    with pytest.raises(OccurredInFuture):
        app.plan_coaching_session(
            "FT-0001", "M-01", date(2019, 1, 15), occurred_on=date(2019, 1, 2)
        )


def test_a_plan_for_a_day_already_past_names_the_day_field(app: Tremplin) -> None:
    head = log_head(app)
    with pytest.raises(InvalidValue, match="before the day it is planned") as refused:
        app.plan_coaching_session("FT-0001", "M-01", APRIL_3, occurred_on=APRIL_5)
    assert refused.value.field == "on"
    assert log_head(app) == head


def test_a_plan_with_an_unknown_mentor_is_not_found(app: Tremplin) -> None:
    with pytest.raises(NotFound, match="there is no mentor M-99"):
        app.plan_coaching_session("FT-0001", "M-99", APRIL_12, occurred_on=APRIL_3)


def test_a_plan_for_someone_never_enrolled_is_refused(app: Tremplin) -> None:
    app.register_trainee("FT-0003", PersonalDetails(), occurred_on=ENROLLED_ON)
    with pytest.raises(NotEnrolled, match="planning a coaching session needs an enrolment"):
        app.plan_coaching_session("FT-0003", "M-01", APRIL_12, occurred_on=APRIL_3)


def test_thanking_a_peer_records_the_help_on_the_peer_s_record(app: Tremplin) -> None:
    head = log_head(app) or 0
    result = app.thank_peer("FT-0001", "FT-0002", PARIS, occurred_on=APRIL_5)
    [helped] = recorded_after(app, head)
    assert isinstance(helped, PeerHelpGiven)
    assert helped.originator_id == trainee_id("FT-0002")
    assert (helped.helped_ref, helped.cohort_id, helped.occurred_on) == (
        "FT-0001",
        PARIS,
        APRIL_5,
    )
    assert result.result == "FT-0002"


def test_thanking_oneself_names_the_peer_field(app: Tremplin) -> None:
    with pytest.raises(InvalidValue) as refused:
        app.thank_peer("FT-0001", "FT-0001", PARIS, occurred_on=APRIL_5)
    assert refused.value.field == "peer_ref"


def test_thanking_someone_never_registered_is_not_found(app: Tremplin) -> None:
    with pytest.raises(NotFound, match="FT-0404 is not registered"):
        app.thank_peer("FT-0001", "FT-0404", PARIS, occurred_on=APRIL_5)


def test_thanking_a_peer_from_another_cohort_is_refused(app: Tremplin) -> None:
    with pytest.raises(NotEnrolled, match=f"not enrolled in {LYON}"):
        app.thank_peer("FT-0001", "FT-0002", LYON, occurred_on=APRIL_5)


def test_the_thanked_peer_earns_the_peer_help_xp_and_the_thanker_none(
    app: Tremplin, tmp_path: Path
) -> None:
    app.thank_peer("FT-0001", "FT-0002", PARIS, occurred_on=APRIL_5)
    views = ViewStore(tmp_path / "xp.sqlite")
    prepare(views, Gamification())
    catch_up(app, views, Gamification())
    with views.transaction() as connection:
        assert xp_of(connection, "FT-0002") == (15, 1)
        assert xp_of(connection, "FT-0001") == (0, 1)
    views.close()


@pytest.fixture
def coached(app: Tremplin) -> Tremplin:
    """FT-0001 with M-01 as mentor, sessions planned on 5 and 12 April (M-01), 19 April
    (M-02), the first held on 5 April; goals G1 (cv, achieved 20 April) and G2 (interview)."""
    app.assign_mentor("FT-0001", "M-01", occurred_on=date(2017, 3, 10))
    for day, mentor in ((APRIL_5, "M-01"), (APRIL_12, "M-01"), (APRIL_19, "M-02")):
        app.plan_coaching_session("FT-0001", mentor, day, occurred_on=APRIL_3)
    app.plan_coaching_session("FT-0001", "M-01", APRIL_12, occurred_on=APRIL_5)  # agreed again
    app.hold_coaching_session("FT-0001", "M-01", 45, ("cv", "entretien"), occurred_on=APRIL_5)
    app.set_goal("FT-0001", "G1", "cv", occurred_on=APRIL_5)
    app.set_goal("FT-0001", "G2", "interview", SECRET_GOAL, occurred_on=APRIL_5)
    app.achieve_goal("FT-0001", "G1", occurred_on=date(2017, 4, 20))
    return app


def project(app: Tremplin, views: ViewStore) -> ViewStore:
    catch_up(app, views, CoachingPlans())
    return views


def test_the_coaching_view_shows_the_mentor_last_session_and_goals(
    coached: Tremplin, views: ViewStore
) -> None:
    assert coaching_of(project(coached, views), "FT-0001", APRIL_5) == CoachingView(
        person_ref="FT-0001",
        mentor_ref="M-01",
        next_session=PlannedSession(APRIL_12, "M-01"),
        last_session=HeldSession(APRIL_5, "M-01", 45, ("cv", "entretien")),
        goals=[
            Goal("G1", "cv", APRIL_5, date(2017, 4, 20)),
            Goal("G2", "interview", APRIL_5, None),
        ],
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (APRIL_3, PlannedSession(APRIL_12, "M-01")),  # the 5th was held: it is not next
        (APRIL_12, PlannedSession(APRIL_12, "M-01")),  # planned for today and not held yet
        (date(2017, 4, 13), PlannedSession(APRIL_19, "M-02")),
        (date(2017, 4, 20), None),  # nothing planned from then on
    ],
)
def test_the_next_session_is_the_earliest_planned_from_today_not_held(
    coached: Tremplin, views: ViewStore, today: date, expected: PlannedSession | None
) -> None:
    assert coaching_of(project(coached, views), "FT-0001", today).next_session == expected


def test_goals_split_into_open_and_achieved(coached: Tremplin, views: ViewStore) -> None:
    view = coaching_of(project(coached, views), "FT-0001", APRIL_5)
    assert [goal.goal_id for goal in view.open_goals] == ["G2"]
    assert [goal.goal_id for goal in view.achieved_goals] == ["G1"]


def test_the_latest_session_held_is_the_last_one(coached: Tremplin, views: ViewStore) -> None:
    coached.hold_coaching_session("FT-0001", "M-02", 30, (), occurred_on=APRIL_19)
    view = coaching_of(project(coached, views), "FT-0001", APRIL_19)
    assert view.last_session == HeldSession(APRIL_19, "M-02", 30, ())
    assert view.next_session is None  # the 19th's plan is now held


def test_someone_without_coaching_gets_an_empty_view(coached: Tremplin, views: ViewStore) -> None:
    project(coached, views)
    assert coaching_of(views, "FT-0002", APRIL_5) == CoachingView("FT-0002", None, None, None, [])
    assert coaching_of(views, "FT-0404", APRIL_5) == CoachingView("FT-0404", None, None, None, [])


def test_the_goal_in_the_trainee_s_words_never_reaches_the_view(
    coached: Tremplin, views: ViewStore
) -> None:
    project(coached, views)
    with sqlite3.connect(views.path) as connection:
        rows = [
            repr(row)
            for table in CoachingPlans.tables
            for row in connection.execute(f"SELECT * FROM {table}")
        ]
    assert len(rows) == 8  # 2 people, 3 plans (agreed again: once), 1 session held, 2 goals
    assert not any(SECRET_GOAL in row for row in rows)
