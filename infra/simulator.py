"""Generates a realistic programme history through the same commands as live use.

Simulated data is marked: the programme first records `SimulatedHistoryAdded`
(seed, trainees, generator), simulated people, mentors, employers, offers and
cohorts have refs starting with `sim-`/`sim<seed>-`, and their names are
obviously invented. The same seed gives the same commands in the same order;
each has the command id `sim/<seed>/…`, so a rerun records nothing twice. The job
centres that refer simulated people (simulation_catalogue.JOB_CENTRES) are registered
first, once per log, under the catalogue's codes (no `sim-` mark: a centre is where
people come from, and the same centre may refer simulated and real people).
See docs/decisions/0009-simulated-histories.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from math import ceil

from eventsourcing.persistence import IntegrityError

from domain.application import CommandResult, Tremplin
from domain.errors import CommandConflict, DomainError, NotFound
from domain.ids import command_record_id, programme_id
from domain.programme import Programme
from infra.simulation_catalogue import GENERATOR, JOB_CENTRES
from infra.simulation_journeys import JobBoard, write_journey, write_offers
from infra.simulation_lives import (
    mentor_ref,
    write_arrival,
    write_learning,
    write_peer_help,
    write_setup,
)
from infra.simulation_plan import (
    TRAINEES_PER_MENTOR,
    Planner,
    ProgrammeFacts,
    SimulationError,
    Step,
    plan_cohorts,
    plan_offers,
    plan_people,
)

__all__ = [
    "SimulationError",
    "SimulationReport",
    "plan_history",
    "register_job_centres",
    "simulate",
]
TRAINEES_PER_EMPLOYER = 12


@dataclass
class SimulationReport:
    programme: str
    seed: int
    trainees: int
    commands: int = 0
    replayed: int = 0  # already recorded by an earlier run
    events_recorded: int = 0
    seconds: float = 0.0

    @property
    def events_per_second(self) -> float:
        return self.events_recorded / self.seconds if self.seconds else 0.0


def plan_history(facts: ProgrammeFacts, trainees: int, seed: int) -> list[Step]:
    """Every command of the simulated history, in the order of the days they happen."""
    planner = Planner(facts, seed)
    cohorts = plan_cohorts(planner, trainees)
    people = plan_people(planner, cohorts, trainees)
    mentors = max(1, ceil(trainees / TRAINEES_PER_MENTOR))
    employers = max(3, ceil(trainees / TRAINEES_PER_EMPLOYER))
    board = JobBoard(plan_offers(planner, cohorts, employers, trainees // 3))
    write_setup(planner, cohorts, mentors, employers)
    write_offers(planner, board)
    for person in people:
        write_arrival(planner, person)
    for cohort in cohorts:
        write_learning(planner, cohort)
        write_peer_help(planner, cohort)
    mentor_refs = [mentor_ref(planner, i) for i in range(mentors)]
    for person in people:
        write_journey(planner, person, mentor_refs, board)
    return sorted(planner.steps, key=lambda step: (step.occurred_on, step.order))


def programme_facts(app: Tremplin, code: str) -> ProgrammeFacts:
    programme = app.load(programme_id(code))
    if not isinstance(programme, Programme):
        raise NotFound(f"there is no programme {code}: load it first (tremplin programme load)")
    return ProgrammeFacts(
        programme.code,
        programme.launched_on,
        programme.period.starts_on,
        min(programme.period.ends_on, app.clock()),
        programme.careers,
    )


def simulate(
    app: Tremplin,
    code: str,
    trainees: int,
    seed: int,
    *,
    chunk_size: int = 30_000,
    on_progress: Callable[[int], None] | None = None,
) -> SimulationReport:
    """Record a simulated history of `trainees` people in programme `code`.

    Raises SimulationError when the seed was already used for this log with other
    settings, or a generated command is refused (a bug of the generator: nothing of
    its chunk is recorded).
    """
    started = time.perf_counter()
    report = SimulationReport(code, seed, trainees)
    facts = programme_facts(app, code)
    steps = plan_history(facts, trainees, seed)
    try:
        marked = app.add_simulated_history(
            code,
            seed,
            trainees,
            GENERATOR,
            occurred_on=facts.launched_on,
            command_id=f"sim/{seed}/history",
        )
    except CommandConflict:
        raise SimulationError(
            f"seed {seed} was already used in this log for another simulation"
            " (another programme, number of trainees or generator version)"
        ) from None
    _count(report, marked)
    for registered in register_job_centres(app, facts.launched_on):
        _count(report, registered)
    for first in range(0, len(steps), chunk_size):
        chunk = steps[first : first + chunk_size]
        _run_chunk(app, facts.code, chunk, report)
        if on_progress:
            on_progress(len(chunk))
    report.seconds = time.perf_counter() - started
    return report


def register_job_centres(app: Tremplin, occurred_on: date) -> list[CommandResult]:
    """Register the catalogue's job centres the log does not know yet: simulated people are
    referred by them, and a referral must name a registered centre.

    Outside the planned steps, so that a centre is registered once per log whatever the
    seeds, and one registered already keeps its name (perhaps renamed since).
    """
    return [
        app.register_job_centre(code, name, occurred_on=occurred_on)
        for code, name in sorted(JOB_CENTRES.items())
        if app.job_centre(code) is None
    ]


def _run_chunk(app: Tremplin, code: str, chunk: list[Step], report: SimulationReport) -> None:
    if app.load(command_record_id(chunk[-1].command_id)) is not None:
        # Steps are recorded in order, a chunk at a time: what is recorded is a prefix of
        # the steps, so a chunk whose last command is recorded is recorded whole.
        report.commands += len(chunk)
        report.replayed += len(chunk)
        return
    done = SimulationReport(report.programme, report.seed, report.trainees)
    try:
        with app.batch() as saved:
            records = [command_record_id(step.command_id) for step in chunk]
            app.prefetch(records)
            to_run = [s for s, r in zip(chunk, records, strict=True) if app.load(r) is None]
            app.prefetch({programme_id(code)}.union(*(step.reads for step in to_run)))
            _run_steps(app, chunk, done)
        done.events_recorded = saved.events
    except IntegrityError:
        # Another writer changed one of our aggregates meanwhile: redo the chunk one
        # command at a time; the commands already recorded are recognised.
        done = SimulationReport(report.programme, report.seed, report.trainees)
        _run_steps(app, chunk, done)
    report.commands += done.commands
    report.replayed += done.replayed
    report.events_recorded += done.events_recorded


def _run_steps(app: Tremplin, steps: list[Step], report: SimulationReport) -> None:
    for step in steps:
        method: Callable[..., CommandResult] = getattr(app, step.command)
        try:
            result = method(*step.args, occurred_on=step.occurred_on, command_id=step.command_id)
        except DomainError as error:
            raise SimulationError(
                f"the simulator wrote a command the platform refuses: {step.command_id}"
                f" on {step.occurred_on}: {error}"
            ) from error
        _count(report, result)


def _count(report: SimulationReport, result: CommandResult) -> None:
    report.commands += 1
    report.replayed += result.replayed
    report.events_recorded += result.recorded
