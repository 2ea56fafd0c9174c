"""The simulator: a marked, deterministic, idempotent ORT history on real SQLite logs."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from oulad_sample import build_oulad_sample

from domain.application import Tremplin
from domain.errors import AlreadyExists
from domain.placement import FollowUpRecorded
from domain.programme import Programme
from domain.trainee import Trainee
from domain.values import ConsentScope, FollowUpStatus
from infra.bootstrap import build_application
from infra.cli import ORT_PROGRAMME, main
from infra.programme_file import load_programme
from infra.settings import Settings
from infra.simulation_catalogue import GENERATOR
from infra.simulator import SimulationError, simulate
from projections.catalogue import Catalogue, programmes
from projections.people_access import PeopleAccess, access_of, all_person_refs
from projections.runner import catch_up, prepare
from projections.store import ViewStore

ORT = "ort-france-2017"
ORT_ENDS_ON = date(2018, 12, 31)
TRAINEES = 200
SEED = 42


def ort_log(folder: Path) -> Tremplin:
    app = build_application(Settings(data_dir=folder))
    load_programme(app, ORT_PROGRAMME)
    return app


def events(app: Tremplin, after: int = 0) -> list[Any]:
    head = app.recorder.max_notification_id() or 0
    found = app.recorder.select_notifications(after + 1, head - after) if head > after else []
    return [app.mapper.to_domain_event(n) for n in found]


def without_recorded_time(app: Tremplin) -> list[tuple[object, ...]]:
    """Each stored event as (aggregate, version, topic, payload), its recorded time left out."""
    head = app.recorder.max_notification_id() or 0
    rows = []
    for n in app.recorder.select_notifications(1, head):
        state = json.loads(n.state)
        del state["timestamp"]
        rows.append((n.originator_id, n.originator_version, n.topic, state))
    return rows


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Tremplin, int]]:
    """The ORT programme with 200 simulated trainees (seed 42); the log's head before them."""
    app = ort_log(tmp_path_factory.mktemp("simulated"))
    before = app.recorder.max_notification_id() or 0
    simulate(app, ORT, TRAINEES, SEED)
    yield app, before
    app.close()


@pytest.fixture(scope="module")
def history(simulated: tuple[Tremplin, int]) -> list[Any]:
    app, before = simulated
    return events(app, before)


def test_the_same_seed_records_the_same_events_in_the_same_order(tmp_path: Path) -> None:
    first, second = ort_log(tmp_path / "first"), ort_log(tmp_path / "second")

    simulate(first, ORT, 40, 7)
    simulate(second, ORT, 40, 7)

    assert without_recorded_time(first) == without_recorded_time(second)
    assert len(without_recorded_time(first)) > 40 * 50


def test_another_seed_records_another_history(tmp_path: Path) -> None:
    first, second = ort_log(tmp_path / "first"), ort_log(tmp_path / "second")

    simulate(first, ORT, 20, 7)
    simulate(second, ORT, 20, 8)

    assert without_recorded_time(first) != without_recorded_time(second)


def test_simulating_again_with_the_same_seed_records_nothing(
    simulated: tuple[Tremplin, int],
) -> None:
    app, _ = simulated
    head = app.recorder.max_notification_id()

    again = simulate(app, ORT, TRAINEES, SEED)

    assert (again.events_recorded, again.replayed) == (0, again.commands)
    assert app.recorder.max_notification_id() == head


def test_a_seed_used_with_another_number_of_trainees_is_refused(
    simulated: tuple[Tremplin, int],
) -> None:
    app, _ = simulated
    head = app.recorder.max_notification_id()

    with pytest.raises(SimulationError, match="seed 42 was already used"):
        simulate(app, ORT, TRAINEES + 1, SEED)
    assert app.recorder.max_notification_id() == head


def test_the_programme_first_records_that_its_history_is_simulated(history: list[Any]) -> None:
    mark = history[0]

    assert isinstance(mark, Programme.SimulatedHistoryAdded)
    assert (mark.seed, mark.trainees, mark.generator) == (SEED, TRAINEES, GENERATOR)
    assert mark.occurred_on == date(2017, 7, 1)  # the programme's launch
    assert sum(isinstance(e, Programme.SimulatedHistoryAdded) for e in history) == 1


def test_a_seed_marks_a_programme_once(simulated: tuple[Tremplin, int]) -> None:
    app, _ = simulated
    with pytest.raises(AlreadyExists, match="seed 42 already simulated"):
        app.add_simulated_history(ORT, SEED, 5, GENERATOR, occurred_on=date(2017, 7, 1))


def test_every_simulated_trainee_is_registered_with_a_sim_ref(history: list[Any]) -> None:
    refs = [e.person_ref for e in history if isinstance(e, Trainee.Registered)]

    assert len(refs) == len(set(refs)) == TRAINEES
    assert sorted(refs) == [f"sim-42-{n:04d}" for n in range(1, TRAINEES + 1)]


