"""Trainee commands: registration, enrolment, consent, leaving."""

from __future__ import annotations

from datetime import date

from domain.application.base import TremplinBase, UnitOfWork, command
from domain.application.jobcentres import ensure_registered_job_centre
from domain.errors import AlreadyExists
from domain.ids import programme_id, trainee_id
from domain.programme import Programme
from domain.trainee import Trainee
from domain.values import ConsentScope, FinalResult, LeaderboardDisplay, LeftReason, PersonalDetails


class TraineeCommands(TremplinBase):
    @command
    def register_trainee(
        self,
        uow: UnitOfWork,
        person_ref: str,
        personal: PersonalDetails,
        referred_by: str | None = None,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        if uow.exists(trainee_id(person_ref)):
            raise AlreadyExists(f"{person_ref} is already registered")
        if referred_by is not None:
            ensure_registered_job_centre(uow, "referred_by", referred_by)
        uow.add(Trainee.register(person_ref, referred_by, personal, self.today(occurred_on)))
        return person_ref

    @command
    def enrol(
        self,
        uow: UnitOfWork,
        person_ref: str,
        programme_code: str,
        cohort_id: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        programme = uow.get(
            Programme, programme_id(programme_code), f"there is no programme {programme_code}"
        )
        self.trainee(uow, person_ref).enrol(
            programme_code, programme.cohort(cohort_id), self.today(occurred_on)
        )
        return cohort_id

    @command
    def give_consent(
        self,
        uow: UnitOfWork,
        person_ref: str,
        scope: ConsentScope,
        display: LeaderboardDisplay | None = None,
        pseudonym: str | None = None,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).give_consent(
            scope, self.today(occurred_on), display, pseudonym
        )
        return scope.value

    @command
    def withdraw_consent(
        self,
        uow: UnitOfWork,
        person_ref: str,
        scope: ConsentScope,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).withdraw_consent(scope, self.today(occurred_on))
        return scope.value

    @command
    def leave(
        self,
        uow: UnitOfWork,
        person_ref: str,
        cohort_id: str,
        reason: LeftReason,
        final_result: FinalResult | None = None,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).leave(
            cohort_id, reason, self.today(occurred_on), final_result
        )
        return cohort_id

    @staticmethod
    def trainee(uow: UnitOfWork, person_ref: str) -> Trainee:
        return uow.get(Trainee, trainee_id(person_ref), f"{person_ref} is not registered")
