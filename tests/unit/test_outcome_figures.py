"""Outcome figures from given events: the projection's rows, then the bitemporal counts.

Four people in ORT-FR-2017 (targets: 300 trained, 70% in work or training at six months):
FT-1 completes Paris on 2017-09-30, certified, hired from 2017-10-16, employed at six months;
FT-2 drops out of Paris on 2017-05-31, re-enrols in Lyon, completes it on 2018-04-30;
FT-3 completes Paris, hired from 2017-12-01, seeking work at six months;
FT-4 leaves Paris without completing, in further training from 2017-10-20.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from givens import ENROLLED_ON, LYON, LYON_PERIOD, PARIS, PARIS_PERIOD, PROGRAMME, PROGRAMME_PERIOD

from domain.errors import NotFound
from domain.ids import trainee_id
from domain.learning import CertificationScheme
from domain.placement import Employer, FollowUpRecorded, FurtherTrainingEntered
from domain.programme import Programme, Targets
from domain.trainee import Trainee
from domain.values import ContractType, FinalResult, FollowUpStatus, LeftReason, PersonalDetails
from projections.outcome_compare import Difference
from projections.outcome_definitions import VERSIONS
from projections.outcome_figures import Evidence, Figure, PartFigure, evidence, figures
from projections.outcome_versions import compare_versions
from projections.outcomes import Outcomes
from projections.runner import prepare
from projections.store import ViewStore

RECORDED = datetime(2019, 1, 1, 9, 0, tzinfo=UTC)
LATE = datetime(2019, 3, 1, 9, 0, tzinfo=UTC)
END_OF_PARIS = PARIS_PERIOD.ends_on
V1, V2 = VERSIONS


class Log:
    """Applies the aggregates' pending events to the projection, numbering positions from 1."""

    def __init__(self, store: ViewStore) -> None:
        self.store, self.projection = store, Outcomes()
        self.recorded: list[Any] = []
        prepare(store, self.projection)

    def record(self, *aggregates: Any, at: datetime = RECORDED) -> None:
        with self.store.transaction() as connection:
            for aggregate in aggregates:
                for event in aggregate.collect_events():
                    event = dataclasses.replace(event, timestamp=at)
                    self.recorded.append(event)
                    self.projection.apply(connection, event, len(self.recorded))

    def positions_of(self, event_class: type, person_ref: str) -> list[int]:
        return [
            position
            for position, event in enumerate(self.recorded, start=1)
            if isinstance(event, event_class) and event.originator_id == trainee_id(person_ref)
        ]


def person(ref: str, job_centre: str | None, gender: str | None, age_band: str | None) -> Trainee:
    details = PersonalDetails(full_name="Awa Diop", gender=gender, age_band=age_band)
    return Trainee.register(ref, job_centre, details, ENROLLED_ON)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ViewStore]:
    views = ViewStore(tmp_path / "views.sqlite")
    yield views
    views.close()


@pytest.fixture
def log(store: ViewStore) -> Log:
    """The four people's histories, FT-1's leaving recorded late (1 March 2019)."""
    log = Log(store)
    programme = Programme.launch(
        PROGRAMME,
        "ORT France 2017–2018",
        ("Fondation ORT", "Région Île-de-France"),
        PROGRAMME_PERIOD,
        Targets(people_trained=300, in_work_or_training_6m_rate=0.7),
        occurred_on=date(2017, 1, 2),
    )
    programme.open_cohort(PARIS, "développeur web", PARIS_PERIOD, date(2017, 2, 1))
    programme.open_cohort(LYON, "technicien réseau", LYON_PERIOD, date(2017, 2, 1))
    paris, lyon = programme.cohort(PARIS), programme.cohort(LYON)
    employer = Employer.register("E-ACME", "Acme", None, PersonalDetails(), date(2017, 1, 5))
    people = [
        person("FT-1", "FT-75", "F", "25-34"),
        person("FT-2", "FT-75", "M", "18-24"),
        person("FT-3", "FT-93", "F", "18-24"),
        person("FT-4", None, None, None),
    ]
    first, second, third, fourth = people
    for trainee in people:
        trainee.enrol(PROGRAMME, paris, ENROLLED_ON)
    first.record_certification(
        PARIS, CertificationScheme.TOSA, "TOSA Excel", 700, date(2017, 9, 15)
    )
    third.record_certification(PARIS, CertificationScheme.TOSA, "TOSA Word", 0, date(2017, 9, 15))
    second.leave(PARIS, LeftReason.DROPPED_OUT, date(2017, 5, 31))
    second.enrol(PROGRAMME, lyon, LYON_PERIOD.starts_on)
    second.leave(LYON, LeftReason.COMPLETED, LYON_PERIOD.ends_on, FinalResult.PASS)
    third.leave(PARIS, LeftReason.COMPLETED, END_OF_PARIS, FinalResult.PASS)
    third.get_hired(employer, None, ContractType.CDD, date(2017, 12, 1), date(2017, 11, 20))
    third.record_follow_up(PARIS, FollowUpStatus.SEEKING_WORK, date(2018, 4, 5))
    fourth.leave(PARIS, LeftReason.OTHER, END_OF_PARIS, FinalResult.FAIL)
    fourth.enter_further_training("BTS SIO", date(2017, 10, 20), date(2017, 10, 10))
    log.record(programme, employer, *people)
    first.leave(PARIS, LeftReason.COMPLETED, END_OF_PARIS, FinalResult.PASS)
    first.get_hired(employer, None, ContractType.CDI, date(2017, 10, 16), date(2017, 10, 2))
    first.record_follow_up(PARIS, FollowUpStatus.EMPLOYED, date(2018, 4, 2))
    log.record(first, at=LATE)
    return log