def test_every_simulated_trainee_enrols_at_least_once_in_an_ort_cohort(
    history: list[Any],
) -> None:
    enrolments = [e for e in history if isinstance(e, Trainee.Enrolled)]
    registered = {e.originator_id for e in history if isinstance(e, Trainee.Registered)}

    assert {e.originator_id for e in enrolments} == registered
    assert {e.programme_code for e in enrolments} == {ORT}
    assert all(e.cohort_id.startswith("sim42-") for e in enrolments)


def test_most_followed_up_leavers_are_in_work_or_training(history: list[Any]) -> None:
    statuses = Counter(e.status for e in history if isinstance(e, FollowUpRecorded))
    in_work = statuses[FollowUpStatus.EMPLOYED] + statuses[FollowUpStatus.IN_TRAINING]

    assert statuses.total() == TRAINEES  # each person once, after their last exit
    assert 0.80 <= in_work / statuses.total() <= 0.95
    assert statuses[FollowUpStatus.SEEKING_WORK] > 0


def test_nothing_happens_before_the_launch_or_after_the_programme_or_today(
    history: list[Any],
) -> None:
    days = [e.occurred_on for e in history if hasattr(e, "occurred_on")]

    assert min(days) == date(2017, 7, 1)
    assert max(days) <= min(ORT_ENDS_ON, date.today())
    assert days == sorted(days)  # the log follows the world's order


def test_the_simulation_uses_every_kind_of_programme_activity(history: list[Any]) -> None:
    kinds = {type(e).__name__ for e in history}

    assert {
        "CohortOpened", "PathDefined", "Registered", "Enrolled", "ConsentGiven",
        "ModuleStarted", "ModuleCompleted", "SessionAttended", "SimulationAttempted",
        "SeriousGamePlayed", "AssessmentSubmitted", "CertificationResultRecorded",
        "MentorAssigned", "CoachingSessionHeld", "GoalSet", "GoalAchieved", "PeerHelpGiven",
        "Posted", "ApplicationMade", "InterviewHeld", "Hired", "FurtherTrainingEntered",
        "Left", "FollowUpRecorded",
    } <= kinds  # fmt: skip


def test_the_catalogue_shows_the_programme_as_simulated(
    simulated: tuple[Tremplin, int], tmp_path: Path
) -> None:
    app, _ = simulated
    store = ViewStore(tmp_path / "views.sqlite")
    prepare(store, Catalogue())
    catch_up(app, store, Catalogue())

    ort = {p.code: p for p in programmes(store)}[ORT]

    assert ort.simulated is True
    assert ort.enrolled >= TRAINEES
    assert len(ort.cohorts) == 8  # 200 trainees, about 25 a cohort
    store.close()


def tremplin(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"TREMPLIN_DATA_DIR": str(data_dir)})


def test_tremplin_simulate_reports_what_it_recorded_as_simulated_data(tmp_path: Path) -> None:
    ort_log(tmp_path).close()

    result = tremplin(tmp_path, "simulate", "--trainees", "12", "--seed", "5")
    again = tremplin(tmp_path, "simulate", "--trainees", "12", "--seed", "5")

    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert line.startswith("Simulation of ort-france-2017 (seed 5): 12 trainees, ")
    assert line.endswith("events/s); simulated data")
    assert ", 0 already recorded, " in line
    assert ", 0 new events in " in again.stdout


def test_init_simulates_the_ort_history_once(tmp_path: Path) -> None:
    sample = build_oulad_sample(tmp_path / "oulad")
    init = ("init", "--oulad", str(sample.directory), "--simulate", "10")

    first, second = tremplin(tmp_path / "data", *init), tremplin(tmp_path / "data", *init)

    assert first.exit_code == 0, first.output
    simulation = [line for line in first.stdout.splitlines() if line.startswith("Simulation")]
    assert simulation[0].startswith("Simulation: 10 trainees, ")
    assert simulation[0].endswith(" new events (simulated data)")
    assert "Simulation: 10 trainees, 0 new events (simulated data)" in second.stdout


def test_simulating_a_programme_that_is_not_loaded_says_to_load_it(tmp_path: Path) -> None:
    result = tremplin(tmp_path, "simulate", "--trainees", "5", "--programme", "nowhere")

    assert result.exit_code == 1
    assert "there is no programme nowhere: load it first" in result.output


def test_about_seven_in_ten_simulated_trainees_let_employers_see_their_profile(
    simulated: tuple[Tremplin, int], history: list[Any], tmp_path: Path
) -> None:
    app, _ = simulated
    sharing = [
        e.originator_id
        for e in history
        if isinstance(e, Trainee.ConsentGiven) and e.scope is ConsentScope.SHARE_WITH_EMPLOYERS
    ]
    store = ViewStore(tmp_path / "views.sqlite")
    prepare(store, PeopleAccess())
    catch_up(app, store, PeopleAccess())
    sim_refs = [ref for ref in all_person_refs(store) if ref.startswith("sim-42-")]
    shown = [
        ref
        for ref in sim_refs
        if (access := access_of(store, ref)) and access.shares_with_employers
    ]
    store.close()

    assert len(sharing) == len(set(sharing))  # once each
    assert 0.60 * TRAINEES <= len(sharing) <= 0.80 * TRAINEES
    assert len(sim_refs) == TRAINEES
    assert len(shown) == len(sharing)
