"""In-person session commands: a trainer schedules a session, a trainee checks in with its code."""

from __future__ import annotations

from datetime import date

from domain.application.base import UnitOfWork, command
from domain.application.trainees import TraineeCommands
from domain.errors import AlreadyExists
from domain.ids import cohort_claim_id, in_person_session_id, programme_id
from domain.programme import CohortClaim, Programme
from domain.sessions import InPersonSession, session_code


class SessionCommands(TraineeCommands):
    @command
    def schedule_session(
        self,
        uow: UnitOfWork,
        cohort_id: str,
        session_id: str,
        title: str,
        on: date,
        code: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        claim = uow.get(CohortClaim, cohort_claim_id(cohort_id), f"there is no cohort {cohort_id}")
        programme = uow.get(
            Programme,
            programme_id(claim.programme_code),
            f"there is no programme {claim.programme_code}",
        )
        session = InPersonSession.schedule(
            programme.cohort(cohort_id), session_id, title, on, code, self.today(occurred_on)
        )
        if uow.exists(session.id):
            raise AlreadyExists(f"cohort {cohort_id} already has a session with this code on {on}")
        uow.add(session)
        return session_id

    @command
    def check_in(
        self,
        uow: UnitOfWork,
        person_ref: str,
        cohort_id: str,
        code: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        """Records the trainee as attending today's session of their cohort with this code."""
        day = self.today(occurred_on)
        session = uow.get(
            InPersonSession,
            in_person_session_id(cohort_id, day, session_code(code)),
            "no session with this code today",
        )
        self.trainee(uow, person_ref).attend_session(cohort_id, session.session_id, day)
        return session.session_id
