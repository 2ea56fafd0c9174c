"""Filtering the log on either clock, by position, and by the person an event names."""

from __future__ import annotations

from datetime import date, timedelta

from givens import ENROLLED_ON, PARIS, PROGRAMME, in_memory_app, with_an_enrolled_trainee

from domain.application import Tremplin
from domain.values import PersonalDetails
from infra.event_log import LogFilter, read_log

HELPED_ON = date(2017, 4, 3)


def given_two_trainees() -> Tremplin:
    """1 Launched (2017-01-02), 2 CohortOpened (2017-02-01), 3 Claimed (no day),
    4-5 FT-0001 Registered and Enrolled, 6-7 FT-0002 the same (2017-03-06),
    8 FT-0002 helps FT-0001 (2017-04-03)."""
    app = with_an_enrolled_trainee(in_memory_app())
    app.register_trainee("FT-0002", PersonalDetails(), occurred_on=ENROLLED_ON)
    app.enrol("FT-0002", PROGRAMME, PARIS, occurred_on=ENROLLED_ON)
    app.give_peer_help("FT-0002", "FT-0001", PARIS, occurred_on=HELPED_ON)
    return app


def positions(app: Tremplin, selection: LogFilter) -> list[int]:
    return [position for position, _, _ in read_log(app, selection)]


def test_the_occurred_clock_bounds_the_day_of_the_fact_and_leaves_out_events_without_one() -> None:
    app = given_two_trainees()
    assert positions(app, LogFilter(occurred_from=date(2017, 2, 1))) == [2, 4, 5, 6, 7, 8]
    assert positions(app, LogFilter(occurred_to=date(2017, 3, 5))) == [1, 2]
    between = LogFilter(occurred_from=ENROLLED_ON, occurred_to=ENROLLED_ON)
    assert positions(app, between) == [4, 5, 6, 7]
    assert 3 in positions(app, LogFilter())  # the claim has no day: only a day filter drops it


def test_the_recorded_clock_bounds_the_moment_of_recording() -> None:
    app = given_two_trainees()
    moments = {position: event.timestamp for position, _, event in read_log(app, LogFilter())}
    # Two events may share a microsecond: the expected lists are read from the moments.
    since = [p for p, moment in moments.items() if moment >= moments[6]]
    until = [p for p, moment in moments.items() if moment <= moments[2]]
    assert positions(app, LogFilter(recorded_from=moments[6])) == since
    assert positions(app, LogFilter(recorded_to=moments[2])) == until
    assert (since[-3:], since[0] > 1) == ([6, 7, 8], True)
    assert (until[:2], until[-1] < 8) == ([1, 2], True)
    later = moments[8] + timedelta(microseconds=1)
    assert positions(app, LogFilter(recorded_from=later)) == []


def test_both_clocks_and_positions_together() -> None:
    app = given_two_trainees()
    moments = {position: event.timestamp for position, _, event in read_log(app, LogFilter())}
    selection = LogFilter(first=3, last=7, occurred_from=ENROLLED_ON, recorded_to=moments[6])
    expected = [p for p in (4, 5, 6, 7) if moments[p] <= moments[6]]
    assert positions(app, selection) == expected
    assert expected[:3] == [4, 5, 6]


def test_a_person_is_found_on_their_record_and_wherever_an_event_names_them() -> None:
    app = given_two_trainees()
    assert positions(app, LogFilter(person_ref="FT-0001")) == [4, 5, 8]  # 8: FT-0002's help
    assert positions(app, LogFilter(person_ref="FT-0002")) == [6, 7, 8]
    assert positions(app, LogFilter(person_ref="FT-9999")) == []
