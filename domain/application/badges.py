"""Badge commands: a badge recorded for a registered trainee, once."""

from __future__ import annotations

from datetime import date

from domain.application.base import TremplinBase, UnitOfWork, command
from domain.badges import Badge, badge_aggregate_id
from domain.errors import AlreadyExists, InvalidValue, NotFound
from domain.ids import trainee_id


class BadgeCommands(TremplinBase):
    @command
    def award_badge(
        self,
        uow: UnitOfWork,
        person_ref: str,
        badge_id: str,
        rule_version: str,
        evidence_position: int,
        *,
        occurred_on: date,
        command_id: str | None = None,
    ) -> str:
        if not uow.exists(trainee_id(person_ref)):
            raise NotFound(f"there is no trainee {person_ref}")
        if uow.exists(badge_aggregate_id(person_ref, badge_id)):
            raise AlreadyExists(f"{person_ref} already has the badge {badge_id}")
        if evidence_position < 1:
            raise InvalidValue("evidence_position", "a log position starts at 1")
        uow.add(
            Badge.award(
                person_ref, badge_id, rule_version, evidence_position, self.today(occurred_on)
            )
        )
        return badge_id
