"""The shape of a simulated programme, drawn from one seeded random stream.

Who is in which cohort, when each enrolment starts and ends and how, which
mentors, employers and offers exist: decided here, before any command is
written (see simulation_lives.py), so every date can respect the domain's
rules: nothing before an enrolment, nothing after leaving, follow-ups six
months after the last exit and still inside the programme.
"""

from __future__ import annotations

import calendar
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil
from typing import Any, TypeVar
from uuid import UUID

from domain.values import ContractType, FinalResult, LeftReason
from infra.simulation_catalogue import CONTRACTS, DEFAULT_TRACK, TRACKS, Track

T = TypeVar("T")
COHORT_SIZE = 25
TRAINEES_PER_MENTOR = 15
FOLLOW_UP_DELAY = 14  # a follow-up is taken up to two weeks after the six-month date


class SimulationError(RuntimeError):
    """The simulation cannot run as asked (a programme too short, a seed used otherwise)."""


@dataclass(frozen=True)
class ProgrammeFacts:
    """What the simulator needs to know of the programme it fills."""

    code: str
    launched_on: date
    starts_on: date
    horizon: date  # the last day anything may happen: the programme's end, or today
    careers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Step:
    """One application command of the simulation, in the order of `occurred_on` then `order`."""

    occurred_on: date
    order: int
    command_id: str
    command: str  # the name of the Tremplin method
    args: tuple[Any, ...]
    reads: tuple[UUID, ...]  # aggregates it loads, read ahead in bulk


@dataclass
class Cohort:
    cohort_id: str
    track_name: str
    track: Track
    opened_on: date
    starts_on: date
    ends_on: date
    employability: float  # the share of its leavers in work or training six months on
    members: list[Stint] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days


@dataclass
class Stint:
    """One enrolment of one person: when it began, when and how it ended."""

    person: Person
    cohort: Cohort
    enrolled_on: date
    left_on: date
    reason: LeftReason
    final_result: FinalResult | None


@dataclass
class Person:
    ref: str
    stints: list[Stint] = field(default_factory=list)

    @property
    def last(self) -> Stint:
        return self.stints[-1]


@dataclass(frozen=True)
class Offer:
    offer_ref: str
    employer_ref: str
    track_name: str
    rome_code: str
    contract: ContractType
    posted_on: date


def days(n: int) -> timedelta:
    return timedelta(days=n)


