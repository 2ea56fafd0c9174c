"""Learner paths (given events → then view rows): steps done and to do, progress, next step,
and the timeline of each enrolment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder
from givens import ENROLLED_ON, LYON, LYON_PERIOD, PARIS, PARIS_PERIOD, PROGRAMME, PROGRAMME_PERIOD

from domain.coaching import Mentor
from domain.learning import CertificationScheme
from domain.programme import PathStep, Programme, StepKind, Targets
from domain.trainee import Trainee
from domain.values import FinalResult, LeftReason, PersonalDetails
from infra.mapper import MsgspecMapper
from projections.learner_paths import LearnerPaths, path_of
from projections.store import ViewStore

PARIS_PATH = (
    PathStep("TMA-1", StepKind.ASSESSMENT, "TMA 1", date(2017, 4, 1), 20.0),
    PathStep("HTML", StepKind.MODULE, "HTML et CSS", date(2017, 5, 1), None),
    PathStep("TMA-2", StepKind.ASSESSMENT, "TMA 2", date(2017, 6, 1), 30.0),
)
SECRET = "Awa Diop"


class Views:
    """The learner path tables in a scratch SQLite file, fed events as the runner would."""

    def __init__(self, path: Path) -> None:
        self.store = ViewStore(path)
        self.projection = LearnerPaths()
        self.position = 0
        with self.store.transaction() as connection:
            self.projection.create(connection)

    def record(self, *aggregates: Aggregate) -> None:
        """Apply the aggregates' new events, aggregate after aggregate, at the next positions."""
        with self.store.transaction() as connection:
            for aggregate in aggregates:
                for event in aggregate.collect_events():
                    self.position += 1
                    self.projection.apply(connection, event, self.position)

    def rows(self) -> dict[str, list[tuple[object, ...]]]:
        return {
            table: [tuple(row) for row in self.store.query(f"SELECT * FROM {table} ORDER BY 1, 2")]
            for table in self.projection.tables
        }


@pytest.fixture
def views(tmp_path: Path) -> Iterator[Views]:
    views = Views(tmp_path / "views.sqlite")
    yield views
    views.store.close()


@pytest.fixture
def programme() -> Programme:
    """ORT-FR-2017 with Paris (a 3-step path) and Lyon (no path yet) open."""
    programme = Programme.launch(
        PROGRAMME, "ORT France", (), PROGRAMME_PERIOD, Targets(), occurred_on=date(2017, 1, 2)
    )
    programme.open_cohort(PARIS, "développeur web", PARIS_PERIOD, date(2017, 2, 1))
    programme.open_cohort(LYON, "technicien réseau", LYON_PERIOD, date(2017, 2, 1))
    programme.define_path(PARIS, PARIS_PATH, date(2017, 2, 1))
    return programme


@pytest.fixture
def awa(programme: Programme) -> Trainee:
    """FT-0001, enrolled in Paris on 6 March 2017 (events not yet recorded)."""
    trainee = Trainee.register("FT-0001", "FT-75", PersonalDetails(full_name=SECRET), ENROLLED_ON)
    trainee.enrol(PROGRAMME, programme.cohort(PARIS), ENROLLED_ON)
    return trainee


def test_two_of_three_steps_done_is_66_7_percent_and_the_third_is_next(
    views: Views, programme: Programme, awa: Trainee
) -> None:
    awa.submit_assessment(PARIS, "TMA-1", 72.0, False, date(2017, 3, 30))
    awa.complete_module(PARIS, "HTML", 87.5, date(2017, 4, 20))
    views.record(programme, awa)
    [paris] = path_of(views.store, "FT-0001")
    assert (paris.cohort_id, paris.programme_code) == (PARIS, PROGRAMME)
    assert [(s.step_id, s.done, s.done_on) for s in paris.steps] == [
        ("TMA-1", True, date(2017, 3, 30)),
        ("HTML", True, date(2017, 4, 20)),
        ("TMA-2", False, None),
    ]
    assert (paris.done, paris.remaining, paris.progress) == (2, 1, 66.7)
    assert paris.next_step is not None
    assert (paris.next_step.step_id, paris.next_step.due_on) == ("TMA-2", date(2017, 6, 1))
    assert (paris.steps[0].kind, paris.steps[0].weight) == ("assessment", 20.0)


