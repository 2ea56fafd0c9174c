"""The OULAD subset, replayed through the application's commands into a real SQLite log.

Expected figures are recounted from the CSV files here, not copied from the importer.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import pairwise
from typing import Any

from eventsourcing.utils import get_topic
from oulad_sample import OULAD, oulad_rows

from domain.application import Tremplin
from domain.ids import trainee_id
from domain.learning import AssessmentSubmitted
from domain.trainee import Trainee
from domain.values import FinalResult, LeftReason
from infra.bootstrap import build_application
from infra.importers.oulad import import_oulad
from infra.settings import Settings

Imported = tuple[Tremplin, Settings]


def events_of(app: Tremplin, *classes: type) -> list[Any]:
    topics = [get_topic(cls) for cls in classes]
    found, start = [], 1
    while page := app.recorder.select_notifications(start, 5000, topics=topics):
        found += [app.mapper.to_domain_event(n) for n in page]
        start = page[-1].id + 1
    return found


def test_the_csv_files_hold_the_figures_the_issue_quotes() -> None:
    info, submissions = oulad_rows("studentInfo.csv"), oulad_rows("studentAssessment.csv")
    assert (len(info), len({r["id_student"] for r in info}), len(submissions)) == (
        12489,
        12400,
        36184,
    )
    assert sum(r["score"] == "" for r in submissions) == 18
    assert sum(r["is_banked"] == "1" for r in submissions) == 713
    assert Counter(r["final_result"] for r in info) == {
        "Pass": 7310,
        "Fail": 3572,
        "Distinction": 1607,
    }


def test_every_enrolment_of_every_person_is_recorded(imported: Imported) -> None:
    app, _ = imported
    info = oulad_rows("studentInfo.csv")
    registered = events_of(app, Trainee.Registered)
    enrolled = events_of(app, Trainee.Enrolled)
    assert len(registered) == len({r["id_student"] for r in info}) == 12400
    assert len(enrolled) == len(info) == 12489
    assert Counter(e.cohort_id for e in enrolled) == Counter(
        f"{r['code_module']}-{r['code_presentation']}" for r in info
    )


def test_every_submission_is_recorded_with_its_score_or_none(
    imported: Imported,
) -> None:
    app, _ = imported
    submitted = events_of(app, AssessmentSubmitted)
    assert len(submitted) == 36184
    assert sum(e.score is None for e in submitted) == 18
    assert sum(e.credited for e in submitted) == 713
    assert sum(e.score for e in submitted if e.score is not None) == sum(
        float(r["score"]) for r in oulad_rows("studentAssessment.csv") if r["score"]
    )


def test_final_results_become_one_leaving_per_enrolment(
    imported: Imported,
) -> None:
    app, _ = imported
    left = events_of(app, Trainee.Left)
    assert len(left) == 12489
    assert Counter(e.final_result for e in left) == {
        FinalResult.PASS: 7310,
        FinalResult.FAIL: 3572,
        FinalResult.DISTINCTION: 1607,
    }
    withdrawn = sum(r["date_unregistration"] != "" for r in oulad_rows("studentRegistration.csv"))
    assert Counter(e.reason for e in left)[LeftReason.DROPPED_OUT] == withdrawn == 9
    assert Counter(e.reason for e in left)[LeftReason.COMPLETED] == 7310 + 1607


def test_dates_are_offsets_from_the_presentation_start(imported: Imported) -> None:
    app, _ = imported
    trainee: Trainee = app.repository.get(trainee_id("oulad-11391"))
    enrolment = trainee.enrolment("AAA-2013J")
    assert enrolment.enrolled_on == date(2013, 4, 25)  # 2013-10-01 - 159 days
    assert enrolment.left_on == date(2014, 6, 26)  # the end: 2013-10-01 + 268 days
    assert enrolment.final_result is FinalResult.PASS


def test_a_person_in_two_cohorts_is_one_trainee_with_two_enrolments(
    imported: Imported,
) -> None:
    app, _ = imported
    twice = [
        s
        for s, n in Counter(r["id_student"] for r in oulad_rows("studentInfo.csv")).items()
        if n == 2
    ]
    assert len(twice) == 89
    trainee: Trainee = app.repository.get(trainee_id(f"oulad-{twice[0]}"))
    assert len(trainee.enrolments) == 2


def test_importing_again_records_nothing(imported: Imported) -> None:
    app, _ = imported
    head = app.recorder.max_notification_id()
    report = import_oulad(app, OULAD)
    assert (report.events_recorded, report.replayed) == (0, report.commands)
    assert app.recorder.max_notification_id() == head


def test_a_restarted_application_finds_everything(imported: Imported) -> None:
    app, settings = imported
    again = build_application(settings)
    assert again.recorder.max_notification_id() == app.recorder.max_notification_id()
    trainee: Trainee = again.repository.get(trainee_id("oulad-11391"))
    assert trainee.enrolment("AAA-2013J").assessments_submitted == {"1752", "1753", "1754"}
    again.close()


def test_personal_details_are_kept_apart_in_the_registration(
    imported: Imported,
) -> None:
    app, _ = imported
    first = next(e for e in events_of(app, Trainee.Registered) if e.person_ref == "oulad-11391")
    assert (first.personal.gender, first.personal.age_band, first.personal.disability) == (
        "M",
        "55<=",
        False,
    )
    assert first.personal.region == "East Anglian Region"
    assert first.personal.deprivation_band == "90-100%"


def test_the_log_keeps_the_order_in_which_commands_ran(imported: Imported) -> None:
    app, _ = imported
    recorded_at = [
        app.mapper.to_domain_event(n).timestamp
        for n in app.recorder.select_notifications(1, 200_000)
    ]
    backwards = sum(later < earlier for earlier, later in pairwise(recorded_at))
    assert (len(recorded_at), backwards) == (147_186, 0)  # 12 paths: 2 events each
