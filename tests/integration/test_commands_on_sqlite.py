"""Commands on a real SQLite log: one command id records once, even from two processes."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path
from typing import Any

from eventsourcing.utils import get_topic
from log_givens import app_at, given_a_cohort_and_a_person

from domain.commands import CommandRecord
from domain.ids import trainee_id
from domain.trainee import Trainee


def enrol_once(data_dir: Path, start: Any, results: Any) -> None:
    app = app_at(data_dir)
    start.wait()
    try:
        result = app.enrol(
            "p-1", "ort", "dev-1", occurred_on=date(2017, 9, 1), command_id="phone-42"
        )
    except Exception as error:  # reported to the test rather than lost in the child
        results.put((None, repr(error)))
    else:
        results.put((result.replayed, result.result))


def test_the_same_command_from_two_processes_records_one_enrolment(tmp_path: Path) -> None:
    given_a_cohort_and_a_person(app_at(tmp_path))
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    writers = [context.Process(target=enrol_once, args=(tmp_path, start, results)) for _ in "ab"]
    for writer in writers:
        writer.start()
    start.set()
    outcomes = sorted((results.get(timeout=30) for _ in writers), key=repr)
    for writer in writers:
        writer.join(timeout=30)
    assert outcomes == [(False, "dev-1"), (True, "dev-1")]
    app = app_at(tmp_path)  # held: a collected application closes its connections
    enrolled = app.recorder.select_notifications(1, 100, topics=[get_topic(Trainee.Enrolled)])
    assert len(enrolled) == 1


def test_a_command_returns_the_position_of_its_last_event(tmp_path: Path) -> None:
    app = app_at(tmp_path)
    given_a_cohort_and_a_person(app)
    result = app.enrol("p-1", "ort", "dev-1", occurred_on=date(2017, 9, 1), command_id="c-1")
    assert result.position == app.recorder.max_notification_id()
    before, last = app.recorder.select_notifications((result.position or 0) - 1, 2)
    assert (before.topic, last.topic) == (
        get_topic(Trainee.Enrolled),
        get_topic(CommandRecord.Accepted),
    )


def submit_many(data_dir: Path, writer: str, start: Any, done: Any) -> None:
    app = app_at(data_dir)
    start.wait()
    try:
        for n in range(40):
            app.submit_assessment(
                "p-1", "dev-1", f"{writer}-{n}", 50, occurred_on=date(2017, 10, 1)
            )
    except Exception as error:  # reported to the test rather than lost in the child
        done.put(f"{writer}: {error!r}")
    else:
        done.put(writer)


def test_two_processes_writing_to_one_trainee_lose_nothing(tmp_path: Path) -> None:
    app = app_at(tmp_path)
    given_a_cohort_and_a_person(app)
    app.enrol("p-1", "ort", "dev-1", occurred_on=date(2017, 9, 1))
    context = multiprocessing.get_context("spawn")
    start, done = context.Event(), context.Queue()
    writers = [context.Process(target=submit_many, args=(tmp_path, w, start, done)) for w in "ab"]
    for writer in writers:
        writer.start()
    start.set()
    finished = sorted(done.get(timeout=60) for _ in writers)
    for writer in writers:
        writer.join(timeout=30)
    trainee: Trainee = app.repository.get(trainee_id("p-1"))
    assert finished == ["a", "b"]
    assert len(trainee.enrolment("dev-1").assessments_submitted) == 80
    assert trainee.version == 2 + 80
