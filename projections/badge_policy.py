"""The badge policy: follows the log and records each badge a trainee earns, once.

Badges are events (`Badge.Awarded`), not rows: a badge awarded under one
version of these rules stays when the rules change. The policy keeps the state
its rules need in its own tables (`badge_*`), committed with its position
("badge-policy") in one transaction. A badge is recorded in the log before that
commit, with the command id `badge/<person>/<badge>`: after a crash the same
events are read again and the same commands replay, recording nothing new.

Rules (version `BADGE_RULES_VERSION`):
- `first-module`: the first module completed;
- `streak-5-days`: learning activity on 5 consecutive days (occurred_on);
- `first-certification`: the first certification passed;
- `helped-3-peers`: peer help given to 3 different people.
Each badge's `occurred_on` is that of the event that earned it.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

from domain.application import Tremplin
from domain.coaching import PeerHelpGiven
from domain.errors import AlreadyExists, CommandConflict
from domain.learning import (
    AssessmentSubmitted,
    CertificationResultRecorded,
    ModuleCompleted,
    ModuleStarted,
    SeriousGamePlayed,
    SessionAttended,
    SimulationAttempted,
)
from domain.trainee import Trainee
from projections.runner import catch_up, prepare
from projections.store import ViewStore

BADGE_RULES_VERSION = "badges-2026-12-1"
FIRST_MODULE = "first-module"
STREAK_5_DAYS = "streak-5-days"
FIRST_CERTIFICATION = "first-certification"
HELPED_3_PEERS = "helped-3-peers"
STREAK_DAYS = 5
PEERS_TO_HELP = 3
LEARNING_ACTIVITY = (
    ModuleStarted,
    ModuleCompleted,
    AssessmentSubmitted,
    SessionAttended,
    SimulationAttempted,
    SeriousGamePlayed,
    CertificationResultRecorded,
)
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS badge_people (trainee_id TEXT PRIMARY KEY,"
    " person_ref TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS badge_activity_days (person_ref TEXT NOT NULL,"
    " day TEXT NOT NULL, PRIMARY KEY (person_ref, day))",
    "CREATE TABLE IF NOT EXISTS badge_peers_helped (person_ref TEXT NOT NULL,"
    " helped_ref TEXT NOT NULL, PRIMARY KEY (person_ref, helped_ref))",
    "CREATE TABLE IF NOT EXISTS badge_earned (person_ref TEXT NOT NULL, badge_id TEXT NOT NULL,"
    " evidence_position INTEGER NOT NULL, PRIMARY KEY (person_ref, badge_id))",
)


class BadgePolicy:
    """Runs like a projection (its tables, its position) and awards badges through `app`."""

    name = "badge-policy"
    version = 1
    event_classes = (Trainee.Registered, *LEARNING_ACTIVITY, PeerHelpGiven)
    tables = ("badge_people", "badge_activity_days", "badge_peers_helped", "badge_earned")

    def __init__(self, app: Tremplin) -> None:
        self.app = app
        self.recorded = 0  # badges this policy recorded (not replays)

    def create(self, connection: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            connection.execute(statement)

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        trainee = event.originator_id.hex
        if isinstance(event, Trainee.Registered):
            connection.execute(
                "INSERT INTO badge_people (trainee_id, person_ref) VALUES (?, ?)",
                (trainee, event.person_ref),
            )
            return
        row = connection.execute(
            "SELECT person_ref FROM badge_people WHERE trainee_id = ?", (trainee,)
        ).fetchone()
        if row is None:
            return
        person = str(row[0])
        for badge in self._earned_by(connection, person, event):
            self._award(connection, person, badge, event, position)

    def _earned_by(self, connection: sqlite3.Connection, person: str, event: Any) -> list[str]:
        earned = []
        if isinstance(event, ModuleCompleted):
            earned.append(FIRST_MODULE)
        if isinstance(event, CertificationResultRecorded) and event.passed:
            earned.append(FIRST_CERTIFICATION)
        if (
            isinstance(event, PeerHelpGiven)
            and _peers_helped(connection, person, event) >= PEERS_TO_HELP
        ):
            earned.append(HELPED_3_PEERS)
        is_activity = isinstance(event, LEARNING_ACTIVITY) and not getattr(event, "credited", False)
        if is_activity and _streak_through(connection, person, event.occurred_on) >= STREAK_DAYS:
            earned.append(STREAK_5_DAYS)
        return earned

    def _award(
        self, connection: sqlite3.Connection, person: str, badge: str, event: Any, position: int
    ) -> None:
        if connection.execute(
            "SELECT 1 FROM badge_earned WHERE person_ref = ? AND badge_id = ?", (person, badge)
        ).fetchone():
            return
        try:
            result = self.app.award_badge(
                person,
                badge,
                BADGE_RULES_VERSION,
                position,
                occurred_on=event.occurred_on,
                command_id=f"badge/{person}/{badge}",
            )
            self.recorded += not result.replayed
        except (AlreadyExists, CommandConflict):
            pass  # awarded before, by hand or under other rules: it stays as it was
        connection.execute(
            "INSERT INTO badge_earned (person_ref, badge_id, evidence_position) VALUES (?, ?, ?)",
            (person, badge, position),
        )


def _peers_helped(connection: sqlite3.Connection, person: str, event: PeerHelpGiven) -> int:
    connection.execute(
        "INSERT INTO badge_peers_helped (person_ref, helped_ref) VALUES (?, ?)"
        " ON CONFLICT (person_ref, helped_ref) DO NOTHING",
        (person, event.helped_ref),
    )
    row = connection.execute(
        "SELECT COUNT(*) FROM badge_peers_helped WHERE person_ref = ?", (person,)
    ).fetchone()
    return int(row[0])


def _streak_through(connection: sqlite3.Connection, person: str, day: date) -> int:
    """Records `day` as active; returns the length of the run of active days through it
    (looking no further than the streak needs on either side)."""
    connection.execute(
        "INSERT INTO badge_activity_days (person_ref, day) VALUES (?, ?)"
        " ON CONFLICT (person_ref, day) DO NOTHING",
        (person, day.isoformat()),
    )
    reach = timedelta(days=STREAK_DAYS - 1)
    active = {
        date.fromisoformat(row[0])
        for row in connection.execute(
            "SELECT day FROM badge_activity_days WHERE person_ref = ? AND day BETWEEN ? AND ?",
            (person, (day - reach).isoformat(), (day + reach).isoformat()),
        )
    }
    before = next(n for n in range(STREAK_DAYS) if day - timedelta(days=n + 1) not in active)
    after = next(n for n in range(STREAK_DAYS) if day + timedelta(days=n + 1) not in active)
    return before + 1 + after


def award_due_badges(app: Tremplin, store: ViewStore) -> int:
    """Read the log from the policy's position and record the badges due; returns how
    many badges were recorded (0 on a second run over the same log)."""
    policy = BadgePolicy(app)
    prepare(store, policy)
    catch_up(app, store, policy)
    return policy.recorded
