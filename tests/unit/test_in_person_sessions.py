"""In-person sessions: a trainer schedules one with a 6-digit code, a trainee checks in with
it on the day (given events → command → events or a refusal; then the XP it earns)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from givens import ENROLLED_ON, LYON, PARIS, log_head, topics_after, with_an_enrolled_trainee

from domain.application import Tremplin
from domain.errors import (
    AlreadyExists,
    InvalidValue,
    NotEnrolled,
    NotFound,
    OccurredInFuture,
)
from domain.ids import in_person_session_id
from domain.learning import SessionAttended
from domain.programme import Targets
from domain.sessions import InPersonSession, new_session_code
from domain.values import LeftReason, Period, PersonalDetails
from projections.gamification import Gamification, xp_of
from projections.runner import catch_up, prepare
from projections.store import ViewStore

WORKSHOP_DAY = date(2017, 3, 8)
JOB_DAY = date(2017, 3, 15)
CODE = "042917"
SCHEDULED_ON = date(2017, 3, 1)


@pytest.fixture
def app(app: Tremplin) -> Tremplin:
    """ORT-FR-2017 with Paris (March–September 2017), FT-0001 enrolled, and the CV workshop
    S-CV scheduled in Paris on 8 March 2017 with the code 042917."""
    with_an_enrolled_trainee(app)
    app.schedule_session(PARIS, "S-CV", "Atelier CV", WORKSHOP_DAY, CODE, occurred_on=SCHEDULED_ON)
    return app


def recorded_after(app: Tremplin, position: int) -> list[object]:
    return [
        app.mapper.to_domain_event(n)
        for n in app.recorder.select_notifications(start=position + 1, limit=100)
    ]


def test_scheduling_records_the_session_under_its_cohort_day_and_code(
    app: Tremplin,
) -> None:
    head = log_head(app) or 0
    result = app.schedule_session(
        PARIS, "S-JOB", "  Atelier emploi ", JOB_DAY, "731406", occurred_on=SCHEDULED_ON
    )
    [scheduled] = recorded_after(app, head)
    assert isinstance(scheduled, InPersonSession.Scheduled)
    assert scheduled.originator_id == in_person_session_id(PARIS, JOB_DAY, "731406")
    assert (scheduled.cohort_id, scheduled.session_id, scheduled.title) == (
        PARIS,
        "S-JOB",
        "Atelier emploi",
    )
    assert (scheduled.on, scheduled.code, scheduled.occurred_on) == (
        JOB_DAY,
        "731406",
        SCHEDULED_ON,
    )
    assert result.result == "S-JOB"


@pytest.mark.parametrize("code", ["42917", "0429170", "04291a", " 042917", "04 917", ""])
def test_a_code_that_is_not_six_digits_is_refused_naming_the_code(app: Tremplin, code: str) -> None:
    head = log_head(app)
    with pytest.raises(InvalidValue, match="6 digits") as refused:
        app.schedule_session(
            PARIS, "S-CV", "Atelier CV", WORKSHOP_DAY, code, occurred_on=SCHEDULED_ON
        )
    assert refused.value.field == "code"
    assert log_head(app) == head


def test_a_second_session_with_the_same_cohort_day_and_code_is_refused(app: Tremplin) -> None:
    head = log_head(app)
    with pytest.raises(AlreadyExists, match=f"{PARIS} already has a session with this code"):
        app.schedule_session(
            PARIS, "S-JOB", "Atelier emploi", WORKSHOP_DAY, CODE, occurred_on=SCHEDULED_ON
        )
    assert log_head(app) == head


def test_the_same_code_on_another_day_is_another_session(app: Tremplin) -> None:
    head = log_head(app) or 0
    app.schedule_session(
        PARIS, "S-JOB", "Atelier emploi", date(2017, 3, 9), CODE, occurred_on=SCHEDULED_ON
    )
    assert topics_after(app, head) == ["InPersonSession.Scheduled"]


def test_a_session_outside_the_cohort_s_dates_names_the_day_field(app: Tremplin) -> None:
    with pytest.raises(InvalidValue, match="2017-10-02 is outside cohort") as refused:
        app.schedule_session(
            PARIS, "S-CV", "Atelier CV", date(2017, 10, 2), CODE, occurred_on=SCHEDULED_ON
        )
    assert refused.value.field == "on"


def test_a_session_for_a_cohort_that_does_not_exist_is_not_found(app: Tremplin) -> None:
    with pytest.raises(NotFound, match="there is no cohort NANTES-2017"):
        app.schedule_session(
            "NANTES-2017", "S-CV", "Atelier CV", WORKSHOP_DAY, CODE, occurred_on=SCHEDULED_ON
        )


def test_a_session_may_be_scheduled_for_a_day_after_today_but_not_on_a_future_day(
    app: Tremplin,
) -> None:
    today = app.clock()  # 1 January 2019
    app.launch_programme(
        "ORT-FR-2019", "ORT 2019", ("ORT",), Period(date(2018, 6, 1), date(2019, 12, 31)),
        Targets(), occurred_on=date(2018, 6, 1),
    )  # fmt: skip
    school_year = Period(date(2018, 9, 3), date(2019, 6, 28))
    app.open_cohort(
        "ORT-FR-2019", "PARIS-2019", "developer", school_year, occurred_on=date(2018, 6, 1)
    )
    next_week = date(2019, 1, 8)
    head = log_head(app) or 0
    app.schedule_session("PARIS-2019", "S-1", "Atelier", next_week, CODE, occurred_on=today)
    assert topics_after(app, head) == ["InPersonSession.Scheduled"]
    with pytest.raises(OccurredInFuture):
        app.schedule_session(
            "PARIS-2019", "S-2", "Atelier", next_week, "111111", occurred_on=next_week
        )


def test_an_empty_title_is_refused(app: Tremplin) -> None:
    with pytest.raises(InvalidValue) as refused:
        app.schedule_session(PARIS, "S-CV", "   ", WORKSHOP_DAY, CODE, occurred_on=SCHEDULED_ON)
    assert refused.value.field == "title"


def test_new_session_codes_are_six_digits_and_vary() -> None:
    codes = [new_session_code() for _ in range(200)]
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert len(set(codes)) > 190  # 200 draws from a million: repeats are rare


def test_checking_in_with_the_day_s_code_records_the_session_on_the_trainee(
    app: Tremplin,
) -> None:
    head = log_head(app) or 0
    result = app.check_in("FT-0001", PARIS, CODE, occurred_on=WORKSHOP_DAY)
    [attended] = recorded_after(app, head)
    assert isinstance(attended, SessionAttended)
    assert (attended.cohort_id, attended.session_id, attended.occurred_on) == (
        PARIS,
        "S-CV",
        WORKSHOP_DAY,
    )
    assert result.result == "S-CV"


@pytest.mark.parametrize(
    ("cohort", "code", "day"),
    [
        (PARIS, "042918", WORKSHOP_DAY),  # a wrong code
        (PARIS, CODE, date(2017, 3, 9)),  # the right code, the next day
        (LYON, CODE, WORKSHOP_DAY),  # the code of another cohort
    ],
)
def test_a_code_that_opens_no_session_of_the_cohort_that_day_is_not_found(
    app: Tremplin, cohort: str, code: str, day: date
) -> None:
    head = log_head(app)
    with pytest.raises(NotFound, match="no session with this code today"):
        app.check_in("FT-0001", cohort, code, occurred_on=day)
    assert log_head(app) == head


def test_a_check_in_with_a_malformed_code_names_the_code(app: Tremplin) -> None:
    with pytest.raises(InvalidValue) as refused:
        app.check_in("FT-0001", PARIS, "42 917", occurred_on=WORKSHOP_DAY)
    assert refused.value.field == "code"


def test_a_trainee_outside_the_cohort_cannot_check_in(app: Tremplin) -> None:
    app.register_trainee("FT-0002", PersonalDetails(), occurred_on=ENROLLED_ON)
    with pytest.raises(NotEnrolled, match=f"FT-0002 is not enrolled in {PARIS}"):
        app.check_in("FT-0002", PARIS, CODE, occurred_on=WORKSHOP_DAY)


def test_a_check_in_after_leaving_the_cohort_is_refused(app: Tremplin) -> None:
    app.leave("FT-0001", PARIS, LeftReason.DROPPED_OUT, occurred_on=date(2017, 4, 3))
    app.schedule_session(
        PARIS, "S-JOB", "Atelier emploi", date(2017, 4, 10), CODE, occurred_on=SCHEDULED_ON
    )
    with pytest.raises(InvalidValue, match="after leaving"):
        app.check_in("FT-0001", PARIS, CODE, occurred_on=date(2017, 4, 10))


def test_a_check_in_replayed_with_its_command_id_records_once(app: Tremplin) -> None:
    head = log_head(app) or 0
    first = app.check_in("FT-0001", PARIS, CODE, occurred_on=WORKSHOP_DAY, command_id="phone-1")
    again = app.check_in("FT-0001", PARIS, CODE, occurred_on=WORKSHOP_DAY, command_id="phone-1")
    assert topics_after(app, head) == ["SessionAttended", "CommandRecord.Accepted"]
    assert (first.replayed, again.replayed, again.result) == (False, True, "S-CV")


def test_a_check_in_earns_the_session_xp_once(app: Tremplin, tmp_path: Path) -> None:
    app.check_in("FT-0001", PARIS, CODE, occurred_on=WORKSHOP_DAY)
    app.check_in("FT-0001", PARIS, CODE, occurred_on=WORKSHOP_DAY)  # a second tap
    views = ViewStore(tmp_path / "views.sqlite")
    prepare(views, Gamification())
    catch_up(app, views, Gamification())
    with views.transaction() as connection:
        assert xp_of(connection, "FT-0001") == (20, 1)
    views.close()