def test_a_credited_assessment_counts_as_done(
    views: Views, programme: Programme, awa: Trainee
) -> None:
    awa.submit_assessment(PARIS, "TMA-2", 64.0, True, date(2016, 11, 20))  # earned before
    views.record(programme, awa)
    [paris] = path_of(views.store, "FT-0001")
    assert [s.step_id for s in paris.steps if s.done] == ["TMA-2"]
    assert (paris.progress, paris.next_step and paris.next_step.step_id) == (33.3, "TMA-1")
    labels = [entry.label for entry in paris.timeline]
    assert labels[0] == "Assessment TMA-2 credited from an earlier attempt, score 64"


def test_the_timeline_follows_the_day_things_happened_not_the_order_they_were_recorded(
    views: Views, programme: Programme, awa: Trainee
) -> None:
    awa.complete_module(PARIS, "HTML", None, date(2017, 4, 1))
    awa.attempt_simulation(PARIS, "SIM-1", 64.0, date(2017, 5, 2))
    awa.attend_session(PARIS, "S-1", date(2017, 3, 8))  # synced late from a phone
    awa.submit_assessment(PARIS, "TMA-1", None, False, date(2017, 4, 1))
    awa.leave(PARIS, LeftReason.COMPLETED, date(2017, 9, 30), FinalResult.PASS)
    views.record(programme, awa)
    [paris] = path_of(views.store, "FT-0001")
    assert [(e.occurred_on, e.kind, e.label) for e in paris.timeline] == [
        (date(2017, 3, 6), "enrolled", f"Enrolled in {PARIS}"),
        (date(2017, 3, 8), "session", "Session S-1 attended"),
        (date(2017, 4, 1), "module_completed", "Module HTML completed, not marked"),
        (date(2017, 4, 1), "assessment", "Assessment TMA-1 submitted, not marked"),
        (date(2017, 5, 2), "simulation", "Job simulation SIM-1, score 64"),
        (date(2017, 9, 30), "left", f"Left {PARIS}: completed (pass)"),
    ]
    assert [e.position for e in paris.timeline] == [6, 9, 7, 10, 8, 11]  # 1-5: set-up
    assert paris.left_on == date(2017, 9, 30)


def test_a_step_done_twice_keeps_the_first_day_it_was_done(
    views: Views, programme: Programme, awa: Trainee
) -> None:
    awa.complete_module(PARIS, "HTML", 40.0, date(2017, 4, 20))
    awa.complete_module(PARIS, "HTML", 90.0, date(2017, 4, 2))  # recorded later, happened first
    views.record(programme, awa)
    [paris] = path_of(views.store, "FT-0001")
    assert paris.steps[1].done_on == date(2017, 4, 2)
    progress = views.rows()["learner_path_progress"]
    assert progress == [("FT-0001", PARIS, "module", "HTML", "2017-04-02", 8)]


def test_a_person_in_two_cohorts_has_two_paths_and_coaching_shows_where_it_happened(
    views: Views, programme: Programme, awa: Trainee
) -> None:
    awa.submit_assessment(PARIS, "TMA-1", 72.0, False, date(2017, 3, 30))
    awa.leave(PARIS, LeftReason.DROPPED_OUT, date(2017, 5, 31))
    awa.enrol(PROGRAMME, programme.cohort(LYON), date(2017, 10, 2))
    mentor = Mentor.register("M-01", ("cv",), PersonalDetails(full_name="Jo"), date(2017, 1, 5))
    awa.hold_coaching_session(mentor, 45, ("cv",), date(2017, 10, 9), note="Stressée")
    awa.set_goal("G1", "interview", date(2017, 7, 1), note="Oser parler")  # between cohorts
    programme.define_path(
        LYON, (PathStep("TOSA Excel", StepKind.CERTIFICATION, "TOSA Excel"),), date(2017, 9, 1)
    )
    awa.record_certification(LYON, CertificationScheme.TOSA, "TOSA Excel", 612.0, date(2018, 1, 5))
    views.record(programme, mentor, awa)
    paris, lyon = path_of(views.store, "FT-0001")
    assert (paris.cohort_id, paris.progress, lyon.cohort_id, lyon.progress) == (
        PARIS,
        33.3,
        LYON,
        100.0,
    )
    assert lyon.next_step is None
    assert [e.kind for e in paris.timeline] == ["enrolled", "assessment", "left", "goal_set"]
    assert [e.label for e in lyon.timeline] == [
        f"Enrolled in {LYON}",
        "Coaching session with M-01, 45 min: cv",
        "Certification TOSA Excel, score 612, opérationnel: passed",
    ]


