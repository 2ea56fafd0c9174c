"""Learning commands, each recorded on the trainee's record for one enrolment."""

from __future__ import annotations

from datetime import date

from domain.application.base import UnitOfWork, command
from domain.application.trainees import TraineeCommands
from domain.learning import CertificationScheme


class LearningCommands(TraineeCommands):
    @command
    def start_module(
        self,
        uow: UnitOfWork,
        person_ref: str,
        cohort_id: str,
        module_id: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).start_module(cohort_id, module_id, self.today(occurred_on))
        return module_id

    @command
    def complete_module(
        self,
        uow: UnitOfWork,
        person_ref: str,
        cohort_id: str,
        module_id: str,
        score: float | None = None,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).complete_module(
            cohort_id, module_id, score, self.today(occurred_on)
        )
        return module_id

    @command
    def submit_assessment(
        self,
        uow: UnitOfWork,
        person_ref: str,
        cohort_id: str,
        assessment_id: str,
        score: float | None,
        credited: bool = False,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).submit_assessment(
            cohort_id, assessment_id, score, credited, self.today(occurred_on)
        )
        return assessment_id

    @command
    def attend_session(
        self,
        uow: UnitOfWork,
        person_ref: str,
        cohort_id: str,
        session_id: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).attend_session(cohort_id, session_id, self.today(occurred_on))
        return session_id

    @command
    def attempt_simulation(
        self,
        uow: UnitOfWork,
        person_ref: str,
        cohort_id: str,
        simulation_id: str,
        score: float,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).attempt_simulation(
            cohort_id, simulation_id, score, self.today(occurred_on)
        )
        return simulation_id

    @command
    def play_serious_game(
        self,
        uow: UnitOfWork,
        person_ref: str,
        cohort_id: str,
        game_id: str,
        score: int,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).play_serious_game(
            cohort_id, game_id, score, self.today(occurred_on)
        )
        return game_id

    @command
    def record_certification(
        self,
        uow: UnitOfWork,
        person_ref: str,
        cohort_id: str,
        scheme: CertificationScheme,
        exam: str,
        score: float | None,
        vendor: str | None = None,
        passed: bool | None = None,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).record_certification(
            cohort_id, scheme, exam, score, self.today(occurred_on), vendor=vendor, passed=passed
        )
        return exam
