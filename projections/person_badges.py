"""Each person's badges, latest first, for their Badges and Today pages.

Badges are recorded by the badge policy after the other read models' pass, so a
new badge shows here at the next pass. References, ids and days only.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.badges import Badge
from projections.store import ViewStore

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS person_badges (person_ref TEXT NOT NULL,"
    " badge_id TEXT NOT NULL, awarded_on TEXT NOT NULL, rule_version TEXT NOT NULL,"
    " evidence_position INTEGER NOT NULL, position INTEGER NOT NULL,"
    " PRIMARY KEY (person_ref, badge_id))",
)


class PersonBadges:
    """Applies `Badge.Awarded` to `person_badges`; the runner supplies the transaction."""

    name = "person_badges"
    version = 1
    event_classes = (Badge.Awarded,)
    tables = ("person_badges",)

    def create(self, connection: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            connection.execute(statement)

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        connection.execute(
            "INSERT INTO person_badges (person_ref, badge_id, awarded_on, rule_version,"
            " evidence_position, position) VALUES (?, ?, ?, ?, ?, ?)",
            (event.person_ref, event.badge_id, event.occurred_on.isoformat(),
             event.rule_version, event.evidence_position, position),
        )  # fmt: skip


@dataclass(frozen=True)
class BadgeView:
    badge_id: str  # "first-module", "streak-5-days"…: the page names it in the trainee's language
    awarded_on: date  # the day of the fact that earned it
    rule_version: str  # of the rules that awarded it
    evidence_position: int  # log position of that fact


def badges_of(views: ViewStore, person_ref: str) -> list[BadgeView]:
    """The person's badges, latest first (by the day earned, then as recorded)."""
    rows = views.query(
        "SELECT badge_id, awarded_on, rule_version, evidence_position FROM person_badges"
        " WHERE person_ref = ? ORDER BY awarded_on DESC, position DESC",
        (person_ref,),
    )
    return [
        BadgeView(
            badge_id=row["badge_id"],
            awarded_on=date.fromisoformat(row["awarded_on"]),
            rule_version=row["rule_version"],
            evidence_position=int(row["evidence_position"]),
        )
        for row in rows
    ]