def test_a_failed_certification_leaves_its_step_to_do(
    views: Views, programme: Programme, awa: Trainee
) -> None:
    programme.define_path(PARIS, (PathStep("ICDL", StepKind.CERTIFICATION, "ICDL"),), ENROLLED_ON)
    awa.record_certification(PARIS, CertificationScheme.ICDL, "ICDL", 60.0, date(2017, 6, 1))
    views.record(programme, awa)
    [paris] = path_of(views.store, "FT-0001")
    assert (paris.done, paris.remaining, paris.progress) == (0, 1, 0.0)
    assert paris.timeline[-1].label == "Certification ICDL, score 60: not passed"


def test_a_redefined_path_replaces_the_steps_and_keeps_what_was_already_done(
    views: Views, programme: Programme, awa: Trainee
) -> None:
    awa.submit_assessment(PARIS, "TMA-2", 55.0, False, date(2017, 5, 30))
    views.record(programme, awa)
    shorter = (PARIS_PATH[2], PathStep("S-9", StepKind.SESSION, "Mock interview"))
    programme.define_path(PARIS, shorter, date(2017, 6, 2))
    views.record(programme)
    [paris] = path_of(views.store, "FT-0001")
    assert [(s.step_id, s.done) for s in paris.steps] == [("TMA-2", True), ("S-9", False)]
    assert (paris.progress, paris.next_step and paris.next_step.title) == (50.0, "Mock interview")


def test_a_cohort_without_a_path_has_no_progress_and_no_next_step(
    views: Views, programme: Programme
) -> None:
    lina = Trainee.register("FT-0002", None, PersonalDetails(), ENROLLED_ON)
    lina.enrol(PROGRAMME, programme.cohort(LYON), date(2017, 10, 2))
    views.record(programme, lina)
    [lyon] = path_of(views.store, "FT-0002")
    assert (lyon.steps, lyon.done, lyon.remaining, lyon.progress, lyon.next_step) == (
        [],
        0,
        0,
        None,
        None,
    )
    assert path_of(views.store, "FT-9999") == []


def test_rebuilding_from_the_same_events_gives_identical_rows(
    tmp_path: Path, programme: Programme, awa: Trainee
) -> None:
    awa.submit_assessment(PARIS, "TMA-1", 72.0, False, date(2017, 3, 30))
    awa.complete_module(PARIS, "HTML", 87.5, date(2017, 4, 20))
    awa.set_goal("G1", "cv", date(2017, 4, 4), note="Refaire mon CV")
    awa.leave(PARIS, LeftReason.FOUND_WORK, date(2017, 6, 1))
    events = [*programme.collect_events(), *awa.collect_events()]
    first, again = Views(tmp_path / "first.sqlite"), Views(tmp_path / "again.sqlite")
    for views in (first, again):
        with views.store.transaction() as connection:
            for position, event in enumerate(events, start=1):
                views.projection.apply(connection, event, position)
    assert first.rows() == again.rows()
    assert [len(rows) for rows in first.rows().values()] == [1, 1, 3, 2, 5]


def test_no_personal_data_reaches_the_tables(
    views: Views, programme: Programme, awa: Trainee
) -> None:
    awa.set_goal("G1", "cv", date(2017, 4, 4), note="Refaire mon CV")
    views.record(programme, awa)
    everything = repr(views.rows())
    assert "FT-0001" in everything
    assert SECRET not in everything
    assert "Refaire" not in everything


def test_a_defined_path_read_back_from_the_log_keeps_its_kinds_and_dates() -> None:
    programme = Programme.launch(
        PROGRAMME, "ORT France", (), PROGRAMME_PERIOD, Targets(), occurred_on=date(2017, 1, 2)
    )
    programme.open_cohort(PARIS, "développeur web", PARIS_PERIOD, date(2017, 2, 1))
    programme.define_path(PARIS, PARIS_PATH, date(2017, 2, 1))
    defined = programme.collect_events()[-1]
    mapper = MsgspecMapper(transcoder=JSONTranscoder())
    again = mapper.to_domain_event(mapper.to_stored_event(defined))
    assert isinstance(again, Programme.PathDefined)
    assert again.steps == PARIS_PATH
    assert (type(again.steps[0]), type(again.steps[0].kind)) == (PathStep, StepKind)
    assert again.steps[1].due_on == date(2017, 5, 1)


def test_an_enrolment_that_ended_offers_no_next_step(
    views: Views, programme: Programme, awa: Trainee
) -> None:
    awa.submit_assessment(PARIS, "TMA-1", 72.0, False, date(2017, 3, 30))
    awa.leave(PARIS, LeftReason.DROPPED_OUT, date(2017, 4, 2))
    views.record(programme, awa)
    [paris] = path_of(views.store, "FT-0001")
    assert (paris.left_on, paris.remaining, paris.next_step) == (date(2017, 4, 2), 2, None)