def values(store: ViewStore, as_of: date, known_at: datetime | None = None) -> dict[str, int]:
    report = figures(store, PROGRAMME, as_of, known_at)
    return {key: figure.value for key, figure in report.figures.items()}


def test_the_projection_keeps_each_fact_with_both_clocks_and_its_position(
    log: Log, store: ViewStore
) -> None:
    rows = store.query(
        "SELECT cohort_id, enrolled_on, left_on, left_at, reason FROM outcome_enrolments"
        " WHERE person_ref = 'FT-2' ORDER BY enrolled_position"
    )
    assert [tuple(row) for row in rows] == [
        (PARIS, "2017-03-06", "2017-05-31", "2019-01-01T09:00:00.000000+00:00", "dropped_out"),
        (LYON, "2017-10-02", "2018-04-30", "2019-01-01T09:00:00.000000+00:00", "completed"),
    ]
    facts = store.query("SELECT person_ref, kind, status FROM outcome_events ORDER BY position")
    assert [tuple(row) for row in facts] == [
        ("FT-1", "certified", None),  # FT-3's failed TOSA certifies nobody and is not kept
        ("FT-3", "hired", None),
        ("FT-3", "follow_up", "seeking_work"),
        ("FT-4", "further_training", None),
        ("FT-1", "hired", None),
        ("FT-1", "follow_up", "employed"),
    ]


def test_every_figure_once_all_windows_have_closed(log: Log, store: ViewStore) -> None:
    report = figures(store, PROGRAMME, date(2019, 6, 1), definitions=V1)
    assert report.definitions_version == "outcomes-2026-12-1"
    assert report.figures == {
        "enrolled": Figure("people", 4, None, None, None),
        "completed": Figure("people", 3, None, 300, None),
        "certified": Figure("people", 1, None, None, None),
        "left": Figure("people", 4, None, None, None),
        "in_work_or_training_upon_leaving": Figure("people", 2, 0.5, None, 4),
        "in_work_or_training_6m": Figure("people", 2, 0.5, 0.7, 4),
    }


def test_a_re_enrolled_person_counts_once_at_programme_level_and_in_each_of_their_cohorts(
    log: Log, store: ViewStore
) -> None:
    by_cohort = figures(store, PROGRAMME, date(2019, 6, 1)).by_cohort
    assert {cohort: (f["enrolled"].value, f["completed"].value, f["left"].value)
            for cohort, f in by_cohort.items()} == {PARIS: (4, 2, 4), LYON: (1, 1, 1)}  # fmt: skip
    assert by_cohort[PARIS]["in_work_or_training_upon_leaving"] == PartFigure(2, 0.5, 4)
    assert by_cohort[LYON]["in_work_or_training_6m"] == PartFigure(0, 0.0, 1)


def test_a_person_back_in_training_is_not_counted_as_a_leaver(log: Log, store: ViewStore) -> None:
    assert values(store, date(2017, 7, 1))["left"] == 1  # FT-2, out of Paris since 31 May
    assert values(store, date(2018, 1, 1))["left"] == 3  # FT-2 back in Lyon, the others out


def test_rates_count_only_leavers_whose_window_has_closed(log: Log, store: ViewStore) -> None:
    report = figures(store, PROGRAMME, date(2018, 7, 31), definitions=V1)  # FT-2 left in April
    assert report.figures["in_work_or_training_6m"].denominator == 3
    assert report.figures["in_work_or_training_6m"].rate == 0.6667
    assert report.figures["in_work_or_training_upon_leaving"].denominator == 4
    early = figures(store, PROGRAMME, date(2018, 1, 1)).figures["in_work_or_training_6m"]
    assert (early.value, early.rate, early.denominator) == (0, None, 0)


def test_as_of_leaves_out_facts_that_occurred_later(log: Log, store: ViewStore) -> None:
    assert values(store, date(2017, 9, 29)) == {
        "enrolled": 4,
        "completed": 0,
        "certified": 1,
        "left": 1,
        "in_work_or_training_upon_leaving": 0,
        "in_work_or_training_6m": 0,
    }
    assert values(store, date(2017, 3, 5))["enrolled"] == 0


def test_known_at_leaves_out_facts_recorded_later(log: Log, store: ViewStore) -> None:
    known_then = values(store, date(2019, 6, 1), datetime(2019, 2, 1, tzinfo=UTC))
    known_now = values(store, date(2019, 6, 1))
    assert (known_then["completed"], known_then["left"]) == (2, 3)
    assert (known_now["completed"], known_now["left"]) == (3, 4)
    assert values(store, date(2019, 6, 1), datetime(2018, 12, 31, tzinfo=UTC))["enrolled"] == 0


