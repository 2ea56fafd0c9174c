"""A person in the programme: registration, enrolments, consents, leaving.

The trainee aggregate is the consistency boundary for everything a person does:
learning, coaching and placement commands are mixed in from their own modules.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.domain import Aggregate

from domain.coaching import CoachingActions
from domain.enrolment import Enrolment
from domain.errors import AlreadyEnrolled, ConsentNotGiven, InvalidValue, NotEnrolled
from domain.ids import trainee_id
from domain.learning import LearningActions
from domain.placement import PlacementActions
from domain.programme import Cohort
from domain.values import (
    ConsentScope,
    FinalResult,
    LeaderboardDisplay,
    LeftReason,
    PersonalDetails,
    key,
)


class Trainee(LearningActions, CoachingActions, PlacementActions, Aggregate):
    class Registered(Aggregate.Created):
        person_ref: str
        referred_by: str | None  # the job centre's code
        personal: PersonalDetails
        occurred_on: date

    class Enrolled(Aggregate.Event):
        programme_code: str
        cohort_id: str
        occurred_on: date

        def apply(self, aggregate: Trainee) -> None:
            aggregate.enrolments[self.cohort_id] = Enrolment(
                self.programme_code, self.cohort_id, self.occurred_on
            )

    class ConsentGiven(Aggregate.Event):
        scope: ConsentScope
        display: LeaderboardDisplay | None  # for the leaderboard scope
        pseudonym: str | None
        occurred_on: date

        def apply(self, aggregate: Trainee) -> None:
            aggregate.consents[self.scope] = self.display or LeaderboardDisplay.NAME

    class ConsentWithdrawn(Aggregate.Event):
        scope: ConsentScope
        occurred_on: date

        def apply(self, aggregate: Trainee) -> None:
            del aggregate.consents[self.scope]

    class Left(Aggregate.Event):
        cohort_id: str
        reason: LeftReason
        final_result: FinalResult | None
        occurred_on: date

        def apply(self, aggregate: Trainee) -> None:
            enrolment = aggregate.enrolments[self.cohort_id]
            enrolment.left_on = self.occurred_on
            enrolment.left_reason = self.reason
            enrolment.final_result = self.final_result

    def __init__(
        self, person_ref: str, referred_by: str | None, personal: PersonalDetails, occurred_on: date
    ) -> None:
        self.person_ref = person_ref
        self.referred_by = referred_by
        self.enrolments: dict[str, Enrolment] = {}
        self.consents: dict[ConsentScope, LeaderboardDisplay] = {}
        self.mentor_ref: str | None = None
        self.goals: dict[str, date | None] = {}
        self.applications: set[str] = set()

    @classmethod
    def register(
        cls, person_ref: str, referred_by: str | None, personal: PersonalDetails, occurred_on: date
    ) -> Trainee:
        return cls._create(
            cls.Registered,
            id=trainee_id(person_ref),
            person_ref=key("person_ref", person_ref),
            referred_by=referred_by,
            personal=personal,
            occurred_on=occurred_on,
        )

    def enrol(self, programme_code: str, cohort: Cohort, occurred_on: date) -> None:
        if cohort.cohort_id in self.enrolments:
            raise AlreadyEnrolled(
                f"{self.person_ref} is already enrolled in {cohort.cohort_id} "
                f"(since {self.enrolments[cohort.cohort_id].enrolled_on})"
            )
        cohort.ensure_open_on(occurred_on)
        self.trigger_event(
            self.Enrolled,
            programme_code=programme_code,
            cohort_id=cohort.cohort_id,
            occurred_on=occurred_on,
        )

    def give_consent(
        self,
        scope: ConsentScope,
        occurred_on: date,
        display: LeaderboardDisplay | None = None,
        pseudonym: str | None = None,
    ) -> None:
        if scope is ConsentScope.LEADERBOARD and display is None:
            raise InvalidValue("display", "say how to appear: name, pseudonym or hidden")
        if display is LeaderboardDisplay.PSEUDONYM and not (pseudonym and pseudonym.strip()):
            raise InvalidValue("pseudonym", "choose a pseudonym to appear under it")
        self.trigger_event(
            self.ConsentGiven,
            scope=scope,
            display=display,
            pseudonym=pseudonym.strip() if pseudonym else None,
            occurred_on=occurred_on,
        )

    def withdraw_consent(self, scope: ConsentScope, occurred_on: date) -> None:
        if scope not in self.consents:
            raise ConsentNotGiven(f"{self.person_ref} has not given the consent {scope}")
        self.trigger_event(self.ConsentWithdrawn, scope=scope, occurred_on=occurred_on)

    def leave(
        self,
        cohort_id: str,
        reason: LeftReason,
        occurred_on: date,
        final_result: FinalResult | None = None,
    ) -> None:
        self.enrolment(cohort_id).ensure_can_leave(occurred_on)
        self.trigger_event(
            self.Left,
            cohort_id=cohort_id,
            reason=reason,
            final_result=final_result,
            occurred_on=occurred_on,
        )

    def enrolment(self, cohort_id: str) -> Enrolment:
        try:
            return self.enrolments[cohort_id]
        except KeyError:
            raise NotEnrolled(f"{self.person_ref} is not enrolled in {cohort_id}") from None

    def ensure_ever_enrolled(self, what: str) -> None:
        if not self.enrolments:
            raise NotEnrolled(f"{self.person_ref} has never enrolled: {what} needs an enrolment")

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        super().trigger_event(event_class, **kwargs)
