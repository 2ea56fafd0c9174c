"""Outcome figures on the full OULAD log, recounted independently from the CSV files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import caught_up
from oulad_sample import cohort_of, oulad_rows

from domain.application import Tremplin
from infra.settings import Settings
from projections.outcome_figures import OutcomeReport, figures
from projections.outcomes import Outcomes
from projections.store import ViewStore

AFTER_EVERYTHING = date(2016, 1, 1)
MID_2013J = date(2014, 1, 1)  # the 2013J presentations run until mid-2014


@pytest.fixture(scope="module")
def views(
    imported: tuple[Tremplin, Settings], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ViewStore]:
    """The outcome projection caught up on the whole OULAD log, timed."""
    app, _ = imported
    store = caught_up(app, Outcomes(), tmp_path_factory.mktemp("outcomes"))
    yield store
    store.close()


@pytest.fixture(scope="module")
def report(views: ViewStore) -> OutcomeReport:
    return figures(views, "oulad", AFTER_EVERYTHING)


def test_every_cohort_counts_the_enrolled_and_completed_the_csv_files_show(
    report: OutcomeReport,
) -> None:
    info = oulad_rows("studentInfo.csv")
    withdrawn = {
        (cohort_of(row), row["id_student"])
        for row in oulad_rows("studentRegistration.csv")
        if row["date_unregistration"]
    }
    enrolled = Counter(cohort_of(row) for row in info)
    completed = Counter(
        cohort_of(row)
        for row in info
        if row["final_result"] in ("Pass", "Distinction")
        and (cohort_of(row), row["id_student"]) not in withdrawn
    )
    assert len(report.by_cohort) == len(enrolled) == 12
    for cohort_id, parts in report.by_cohort.items():
        assert (cohort_id, parts["enrolled"].value, parts["completed"].value) == (
            cohort_id,
            enrolled[cohort_id],
            completed[cohort_id],
        )


def test_the_programme_counts_each_of_its_12400_people_once(report: OutcomeReport) -> None:
    info = oulad_rows("studentInfo.csv")
    first_rows = {row["id_student"]: row for row in reversed(info)}  # the first row wins
    trained = {r["id_student"] for r in info if r["final_result"] in ("Pass", "Distinction")}
    assert report.figures["enrolled"].value == len(first_rows) == 12400
    assert report.figures["left"].value == 12400
    assert report.figures["completed"].value == len(trained)
    assert {gender: parts["enrolled"].value for gender, parts in
            report.breakdowns["gender"].items()} == Counter(
        row["gender"] for row in first_rows.values())  # fmt: skip
    assert report.figures["in_work_or_training_6m"].rate == 0.0  # OULAD records no jobs


def test_on_1_january_2014_nobody_has_completed_and_only_the_registered_are_enrolled(
    views: ViewStore,
) -> None:
    registered = {
        row["id_student"]
        for row in oulad_rows("studentRegistration.csv")
        if date(int(row["code_presentation"][:4]), 10, 1)
        + timedelta(days=int(row["date_registration"]))
        <= MID_2013J
    }
    early = figures(views, "oulad", MID_2013J)
    later = figures(views, "oulad", AFTER_EVERYTHING)
    assert early.figures["completed"].value == 0 < later.figures["completed"].value
    assert early.figures["enrolled"].value == len(registered)


def test_nothing_counts_before_it_was_recorded(views: ViewStore) -> None:
    before_the_import = datetime(2020, 1, 1, tzinfo=UTC)
    report = figures(views, "oulad", AFTER_EVERYTHING, before_the_import)
    assert report.figures["enrolled"].value == 0
    assert report.by_cohort == {}
