"""Badges: recognitions awarded once to a person, kept as events.

A badge is never taken back: when the rules that award badges change, those
already awarded stay, with the version of the rules that awarded them and the
log position of the fact that earned them.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.values import key, required_text

_BADGE_NAMESPACE = UUID("3b0f8a52-9d1e-4c36-8f0a-5e2d7c41b9a6")


def badge_aggregate_id(person_ref: str, badge_id: str) -> UUID:
    """One badge of a kind per person: the same person and badge name one aggregate."""
    return uuid5(_BADGE_NAMESPACE, f"badge:{person_ref}:{badge_id}")


class Badge(Aggregate):
    class Awarded(Aggregate.Created):
        person_ref: str
        badge_id: str  # "first-module", "streak-5-days"…
        rule_version: str  # of the rules that awarded it
        evidence_position: int  # log position of the event that earned it
        occurred_on: date  # when that event happened

    def __init__(
        self,
        person_ref: str,
        badge_id: str,
        rule_version: str,
        evidence_position: int,
        occurred_on: date,
    ) -> None:
        self.person_ref = person_ref
        self.badge_id = badge_id
        self.rule_version = rule_version
        self.evidence_position = evidence_position
        self.awarded_on = occurred_on

    @classmethod
    def award(
        cls,
        person_ref: str,
        badge_id: str,
        rule_version: str,
        evidence_position: int,
        occurred_on: date,
    ) -> Badge:
        return cls._create(
            cls.Awarded,
            id=badge_aggregate_id(person_ref, badge_id),
            person_ref=key("person_ref", person_ref),
            badge_id=key("badge_id", badge_id),
            rule_version=required_text("rule_version", rule_version),
            evidence_position=evidence_position,
            occurred_on=occurred_on,
        )
