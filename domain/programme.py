"""A funded training programme: its targets, milestones and cohorts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from eventsourcing.domain import Aggregate

from domain.errors import (
    AlreadyExists,
    CohortClosed,
    CohortOutsideProgramme,
    InvalidValue,
    MilestoneAlreadyCompleted,
    NotFound,
)
from domain.ids import cohort_claim_id, programme_id
from domain.values import Period, key, required_text


@dataclass(frozen=True)
class Targets:
    people_trained: int | None = None
    in_work_or_training_6m_rate: float | None = None  # a share, 0–1

    def __post_init__(self) -> None:
        if self.people_trained is not None and self.people_trained < 0:
            raise InvalidValue("targets.people_trained", "must be zero or more")
        rate = self.in_work_or_training_6m_rate
        if rate is not None and not 0 <= rate <= 1:
            raise InvalidValue("targets.in_work_or_training_6m_rate", "must be between 0 and 1")


class StepKind(StrEnum):
    """What a trainee records to get a path step done (see `PathStep`)."""

    ASSESSMENT = "assessment"
    MODULE = "module"
    SESSION = "session"
    SIMULATION = "simulation"
    CERTIFICATION = "certification"


@dataclass(frozen=True)
class PathStep:
    """One required step of a cohort's path.

    It is done when the trainee records, in that cohort, the fact of its kind
    with the same id: an assessment submitted (credited counts), a module
    completed, a session attended, a simulation attempted, a certification
    passed (whose step id is the exam's name, "TOSA Excel").
    """

    step_id: str
    kind: StepKind
    title: str
    due_on: date | None = None
    weight: float | None = None  # its share of the final mark, when the track says


@dataclass(frozen=True)
class Cohort:
    cohort_id: str
    track: str
    period: Period

    def ensure_open_on(self, day: date) -> None:
        if day > self.period.ends_on:
            raise CohortClosed(
                f"cohort {self.cohort_id} closed on {self.period.ends_on}; "
                f"it cannot take an enrolment on {day}"
            )


class Programme(Aggregate):
    class Launched(Aggregate.Created):
        code: str
        name: str
        funders: tuple[str, ...]
        period: Period
        targets: Targets
        certifications: tuple[str, ...]
        careers: tuple[str, ...]
        occurred_on: date

    class MilestoneDeclared(Aggregate.Event):
        milestone_id: str
        title: str
        due_on: date
        occurred_on: date

        def apply(self, aggregate: Programme) -> None:
            aggregate.milestones[self.milestone_id] = None

    class MilestoneCompleted(Aggregate.Event):
        milestone_id: str
        occurred_on: date

        def apply(self, aggregate: Programme) -> None:
            aggregate.milestones[self.milestone_id] = self.occurred_on

    class CohortOpened(Aggregate.Event):
        cohort_id: str
        track: str
        period: Period
        occurred_on: date

        def apply(self, aggregate: Programme) -> None:
            aggregate.cohorts[self.cohort_id] = Cohort(self.cohort_id, self.track, self.period)

    class PathDefined(Aggregate.Event):
        """The cohort's required steps, in order; a later definition replaces this one."""

        cohort_id: str
        steps: tuple[PathStep, ...]
        occurred_on: date

        def apply(self, aggregate: Programme) -> None:
            aggregate.paths[self.cohort_id] = self.steps

    class SimulatedHistoryAdded(Aggregate.Event):
        """Part of the programme's history was generated, not lived: `trainees` people
        (refs `sim-<seed>-…`) by `generator` from `seed`. Views show the programme as simulated."""

        seed: int
        trainees: int
        generator: str
        occurred_on: date

        def apply(self, aggregate: Programme) -> None:
            aggregate.simulations[self.seed] = self.trainees

    def __init__(
        self,
        code: str,
        name: str,
        funders: tuple[str, ...],
        period: Period,
        targets: Targets,
        certifications: tuple[str, ...],
        careers: tuple[str, ...],
        occurred_on: date,
    ) -> None:
        self.code = code
        self.name = name
        self.funders = funders
        self.period = period
        self.targets = targets
        self.certifications = certifications
        self.careers = careers
        self.launched_on = occurred_on
        self.milestones: dict[str, date | None] = {}  # id -> completed on
        self.cohorts: dict[str, Cohort] = {}
        self.paths: dict[str, tuple[PathStep, ...]] = {}  # cohort id -> its current path
        self.simulations: dict[int, int] = {}  # seed -> simulated trainees

    @classmethod
    def launch(
        cls,
        code: str,
        name: str,
        funders: tuple[str, ...],
        period: Period,
        targets: Targets,
        certifications: tuple[str, ...] = (),
        careers: tuple[str, ...] = (),
        *,
        occurred_on: date,
    ) -> Programme:
        if occurred_on > period.ends_on:
            raise InvalidValue(
                "occurred_on",
                f"a programme ending on {period.ends_on} cannot launch on {occurred_on}",
            )
        return cls._create(
            cls.Launched,
            id=programme_id(code),
            code=key("code", code),
            name=required_text("name", name),
            funders=funders,
            period=period,
            targets=targets,
            certifications=certifications,
            careers=careers,
            occurred_on=occurred_on,
        )

    def declare_milestone(
        self, milestone_id: str, title: str, due_on: date, occurred_on: date
    ) -> None:
        if milestone_id in self.milestones:
            raise AlreadyExists(f"milestone {milestone_id} is already declared")
        self.trigger_event(
            self.MilestoneDeclared,
            milestone_id=key("milestone_id", milestone_id),
            title=required_text("title", title),
            due_on=due_on,
            occurred_on=occurred_on,
        )

    def complete_milestone(self, milestone_id: str, occurred_on: date) -> None:
        if milestone_id not in self.milestones:
            raise NotFound(f"milestone {milestone_id} is not declared in {self.code}")
        if self.milestones[milestone_id] is not None:
            raise MilestoneAlreadyCompleted(
                f"milestone {milestone_id} was completed on {self.milestones[milestone_id]}"
            )
        if occurred_on < self.launched_on:
            raise InvalidValue(
                "occurred_on",
                f"milestone {milestone_id} cannot be completed on {occurred_on},"
                f" before the programme's launch on {self.launched_on}",
            )
        self.trigger_event(
            self.MilestoneCompleted, milestone_id=milestone_id, occurred_on=occurred_on
        )

    def open_cohort(self, cohort_id: str, track: str, period: Period, occurred_on: date) -> None:
        if cohort_id in self.cohorts:
            raise AlreadyExists(f"cohort {cohort_id} is already open")
        if not (self.period.contains(period.starts_on) and self.period.contains(period.ends_on)):
            raise CohortOutsideProgramme(
                f"cohort {cohort_id} ({period.starts_on} → {period.ends_on}) does not fit in "
                f"programme {self.code} ({self.period.starts_on} → {self.period.ends_on})"
            )
        self.trigger_event(
            self.CohortOpened,
            cohort_id=key("cohort_id", cohort_id),
            track=required_text("track", track),
            period=period,
            occurred_on=occurred_on,
        )

    def define_path(self, cohort_id: str, steps: tuple[PathStep, ...], occurred_on: date) -> None:
        """Set the cohort's required steps; defining it again replaces them from then on."""
        self.cohort(cohort_id)
        checked = tuple(_checked_step(step) for step in steps)
        twice = sorted(i for i, n in Counter(s.step_id for s in checked).items() if n > 1)
        if twice:
            raise InvalidValue(
                "steps", f"step {', '.join(twice)} listed more than once in the path of {cohort_id}"
            )
        self.trigger_event(
            self.PathDefined, cohort_id=cohort_id, steps=checked, occurred_on=occurred_on
        )

    def add_simulated_history(
        self, seed: int, trainees: int, generator: str, occurred_on: date
    ) -> None:
        if seed in self.simulations:
            raise AlreadyExists(f"seed {seed} already simulated a history of {self.code}")
        if trainees < 0:
            raise InvalidValue("trainees", f"{trainees} is not zero or more")
        self.trigger_event(
            self.SimulatedHistoryAdded,
            seed=seed,
            trainees=trainees,
            generator=required_text("generator", generator),
            occurred_on=occurred_on,
        )

    def cohort(self, cohort_id: str) -> Cohort:
        try:
            return self.cohorts[cohort_id]
        except KeyError:
            raise NotFound(f"programme {self.code} has no cohort {cohort_id}") from None


def _checked_step(step: PathStep) -> PathStep:
    step_id = key("step_id", step.step_id)
    try:
        kind = StepKind(step.kind)
    except ValueError:
        kinds = ", ".join(StepKind)
        raise InvalidValue(
            f"steps[{step_id}].kind", f"{step.kind!r} is not one of {kinds}"
        ) from None
    if step.weight is not None and not step.weight >= 0:
        raise InvalidValue(f"steps[{step_id}].weight", f"{step.weight:g} is not zero or more")
    return PathStep(
        step_id,
        kind,
        required_text(f"steps[{step_id}].title", step.title),
        step.due_on,
        None if step.weight is None else float(step.weight),
    )


class CohortClaim(Aggregate):
    """Claims a cohort id for one programme: cohort ids are unique across the platform,
    since a person's enrolments and learning records are keyed by them."""

    class Claimed(Aggregate.Created):
        cohort_id: str
        programme_code: str

    def __init__(self, cohort_id: str, programme_code: str) -> None:
        self.cohort_id = cohort_id
        self.programme_code = programme_code

    @classmethod
    def claim(cls, cohort_id: str, programme_code: str) -> CohortClaim:
        return cls._create(
            cls.Claimed,
            id=cohort_claim_id(cohort_id),
            cohort_id=key("cohort_id", cohort_id),
            programme_code=programme_code,
        )
