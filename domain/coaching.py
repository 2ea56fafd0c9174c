"""Coaching: career mentors, their sessions with trainees, goals, and peer help."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from domain.errors import AlreadyExists, GoalNotSet, InvalidValue
from domain.ids import mentor_id
from domain.values import PersonalDetails, key, required_text

if TYPE_CHECKING:
    from domain.enrolment import Enrolment

MAX_SESSION_MINUTES = 8 * 60


@dataclass(frozen=True)
class PrivateNote:
    """Free text written about a person: personal data, kept apart from the facts."""

    text: str


class Mentor(Aggregate):
    class Registered(Aggregate.Created):
        mentor_ref: str
        specialities: tuple[str, ...]
        personal: PersonalDetails
        occurred_on: date

    def __init__(
        self,
        mentor_ref: str,
        specialities: tuple[str, ...],
        personal: PersonalDetails,
        occurred_on: date,
    ) -> None:
        self.mentor_ref = mentor_ref
        self.specialities = specialities

    @classmethod
    def register(
        cls,
        mentor_ref: str,
        specialities: tuple[str, ...],
        personal: PersonalDetails,
        occurred_on: date,
    ) -> Mentor:
        return cls._create(
            cls.Registered,
            id=mentor_id(mentor_ref),
            mentor_ref=key("mentor_ref", mentor_ref),
            specialities=tuple(required_text("specialities", s) for s in specialities),
            personal=personal,
            occurred_on=occurred_on,
        )


class MentorAssigned(Aggregate.Event):
    mentor_ref: str
    occurred_on: date

    def apply(self, aggregate: Any) -> None:
        aggregate.mentor_ref = self.mentor_ref


class CoachingSessionHeld(Aggregate.Event):
    mentor_ref: str
    duration_minutes: int
    topics: tuple[str, ...]
    occurred_on: date
    personal: PrivateNote | None


class CoachingSessionPlanned(Aggregate.Event):
    """A coaching session agreed for a later day (`on`); held ones are `CoachingSessionHeld`."""

    mentor_ref: str
    on: date
    occurred_on: date


class GoalSet(Aggregate.Event):
    goal_id: str
    category: str  # cv, interview, certification, job_search, mobility…
    occurred_on: date
    personal: PrivateNote | None  # the goal in the trainee's own words

    def apply(self, aggregate: Any) -> None:
        aggregate.goals[self.goal_id] = None


class GoalAchieved(Aggregate.Event):
    goal_id: str
    occurred_on: date

    def apply(self, aggregate: Any) -> None:
        aggregate.goals[self.goal_id] = self.occurred_on


class PeerHelpGiven(Aggregate.Event):
    """Recorded on the helper's record: they helped `helped_ref` in a shared cohort."""

    helped_ref: str
    cohort_id: str
    occurred_on: date


class CoachingActions:
    """The trainee aggregate's coaching commands (mixed into `Trainee`)."""

    if TYPE_CHECKING:
        person_ref: str
        mentor_ref: str | None
        goals: dict[str, date | None]
        enrolments: dict[str, Enrolment]

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...
        def enrolment(self, cohort_id: str) -> Enrolment: ...
        def ensure_ever_enrolled(self, what: str) -> None: ...

    def assign_mentor(self, mentor: Mentor, occurred_on: date) -> None:
        self.ensure_ever_enrolled("being assigned a mentor")
        self.trigger_event(MentorAssigned, mentor_ref=mentor.mentor_ref, occurred_on=occurred_on)

    def hold_coaching_session(
        self,
        mentor: Mentor,
        duration_minutes: int,
        topics: tuple[str, ...],
        occurred_on: date,
        note: str | None = None,
    ) -> None:
        self.ensure_ever_enrolled("a coaching session")
        if not 0 < duration_minutes <= MAX_SESSION_MINUTES:
            raise InvalidValue(
                "duration_minutes",
                f"{duration_minutes} is not a session length (1–{MAX_SESSION_MINUTES} minutes)",
            )
        self.trigger_event(
            CoachingSessionHeld,
            mentor_ref=mentor.mentor_ref,
            duration_minutes=duration_minutes,
            topics=tuple(required_text("topics", t) for t in topics),
            occurred_on=occurred_on,
            personal=PrivateNote(note) if note else None,
        )

    def plan_coaching_session(self, mentor: Mentor, on: date, occurred_on: date) -> None:
        self.ensure_ever_enrolled("planning a coaching session")
        if on < occurred_on:
            raise InvalidValue("on", f"{on} is before the day it is planned ({occurred_on})")
        self.trigger_event(
            CoachingSessionPlanned, mentor_ref=mentor.mentor_ref, on=on, occurred_on=occurred_on
        )

    def set_goal(
        self, goal_id: str, category: str, occurred_on: date, note: str | None = None
    ) -> None:
        if goal_id in self.goals:
            raise AlreadyExists(f"goal {goal_id} is already set")
        self.trigger_event(
            GoalSet,
            goal_id=key("goal_id", goal_id),
            category=required_text("category", category),
            occurred_on=occurred_on,
            personal=PrivateNote(note) if note else None,
        )

    def achieve_goal(self, goal_id: str, occurred_on: date) -> None:
        if goal_id not in self.goals:
            raise GoalNotSet(f"goal {goal_id} was never set for {self.person_ref}")
        if self.goals[goal_id] is not None:
            raise AlreadyExists(f"goal {goal_id} was already achieved on {self.goals[goal_id]}")
        self.trigger_event(GoalAchieved, goal_id=goal_id, occurred_on=occurred_on)

    def give_peer_help(self, helped: CoachingActions, cohort_id: str, occurred_on: date) -> None:
        if helped.person_ref == self.person_ref:
            raise InvalidValue("helped_ref", "a trainee cannot record help given to themselves")
        self.enrolment(cohort_id).ensure_covers(occurred_on, "peer help")
        helped.enrolment(cohort_id).ensure_covers(occurred_on, "peer help")
        self.trigger_event(
            PeerHelpGiven,
            helped_ref=helped.person_ref,
            cohort_id=cohort_id,
            occurred_on=occurred_on,
        )
