"""Learner paths on the whole OULAD log: each cohort's assessments are its steps, and what a
student submitted gets them done. Expected values are recounted from the CSV files here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import caught_up
from oulad_sample import build_oulad_sample, cohort_of, oulad_rows, rewrite_cell

from domain.application import Tremplin
from infra.bootstrap import build_application
from infra.importers.csv_rows import ImportRowError
from infra.importers.oulad import import_oulad
from infra.settings import Settings
from projections.learner_paths import LearnerPaths, path_of
from projections.store import ViewStore

AAA_2013J_STARTS = date(2013, 10, 1)


@pytest.fixture(scope="module")
def views(
    imported: tuple[Tremplin, Settings], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ViewStore]:
    app, _ = imported
    store = caught_up(app, LearnerPaths(), tmp_path_factory.mktemp("paths"))
    yield store
    store.close()


def test_a_student_of_aaa_2013j_has_its_assessments_as_steps_in_due_date_order(
    views: ViewStore,
) -> None:
    assessments = [r for r in oulad_rows("assessments.csv") if cohort_of(r) == "AAA-2013J"]
    expected = sorted(assessments, key=lambda r: (r["date"] == "", int(r["date"] or 0)))
    [path] = path_of(views, "oulad-11391")
    assert path.cohort_id == "AAA-2013J"
    assert [s.step_id for s in path.steps] == [r["id_assessment"] for r in expected]
    assert [s.title for s in path.steps] == [
        f"{r['assessment_type']} {r['id_assessment']}" for r in expected
    ]
    assert [s.due_on for s in path.steps] == [
        AAA_2013J_STARTS + timedelta(days=int(r["date"])) for r in expected
    ]
    assert [s.weight for s in path.steps] == [float(r["weight"]) for r in expected]


def test_oulad_11391_has_done_1752_1753_and_1754_as_the_csv_says(views: ViewStore) -> None:
    assessments = [r["id_assessment"] for r in oulad_rows("assessments.csv")]
    submitted = {
        r["id_assessment"]: AAA_2013J_STARTS + timedelta(days=int(r["date_submitted"]))
        for r in oulad_rows("studentAssessment.csv")
        if r["id_student"] == "11391" and r["id_assessment"] in assessments
    }
    [path] = path_of(views, "oulad-11391")
    assert {s.step_id: s.done_on for s in path.steps if s.done} == submitted
    assert sorted(submitted) == ["1752", "1753", "1754"]
    steps = len(path.steps)
    assert (path.done, path.remaining) == (3, steps - 3)
    assert path.progress == round(100 * 3 / steps, 1)
    not_done = [s.step_id for s in path.steps if s.step_id not in submitted]
    assert (path.next_step.step_id if path.next_step else None) == (
        not_done[0] if not_done else None
    )
    assert [e.kind for e in path.timeline] == [
        "enrolled",
        "assessment",
        "assessment",
        "assessment",
        "left",
    ]
    assert path.timeline[-1].label == "Left AAA-2013J: completed (pass)"


def test_every_submission_gets_one_step_done_and_every_cohort_has_its_path(
    views: ViewStore,
) -> None:
    submissions = oulad_rows("studentAssessment.csv")
    pairs = {(r["id_assessment"], r["id_student"]) for r in submissions}
    [[done]] = views.query("SELECT COUNT(*) FROM learner_path_progress")
    assert done == len(pairs) == len(submissions) == 36184
    steps = dict(
        views.query("SELECT cohort_id, COUNT(*) FROM learner_path_steps GROUP BY cohort_id")
    )
    per_cohort: dict[str, int] = {}
    for row in oulad_rows("assessments.csv"):
        per_cohort[cohort_of(row)] = per_cohort.get(cohort_of(row), 0) + 1
    assert steps == per_cohort
    [[timeline]] = views.query("SELECT COUNT(*) FROM learner_path_timeline")
    assert timeline == 12489 + 36184 + 12489  # enrolments, submissions, leavings


@pytest.mark.parametrize(
    ("line", "column", "value", "reason"),
    [
        (3, "assessment_type", "Quiz", "assessment_type: 'Quiz' is not one of CMA, Exam, TMA"),
        (4, "id_assessment", "1752", "id_assessment: 1752 is already on line 2"),
        (5, "weight", "ten", "weight: 'ten' is not a number"),
    ],
)
def test_a_bad_assessment_row_stops_the_import_at_its_line_before_anything_is_recorded(
    tmp_path: Path, line: int, column: str, value: str, reason: str
) -> None:
    sample = build_oulad_sample(tmp_path / "oulad").directory
    rewrite_cell(sample / "assessments.csv", line, column, value)
    app = build_application(Settings(data_dir=tmp_path / "var"))
    with pytest.raises(ImportRowError) as stopped:
        import_oulad(app, sample)
    assert (stopped.value.file, stopped.value.line, stopped.value.reason) == (
        "assessments.csv",
        line,
        reason,
    )
    assert app.recorder.max_notification_id() is None
