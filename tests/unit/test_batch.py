"""Batches: many commands saved in one transaction at the end; a failed one leaves no trace."""

from __future__ import annotations

from datetime import date

import pytest
from givens import (
    IN_MEMORY,
    PARIS,
    PROGRAMME,
    TODAY,
    log_head,
    topics_after,
    with_an_enrolled_trainee,
)

from domain.application import Tremplin, UnitOfWork
from domain.application.base import command
from domain.errors import AlreadyEnrolled, DomainError
from domain.ids import trainee_id
from domain.trainee import Trainee
from domain.values import PersonalDetails


class TremplinWithAFaultyCommand(Tremplin):
    """Adds a command that records an event and then breaks a rule, as a future one might."""

    @command
    def start_module_then_fail(
        self, uow: UnitOfWork, person_ref: str, *, occurred_on: date, command_id: str | None = None
    ) -> str:
        self.trainee(uow, person_ref).start_module(PARIS, "HALF-DONE", occurred_on)
        raise DomainError("a rule broken after the first event")


def test_commands_in_a_batch_are_saved_together_when_it_ends(running_app: Tremplin) -> None:
    head = log_head(running_app) or 0
    with running_app.batch():
        running_app.start_module("FT-0001", PARIS, "HTML", occurred_on=date(2017, 3, 7))
        done = running_app.complete_module(
            "FT-0001", PARIS, "HTML", 80, occurred_on=date(2017, 4, 1)
        )
        assert log_head(running_app) == head
    assert done.position is None
    assert topics_after(running_app, head) == ["ModuleStarted", "ModuleCompleted"]


def test_a_command_in_a_batch_sees_what_earlier_ones_did(running_app: Tremplin) -> None:
    head = log_head(running_app) or 0
    with running_app.batch():
        running_app.register_trainee("FT-0002", PersonalDetails(), occurred_on=date(2017, 3, 6))
        running_app.enrol("FT-0002", PROGRAMME, PARIS, occurred_on=date(2017, 3, 6))
    assert topics_after(running_app, head) == ["Trainee.Registered", "Trainee.Enrolled"]
    assert PARIS in running_app.repository.get(trainee_id("FT-0002")).enrolments


def test_a_refused_command_in_a_batch_records_nothing_and_the_others_are_kept(
    running_app: Tremplin,
) -> None:
    head = log_head(running_app) or 0
    with running_app.batch():
        running_app.submit_assessment("FT-0001", PARIS, "TMA-1", 72, occurred_on=date(2017, 4, 3))
        with pytest.raises(AlreadyEnrolled):
            running_app.enrol("FT-0001", PROGRAMME, PARIS, occurred_on=date(2017, 4, 3))
    assert topics_after(running_app, head) == ["AssessmentSubmitted"]
    trainee: Trainee = running_app.repository.get(trainee_id("FT-0001"))
    assert (trainee.version, trainee.enrolment(PARIS).assessments_submitted) == (3, {"TMA-1"})


def test_a_command_failing_after_its_first_event_has_that_event_undone() -> None:
    app = TremplinWithAFaultyCommand(env=dict(IN_MEMORY), clock=lambda: TODAY)
    with_an_enrolled_trainee(app)
    head = log_head(app) or 0
    with app.batch():
        app.submit_assessment("FT-0001", PARIS, "TMA-1", 72, occurred_on=date(2017, 4, 3))
        with pytest.raises(DomainError, match="broken after the first event"):
            app.start_module_then_fail("FT-0001", occurred_on=date(2017, 4, 4))
        app.attend_session("FT-0001", PARIS, "S-9", occurred_on=date(2017, 4, 5))
    assert topics_after(app, head) == ["AssessmentSubmitted", "SessionAttended"]
    assert app.repository.get(trainee_id("FT-0001")).version == 4


def test_an_error_escaping_the_batch_records_nothing(running_app: Tremplin) -> None:
    head = log_head(running_app)
    with pytest.raises(AlreadyEnrolled):
        _import_an_assessment_then_a_duplicate_enrolment(running_app)
    assert log_head(running_app) == head


def _import_an_assessment_then_a_duplicate_enrolment(app: Tremplin) -> None:
    with app.batch():
        app.submit_assessment("FT-0001", PARIS, "TMA-1", 72, occurred_on=date(2017, 4, 3))
        app.enrol("FT-0001", PROGRAMME, PARIS, occurred_on=date(2017, 4, 3))


def test_a_batch_inside_a_batch_is_refused_and_the_outer_one_kept(app: Tremplin) -> None:
    with app.batch():
        app.register_trainee("FT-0001", PersonalDetails(), occurred_on=date(2017, 3, 6))
        with pytest.raises(RuntimeError, match="do not nest"), app.batch():
            pass  # pragma: no cover - never entered
    assert topics_after(app, 0) == ["Trainee.Registered"]