def test_breakdowns_by_job_centre_gender_age_band_and_funder(log: Log, store: ViewStore) -> None:
    breakdowns = figures(store, PROGRAMME, date(2019, 6, 1)).breakdowns

    def completed(dimension: str) -> dict[str, int]:
        return {value: f["completed"].value for value, f in breakdowns[dimension].items()}

    assert completed("job_centre") == {"FT-75": 2, "FT-93": 1, "unknown": 0}
    assert completed("gender") == {"F": 2, "M": 1, "unknown": 0}
    assert completed("age_band") == {"18-24": 2, "25-34": 1, "unknown": 0}
    assert completed("funder") == {"Fondation ORT": 3, "Région Île-de-France": 3}
    assert breakdowns["gender"]["F"]["in_work_or_training_6m"] == PartFigure(1, 0.5, 2)


def test_evidence_names_the_people_and_the_log_positions_that_count_them(
    log: Log, store: ViewStore
) -> None:
    found = evidence(store, PROGRAMME, "in_work_or_training_6m", date(2019, 6, 1), definitions=V1)
    assert found == [
        Evidence("FT-1", (*log.positions_of(Trainee.Left, "FT-1"),
                          *log.positions_of(FollowUpRecorded, "FT-1"))),
        Evidence("FT-4", (*log.positions_of(Trainee.Left, "FT-4"),
                          *log.positions_of(FurtherTrainingEntered, "FT-4"))),
    ]  # fmt: skip
    in_lyon = evidence(store, PROGRAMME, "completed", date(2019, 6, 1), cohort_id=LYON)
    assert in_lyon == [Evidence("FT-2", tuple(log.positions_of(Trainee.Left, "FT-2")[1:]))]


def test_the_current_version_counts_the_six_month_figure_over_people_trained(
    log: Log, store: ViewStore
) -> None:
    """FT-4 left without completing and is in training: counted by v1, outside v2."""
    report = figures(store, PROGRAMME, date(2019, 6, 1))
    assert report.definitions_version == "outcomes-2026-12-2"
    assert report.figures["in_work_or_training_6m"] == Figure("people", 1, 0.3333, 0.7, 3)
    assert report.figures["in_work_or_training_upon_leaving"] == Figure("people", 2, 0.5, None, 4)
    assert report.by_cohort[PARIS]["in_work_or_training_6m"] == PartFigure(1, 0.5, 2)
    found = evidence(store, PROGRAMME, "in_work_or_training_6m", date(2019, 6, 1))
    assert found == [Evidence("FT-1", (*log.positions_of(Trainee.Left, "FT-1"),
                                       *log.positions_of(FollowUpRecorded, "FT-1")))]  # fmt: skip


def test_two_versions_of_one_period_differ_only_in_the_six_month_figure(
    log: Log, store: ViewStore
) -> None:
    compared = compare_versions(store, PROGRAMME, date(2019, 6, 1), None, V1.version, V2.version)
    assert (compared.before.definitions_version, compared.after.definitions_version) == (
        V1.version,
        V2.version,
    )
    assert compared.before.known_at == compared.after.known_at  # one reading, two countings
    six_months = "in_work_or_training_6m"
    expected = [
        *(
            Difference(f"breakdowns.{dimension}.unknown.{six_months}.{part}", before, after)
            for dimension in ("age_band", "gender", "job_centre")
            for part, before, after in (("denominator", 1, 0), ("rate", 1.0, None), ("value", 1, 0))
        ),
        *(
            Difference(f"breakdowns.funder.{funder}.{six_months}.{part}", before, after)
            for funder in ("Fondation ORT", "Région Île-de-France")
            for part, before, after in (
                ("denominator", 4, 3),
                ("rate", 0.5, 0.3333),
                ("value", 2, 1),
            )
        ),
        Difference(f"by_cohort.{PARIS}.{six_months}.denominator", 4, 2),
        Difference(f"by_cohort.{PARIS}.{six_months}.value", 2, 1),
        Difference(f"figures.{six_months}.denominator", 4, 3),
        Difference(f"figures.{six_months}.rate", 0.5, 0.3333),
        Difference(f"figures.{six_months}.value", 2, 1),
    ]
    assert compared.differences == sorted(expected, key=lambda difference: difference.path)


def test_comparing_with_an_unknown_version_is_not_found(log: Log, store: ViewStore) -> None:
    with pytest.raises(NotFound, match="outcomes-2026-12-1, outcomes-2026-12-2"):
        compare_versions(store, PROGRAMME, date(2019, 6, 1), None, "outcomes-0", V2.version)


def test_an_unknown_programme_or_figure_is_not_found(log: Log, store: ViewStore) -> None:
    with pytest.raises(NotFound):
        figures(store, "NOPE", date(2019, 1, 1))
    with pytest.raises(NotFound):
        evidence(store, PROGRAMME, "happiness", date(2019, 1, 1))
