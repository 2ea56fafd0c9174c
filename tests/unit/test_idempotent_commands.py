"""A client command id makes a command idempotent: a replay changes nothing, a reuse conflicts."""

from __future__ import annotations

from datetime import date

import pytest
from givens import PARIS, log_head

from domain.application import CommandResult, Tremplin
from domain.errors import CommandConflict, OccurredInFuture
from domain.ids import trainee_id
from domain.trainee import Trainee
from domain.values import PersonalDetails


def _submit(app: Tremplin, score: float, command_id: str = "cmd-1") -> CommandResult:
    return app.submit_assessment(
        "FT-0001", PARIS, "TMA-1", score, occurred_on=date(2017, 4, 3), command_id=command_id
    )


def test_the_same_command_sent_twice_is_replayed_without_new_events(running_app: Tremplin) -> None:
    first = _submit(running_app, 72)
    head = log_head(running_app)
    second = _submit(running_app, 72)
    assert (first.result, first.replayed) == ("TMA-1", False)
    assert (second.result, second.replayed) == ("TMA-1", True)
    assert log_head(running_app) == head


def test_reusing_a_command_id_for_other_content_conflicts_and_records_nothing(
    running_app: Tremplin,
) -> None:
    _submit(running_app, 72)
    head = log_head(running_app)
    with pytest.raises(CommandConflict, match="cmd-1 was already used"):
        _submit(running_app, 90)
    assert log_head(running_app) == head


def test_reusing_a_command_id_for_another_command_conflicts(running_app: Tremplin) -> None:
    _submit(running_app, 72)
    with pytest.raises(CommandConflict):
        running_app.attend_session(
            "FT-0001", PARIS, "S-1", occurred_on=date(2017, 4, 3), command_id="cmd-1"
        )


def test_a_refused_command_leaves_its_id_free_for_the_corrected_command(app: Tremplin) -> None:
    with pytest.raises(OccurredInFuture):
        app.register_trainee(
            "FT-0009", PersonalDetails(), occurred_on=date(2019, 2, 1), command_id="reg-9"
        )
    done = app.register_trainee(
        "FT-0009", PersonalDetails(), occurred_on=date(2018, 2, 1), command_id="reg-9"
    )
    assert (done.result, done.replayed, done.position) == ("FT-0009", False, 2)


def test_the_same_command_twice_in_one_batch_is_replayed(running_app: Tremplin) -> None:
    head = log_head(running_app) or 0
    with running_app.batch():
        first, second = _submit(running_app, 72), _submit(running_app, 72)
    assert (first.replayed, second.replayed, second.result) == (False, True, "TMA-1")
    assert log_head(running_app) == head + 2  # the submission and its command record
    trainee: Trainee = running_app.repository.get(trainee_id("FT-0001"))
    assert trainee.enrolment(PARIS).assessments_submitted == {"TMA-1"}


def test_reusing_a_command_id_in_one_batch_for_other_content_conflicts(
    running_app: Tremplin,
) -> None:
    head = log_head(running_app) or 0
    with running_app.batch():
        _submit(running_app, 72)
        with pytest.raises(CommandConflict):
            _submit(running_app, 90)
    assert log_head(running_app) == head + 2


def test_a_command_stored_before_the_batch_is_replayed_inside_it(running_app: Tremplin) -> None:
    _submit(running_app, 72)
    head = log_head(running_app)
    with running_app.batch():
        again = _submit(running_app, 72)
    assert again.replayed is True
    assert log_head(running_app) == head
