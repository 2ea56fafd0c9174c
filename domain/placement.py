"""Placement: employers, job offers, applications, hiring and the six-month follow-up."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from domain.errors import AlreadyExists, InvalidValue, NotFound, OfferClosed
from domain.ids import employer_id, offer_id
from domain.values import ContractType, FollowUpStatus, PersonalDetails, key, required_text

if TYPE_CHECKING:
    from domain.enrolment import Enrolment

ROME_CODE = re.compile(r"^[A-N][0-9]{4}$")  # France Travail's job codes, e.g. M1805


class Employer(Aggregate):
    class Registered(Aggregate.Created):
        employer_ref: str
        name: str
        sector: str | None
        personal: PersonalDetails  # the contact person
        occurred_on: date

    def __init__(
        self,
        employer_ref: str,
        name: str,
        sector: str | None,
        personal: PersonalDetails,
        occurred_on: date,
    ) -> None:
        self.employer_ref = employer_ref
        self.name = name

    @classmethod
    def register(
        cls,
        employer_ref: str,
        name: str,
        sector: str | None,
        contact: PersonalDetails,
        occurred_on: date,
    ) -> Employer:
        return cls._create(
            cls.Registered,
            id=employer_id(employer_ref),
            employer_ref=key("employer_ref", employer_ref),
            name=required_text("name", name),
            sector=sector,
            personal=contact,
            occurred_on=occurred_on,
        )


class JobOffer(Aggregate):
    class Posted(Aggregate.Created):
        offer_ref: str
        employer_ref: str
        title: str
        rome_code: str
        skills: tuple[str, ...]
        contract: ContractType
        place: str
        occurred_on: date

    class Closed(Aggregate.Event):
        occurred_on: date

        def apply(self, aggregate: JobOffer) -> None:
            aggregate.closed_on = self.occurred_on

    def __init__(
        self,
        offer_ref: str,
        employer_ref: str,
        title: str,
        rome_code: str,
        skills: tuple[str, ...],
        contract: ContractType,
        place: str,
        occurred_on: date,
    ) -> None:
        self.offer_ref = offer_ref
        self.employer_ref = employer_ref
        self.closed_on: date | None = None

    @classmethod
    def post(
        cls,
        employer: Employer,
        offer_ref: str,
        title: str,
        rome_code: str,
        skills: tuple[str, ...],
        contract: ContractType,
        place: str,
        occurred_on: date,
    ) -> JobOffer:
        if not ROME_CODE.match(rome_code):
            raise InvalidValue(
                "rome_code", f"{rome_code!r} is not a ROME code (a letter and 4 digits)"
            )
        return cls._create(
            cls.Posted,
            id=offer_id(offer_ref),
            offer_ref=key("offer_ref", offer_ref),
            employer_ref=employer.employer_ref,
            title=required_text("title", title),
            rome_code=rome_code,
            skills=tuple(required_text("skills", s) for s in skills),
            contract=contract,
            place=required_text("place", place),
            occurred_on=occurred_on,
        )

    def close(self, occurred_on: date) -> None:
        if self.closed_on is not None:
            raise OfferClosed(f"offer {self.offer_ref} closed on {self.closed_on}")
        self.trigger_event(self.Closed, occurred_on=occurred_on)


class ApplicationMade(Aggregate.Event):
    offer_ref: str
    occurred_on: date

    def apply(self, aggregate: Any) -> None:
        aggregate.applications.add(self.offer_ref)


class InterviewHeld(Aggregate.Event):
    offer_ref: str
    occurred_on: date


class Hired(Aggregate.Event):
    employer_ref: str
    offer_ref: str | None
    contract: ContractType
    starts_on: date
    occurred_on: date


class FurtherTrainingEntered(Aggregate.Event):
    course: str
    starts_on: date
    occurred_on: date


class FollowUpRecorded(Aggregate.Event):
    """Where the person was six months after leaving `cohort_id`."""

    cohort_id: str
    status: FollowUpStatus
    occurred_on: date

    def apply(self, aggregate: Any) -> None:
        aggregate.enrolments[self.cohort_id].followed_up = True


class PlacementActions:
    """The trainee aggregate's placement commands (mixed into `Trainee`)."""

    if TYPE_CHECKING:
        person_ref: str
        applications: set[str]
        enrolments: dict[str, Enrolment]

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...
        def enrolment(self, cohort_id: str) -> Enrolment: ...
        def ensure_ever_enrolled(self, what: str) -> None: ...

    def apply_for(self, offer: JobOffer, occurred_on: date) -> None:
        self.ensure_ever_enrolled("applying for a job")
        if offer.closed_on is not None and occurred_on > offer.closed_on:
            raise OfferClosed(f"offer {offer.offer_ref} closed on {offer.closed_on}")
        if offer.offer_ref in self.applications:
            raise AlreadyExists(f"{self.person_ref} already applied for {offer.offer_ref}")
        self.trigger_event(ApplicationMade, offer_ref=offer.offer_ref, occurred_on=occurred_on)

    def hold_interview(self, offer: JobOffer, occurred_on: date) -> None:
        if offer.offer_ref not in self.applications:
            raise NotFound(f"{self.person_ref} has not applied for {offer.offer_ref}")
        self.trigger_event(InterviewHeld, offer_ref=offer.offer_ref, occurred_on=occurred_on)

    def get_hired(
        self,
        employer: Employer,
        offer: JobOffer | None,
        contract: ContractType,
        starts_on: date,
        occurred_on: date,
    ) -> None:
        self.ensure_ever_enrolled("a hire through the programme")
        if offer is not None and offer.employer_ref != employer.employer_ref:
            raise InvalidValue(
                "offer_ref", f"offer {offer.offer_ref} was posted by {offer.employer_ref}"
            )
        self.trigger_event(
            Hired,
            employer_ref=employer.employer_ref,
            offer_ref=offer.offer_ref if offer else None,
            contract=contract,
            starts_on=starts_on,
            occurred_on=occurred_on,
        )

    def enter_further_training(self, course: str, starts_on: date, occurred_on: date) -> None:
        self.ensure_ever_enrolled("further training")
        self.trigger_event(
            FurtherTrainingEntered,
            course=required_text("course", course),
            starts_on=starts_on,
            occurred_on=occurred_on,
        )

    def record_follow_up(self, cohort_id: str, status: FollowUpStatus, occurred_on: date) -> None:
        enrolment = self.enrolment(cohort_id)
        if enrolment.left_on is None:
            raise InvalidValue("cohort_id", f"{self.person_ref} has not left {cohort_id} yet")
        if enrolment.followed_up:
            raise AlreadyExists(f"the follow-up of {self.person_ref} in {cohort_id} is recorded")
        if occurred_on < enrolment.left_on:
            raise InvalidValue(
                "occurred_on", f"a follow-up cannot precede leaving ({enrolment.left_on})"
            )
        self.trigger_event(
            FollowUpRecorded, cohort_id=cohort_id, status=status, occurred_on=occurred_on
        )
