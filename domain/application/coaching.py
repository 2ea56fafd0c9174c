"""Coaching commands: mentors, sessions, goals, peer help."""

from __future__ import annotations

from datetime import date

from domain.application.base import UnitOfWork, command
from domain.application.trainees import TraineeCommands
from domain.coaching import Mentor
from domain.errors import AlreadyExists, InvalidValue
from domain.ids import mentor_id
from domain.values import PersonalDetails


class CoachingCommands(TraineeCommands):
    @command
    def register_mentor(
        self,
        uow: UnitOfWork,
        mentor_ref: str,
        specialities: tuple[str, ...],
        personal: PersonalDetails,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        if uow.exists(mentor_id(mentor_ref)):
            raise AlreadyExists(f"mentor {mentor_ref} is already registered")
        uow.add(Mentor.register(mentor_ref, specialities, personal, self.today(occurred_on)))
        return mentor_ref

    @command
    def assign_mentor(
        self,
        uow: UnitOfWork,
        person_ref: str,
        mentor_ref: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).assign_mentor(
            self.mentor(uow, mentor_ref), self.today(occurred_on)
        )
        return mentor_ref

    @command
    def hold_coaching_session(
        self,
        uow: UnitOfWork,
        person_ref: str,
        mentor_ref: str,
        duration_minutes: int,
        topics: tuple[str, ...],
        note: str | None = None,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).hold_coaching_session(
            self.mentor(uow, mentor_ref), duration_minutes, topics, self.today(occurred_on), note
        )
        return mentor_ref

    @command
    def plan_coaching_session(
        self,
        uow: UnitOfWork,
        person_ref: str,
        mentor_ref: str,
        on: date,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        """A session agreed with a mentor for `on` (today or later)."""
        self.trainee(uow, person_ref).plan_coaching_session(
            self.mentor(uow, mentor_ref), on, self.today(occurred_on)
        )
        return on.isoformat()

    @command
    def set_goal(
        self,
        uow: UnitOfWork,
        person_ref: str,
        goal_id: str,
        category: str,
        note: str | None = None,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).set_goal(goal_id, category, self.today(occurred_on), note)
        return goal_id

    @command
    def achieve_goal(
        self,
        uow: UnitOfWork,
        person_ref: str,
        goal_id: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        self.trainee(uow, person_ref).achieve_goal(goal_id, self.today(occurred_on))
        return goal_id

    @command
    def give_peer_help(
        self,
        uow: UnitOfWork,
        helper_ref: str,
        helped_ref: str,
        cohort_id: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        helper, helped = self.trainee(uow, helper_ref), self.trainee(uow, helped_ref)
        helper.give_peer_help(helped, cohort_id, self.today(occurred_on))
        return helped_ref

    @command
    def thank_peer(
        self,
        uow: UnitOfWork,
        person_ref: str,
        peer_ref: str,
        cohort_id: str,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        """`person_ref` thanks a peer who helped them: the help is recorded on the peer's
        record (peer help is credited to the helper), with the same rules as `give_peer_help`."""
        if peer_ref == person_ref:
            raise InvalidValue("peer_ref", "thank someone else: help to oneself is not recorded")
        peer, person = self.trainee(uow, peer_ref), self.trainee(uow, person_ref)
        peer.give_peer_help(person, cohort_id, self.today(occurred_on))
        return peer_ref

    @staticmethod
    def mentor(uow: UnitOfWork, mentor_ref: str) -> Mentor:
        return uow.get(Mentor, mentor_id(mentor_ref), f"there is no mentor {mentor_ref}")