def six_months_after(day: date) -> date:
    """The same day six months later, clamped to the month's end (08-31 → 02-28)."""
    year, month = divmod(day.month - 1 + 6, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def six_months_before(day: date) -> date:
    year, month = divmod(day.month - 1 - 6, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "track"


class Planner:
    """The seeded random stream and the steps written so far."""

    def __init__(self, facts: ProgrammeFacts, seed: int) -> None:
        self.facts, self.seed = facts, seed
        self.rng = random.Random(seed)
        self.steps: list[Step] = []
        self._per_owner: dict[str, int] = {}

    def add(self, owner: str, command: str, args: tuple[Any, ...], day: date, *reads: UUID) -> None:
        n = self._per_owner.get(owner, 0)
        self._per_owner[owner] = n + 1
        command_id = f"sim/{self.seed}/{owner}/{n:03d}-{command}"
        self.steps.append(Step(day, len(self.steps), command_id, command, args, reads))

    def between(self, low: date, high: date) -> date:
        """A day in [low, high]; `low` when the range is empty."""
        return low + days(self.rng.randint(0, max(0, (high - low).days)))

    def pick(self, weighted: Sequence[tuple[T, float]]) -> T:
        values = [value for value, _ in weighted]
        return self.rng.choices(values, [weight for _, weight in weighted])[0]

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability


def plan_cohorts(planner: Planner, trainees: int) -> list[Cohort]:
    """About 25 trainees a cohort, tracks in turn, each track's starts spread over the months
    whose cohorts end early enough for a follow-up six months later."""
    facts = planner.facts
    base = max(facts.launched_on, facts.starts_on)
    latest_end = six_months_before(facts.horizon) - days(FOLLOW_UP_DELAY)
    starts = {
        name: _monthly_starts(base + days(45), latest_end - days(7 * track.weeks))
        for name, track in _tracks(facts.careers)
    }
    usable = [(name, track) for name, track in _tracks(facts.careers) if starts[name]]
    if not usable:
        raise SimulationError(
            f"programme {facts.code} ({facts.starts_on} → {facts.horizon}) is too short for a"
            " cohort and a follow-up six months after it"
        )
    count = max(1, ceil(trainees / COHORT_SIZE))
    per_track = [len(range(t, count, len(usable))) for t in range(len(usable))]
    cohorts: list[Cohort] = []
    seen: dict[str, int] = {}
    for k in range(count):
        t, j = k % len(usable), k // len(usable)
        name, track = usable[t]
        start = starts[name][j * len(starts[name]) // per_track[t]]
        base_id = f"sim{planner.seed}-{slug(name)}-{start:%Y-%m}"
        seen[base_id] = seen.get(base_id, 0) + 1
        cohort_id = base_id if seen[base_id] == 1 else f"{base_id}-{seen[base_id]}"
        cohorts.append(
            Cohort(
                cohort_id,
                name,
                track,
                max(start - days(45), base),
                start,
                start + days(7 * track.weeks - 3),  # a Friday
                0.89 + planner.rng.uniform(-0.05, 0.05),
            )
        )
    return cohorts


def _tracks(careers: tuple[str, ...]) -> list[tuple[str, Track]]:
    return [(name, TRACKS.get(name, DEFAULT_TRACK)) for name in careers or ("numérique",)]


def _monthly_starts(earliest: date, latest: date) -> list[date]:
    """Each month's first Monday from its 2nd day (so never 1 January), between the two days."""
    found, year, month = [], earliest.year, earliest.month
    while date(year, month, 1) <= latest:
        second = date(year, month, 2)
        monday = second + days((7 - second.weekday()) % 7)
        if earliest <= monday <= latest:
            found.append(monday)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def plan_people(planner: Planner, cohorts: list[Cohort], trainees: int) -> list[Person]:
    """Each person's enrolments: most complete, some drop out (a few come back later), some
    leave early for a job."""
    width = max(4, len(str(trainees)))
    order = list(range(trainees))
    planner.rng.shuffle(order)
    people = []
    for i in range(trainees):
        person = Person(f"sim-{planner.seed}-{i + 1:0{width}d}")
        cohort = cohorts[order[i] % len(cohorts)]
        enrolled_on = planner.between(cohort.starts_on - days(21), cohort.starts_on - days(3))
        stint = _stint(planner, person, cohort, max(enrolled_on, cohort.opened_on + days(1)))
        if stint.reason is LeftReason.DROPPED_OUT and planner.chance(0.4):
            _come_back(planner, person, cohorts, stint)
        people.append(person)
    return people


def _stint(
    planner: Planner, person: Person, cohort: Cohort, enrolled_on: date, *, again: bool = False
) -> Stint:
    rng, length = planner.rng, cohort.days
    fate = rng.random()
    if fate < (0.15 if again else 0.10):
        reason, result = LeftReason.DROPPED_OUT, None
        left_on = cohort.starts_on + days(rng.randint(10, int(length * 0.7)))
    elif fate < 0.17 and not again:
        reason, result = LeftReason.FOUND_WORK, None
        left_on = cohort.starts_on + days(rng.randint(length // 2, length - 7))
    else:
        reason, left_on = LeftReason.COMPLETED, cohort.ends_on
        result = FinalResult.DISTINCTION if planner.chance(0.2) else FinalResult.PASS
    stint = Stint(person, cohort, enrolled_on, left_on, reason, result)
    person.stints.append(stint)
    cohort.members.append(stint)
    return stint


def _come_back(planner: Planner, person: Person, cohorts: list[Cohort], left: Stint) -> None:
    """Re-enrol a drop-out in a later cohort, of the same track when there is one."""
    later = [c for c in cohorts if c.starts_on - days(3) >= left.left_on + days(14)]
    if not later:
        return
    same = [c for c in later if c.track_name == left.cohort.track_name]
    cohort = min(same or later, key=lambda c: (c.starts_on, c.cohort_id))
    low = max(left.left_on + days(14), cohort.opened_on + days(1), cohort.starts_on - days(21))
    _stint(planner, person, cohort, planner.between(low, cohort.starts_on - days(3)), again=True)


def plan_offers(planner: Planner, cohorts: list[Cohort], employers: int, count: int) -> list[Offer]:
    """Job offers, one per track before the first cohort starts, the rest over the programme."""
    first = min(c.starts_on for c in cohorts) - days(30)
    last = max(first, planner.facts.horizon - days(60))
    tracks = sorted({c.track_name: c.track for c in cohorts}.items())
    contracts = [(c, w) for c, w in CONTRACTS if c is not ContractType.SELF_EMPLOYED]
    offers = []
    for k in range(max(count, len(tracks))):
        name, track = tracks[k] if k < len(tracks) else planner.rng.choice(tracks)
        posted_on = first if k < len(tracks) else planner.between(first, last)
        offers.append(
            Offer(
                f"sim-{planner.seed}-offer-{k + 1:04d}",
                f"sim-{planner.seed}-employer-{planner.rng.randrange(employers) + 1:03d}",
                name,
                planner.rng.choice(track.rome_codes),
                planner.pick(contracts),
                posted_on,
            )
        )
    return sorted(offers, key=lambda o: (o.posted_on, o.offer_ref))
