"""Programme commands: launch, milestones, cohorts and their paths."""

from __future__ import annotations

from datetime import date

from domain.application.base import TremplinBase, UnitOfWork, command
from domain.errors import AlreadyExists
from domain.ids import cohort_claim_id, programme_id
from domain.programme import CohortClaim, PathStep, Programme, Targets
from domain.values import Period


class ProgrammeCommands(TremplinBase):
    @command
    def launch_programme(
        self,
        uow: UnitOfWork,
        code: str,
        name: str,
        funders: tuple[str, ...],
        period: Period,
        targets: Targets,
        certifications: tuple[str, ...] = (),
        careers: tuple[str, ...] = (),
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        if uow.exists(programme_id(code)):
            raise AlreadyExists(f"programme {code} is already launched")
        uow.add(
            Programme.launch(
                code,
                name,
                funders,
                period,
                targets,
                certifications,
                careers,
                occurred_on=self.today(occurred_on),
            )
        )
        return code

    @command
    def declare_milestone(
        self,
        uow: UnitOfWork,
        code: str,
        milestone_id: str,
        title: str,
        due_on: date,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        programme = self.programme(uow, code)
        programme.declare_milestone(milestone_id, title, due_on, self.today(occurred_on))
        return milestone_id

    @command
    def complete_milestone(
        self,
        uow: UnitOfWork,
        code: str,
        milestone_id: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.programme(uow, code).complete_milestone(milestone_id, self.today(occurred_on))
        return milestone_id

    @command
    def open_cohort(
        self,
        uow: UnitOfWork,
        code: str,
        cohort_id: str,
        track: str,
        period: Period,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        programme = self.programme(uow, code)
        if uow.exists(cohort_claim_id(cohort_id)):
            raise AlreadyExists(f"cohort id {cohort_id} is already used")
        programme.open_cohort(cohort_id, track, period, self.today(occurred_on))
        uow.add(CohortClaim.claim(cohort_id, code))
        return cohort_id

    @command
    def define_path(
        self,
        uow: UnitOfWork,
        code: str,
        cohort_id: str,
        steps: tuple[PathStep, ...],
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.programme(uow, code).define_path(cohort_id, steps, self.today(occurred_on))
        return cohort_id

    @command
    def add_simulated_history(
        self,
        uow: UnitOfWork,
        code: str,
        seed: int,
        trainees: int,
        generator: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        """Mark the programme as holding a generated history (recorded before that history)."""
        self.programme(uow, code).add_simulated_history(
            seed, trainees, generator, self.today(occurred_on)
        )
        return code

    @staticmethod
    def programme(uow: UnitOfWork, code: str) -> Programme:
        return uow.get(Programme, programme_id(code), f"there is no programme {code}")
