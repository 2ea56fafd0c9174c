"""Placement commands: employers, offers, applications, hires, follow-up."""

from __future__ import annotations

from datetime import date

from domain.application.base import UnitOfWork, command
from domain.application.trainees import TraineeCommands
from domain.errors import AlreadyExists
from domain.ids import employer_id, offer_id
from domain.placement import Employer, JobOffer
from domain.values import ContractType, FollowUpStatus, PersonalDetails


class PlacementCommands(TraineeCommands):
    @command
    def register_employer(
        self,
        uow: UnitOfWork,
        employer_ref: str,
        name: str,
        sector: str | None = None,
        contact: PersonalDetails | None = None,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        if uow.exists(employer_id(employer_ref)):
            raise AlreadyExists(f"employer {employer_ref} is already registered")
        uow.add(
            Employer.register(
                employer_ref, name, sector, contact or PersonalDetails(), self.today(occurred_on)
            )
        )
        return employer_ref

    @command
    def post_offer(
        self,
        uow: UnitOfWork,
        employer_ref: str,
        offer_ref: str,
        title: str,
        rome_code: str,
        skills: tuple[str, ...],
        contract: ContractType,
        place: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        if uow.exists(offer_id(offer_ref)):
            raise AlreadyExists(f"offer {offer_ref} is already posted")
        employer = self.employer(uow, employer_ref)
        uow.add(
            JobOffer.post(
                employer,
                offer_ref,
                title,
                rome_code,
                skills,
                contract,
                place,
                self.today(occurred_on),
            )
        )
        return offer_ref

    @command
    def close_offer(
        self,
        uow: UnitOfWork,
        offer_ref: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.offer(uow, offer_ref).close(self.today(occurred_on))
        return offer_ref

    @command
    def apply_for_offer(
        self,
        uow: UnitOfWork,
        person_ref: str,
        offer_ref: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).apply_for(self.offer(uow, offer_ref), self.today(occurred_on))
        return offer_ref

    @command
    def hold_interview(
        self,
        uow: UnitOfWork,
        person_ref: str,
        offer_ref: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).hold_interview(
            self.offer(uow, offer_ref), self.today(occurred_on)
        )
        return offer_ref

    @command
    def hire(
        self,
        uow: UnitOfWork,
        person_ref: str,
        employer_ref: str,
        contract: ContractType,
        starts_on: date,
        offer_ref: str | None = None,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        offer = self.offer(uow, offer_ref) if offer_ref else None
        self.trainee(uow, person_ref).get_hired(
            self.employer(uow, employer_ref), offer, contract, starts_on, self.today(occurred_on)
        )
        return employer_ref

    @command
    def enter_further_training(
        self,
        uow: UnitOfWork,
        person_ref: str,
        course: str,
        starts_on: date,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).enter_further_training(
            course, starts_on, self.today(occurred_on)
        )
        return course

    @command
    def record_follow_up(
        self,
        uow: UnitOfWork,
        person_ref: str,
        cohort_id: str,
        status: FollowUpStatus,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).record_follow_up(cohort_id, status, self.today(occurred_on))
        return status.value

    @staticmethod
    def employer(uow: UnitOfWork, employer_ref: str) -> Employer:
        return uow.get(Employer, employer_id(employer_ref), f"there is no employer {employer_ref}")

    @staticmethod
    def offer(uow: UnitOfWork, offer_ref: str) -> JobOffer:
        return uow.get(JobOffer, offer_id(offer_ref), f"there is no job offer {offer_ref}")
