"""XP awards: which facts of the log earn XP, once each, within a daily cap.

The `AwardLedger` decides and records awards in a table it names from a prefix,
so two projections (this one and the leaderboard) can each keep their own
ledger, follow the log from their own position and be rebuilt alone, with the
same decisions. Rules and values are in `projections.xp_rules`.

One award per fact: a fact has a key (`module:<person>:<cohort>:<module>`…);
a second event with the same key (a module completed again, an assessment
resubmitted, a session attended twice) earns nothing. A fact past the daily cap
of its action is still recorded, with the XP the cap left (often 0), so the
fact is spent and never earns later.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.coaching import GoalAchieved, PeerHelpGiven
from domain.learning import (
    AssessmentSubmitted,
    CertificationResultRecorded,
    ModuleCompleted,
    SeriousGamePlayed,
    SessionAttended,
    SimulationAttempted,
)
from domain.trainee import Trainee
from projections.store import ViewStore
from projections.xp_rules import RULES_VERSION, Action, level_for, xp_within_cap

EARNING_EVENTS: tuple[type, ...] = (
    ModuleCompleted,
    AssessmentSubmitted,
    SessionAttended,
    SimulationAttempted,
    SeriousGamePlayed,
    CertificationResultRecorded,
    GoalAchieved,
    PeerHelpGiven,
)
LEDGER_EVENTS: tuple[type, ...] = (Trainee.Registered, Trainee.Enrolled, *EARNING_EVENTS)


@dataclass(frozen=True)
class Fact:
    """What an event counts as: an action, the key that makes it one fact, its cohort."""

    action: Action
    key: str
    cohort_id: str | None  # None for a coaching goal: the ledger attributes it to an enrolment


@dataclass(frozen=True)
class Award:
    person_ref: str
    fact_key: str
    action: Action
    cohort_id: str | None
    programme_code: str | None
    occurred_on: date
    xp: int  # 0 when the daily cap was already reached
    position: int

    @property
    def month(self) -> str:
        return self.occurred_on.isoformat()[:7]  # YYYY-MM


def fact_of(event: Any, person: str) -> Fact | None:
    """The fact an event is, or None when it earns nothing (credited, failed)."""
    if isinstance(event, ModuleCompleted):
        return _fact(Action.MODULE_COMPLETED, event, "module", person, event.module_id)
    if isinstance(event, AssessmentSubmitted):
        if event.credited:  # banked from an earlier attempt: not done here
            return None
        return _fact(Action.ASSESSMENT_SUBMITTED, event, "assessment", person, event.assessment_id)
    if isinstance(event, SessionAttended):
        return _fact(Action.SESSION_ATTENDED, event, "session", person, event.session_id)
    if isinstance(event, SimulationAttempted):  # practice: once per simulation per day
        day = event.occurred_on.isoformat()
        return _fact(
            Action.SIMULATION_ATTEMPTED, event, "simulation", person, event.simulation_id, day
        )
    if isinstance(event, SeriousGamePlayed):  # practice: once per game per day
        day = event.occurred_on.isoformat()
        return _fact(Action.SERIOUS_GAME_PLAYED, event, "game", person, event.game_id, day)
    if isinstance(event, CertificationResultRecorded):
        if not event.passed:
            return None
        key = f"certification:{person}:{event.scheme}:{event.exam}"  # an exam passes once
        return Fact(Action.CERTIFICATION_PASSED, key, event.cohort_id)
    if isinstance(event, GoalAchieved):
        return Fact(Action.GOAL_ACHIEVED, f"goal:{person}:{event.goal_id}", None)
    if isinstance(event, PeerHelpGiven):  # once per peer helped per day
        day = event.occurred_on.isoformat()
        return _fact(Action.PEER_HELP_GIVEN, event, "peer-help", person, event.helped_ref, day)
    return None


def _fact(action: Action, event: Any, kind: str, person: str, *parts: str) -> Fact:
    return Fact(action, ":".join((kind, person, event.cohort_id, *parts)), event.cohort_id)


class AwardLedger:
    """Decides and records awards in `<prefix>_awards`, with the people and enrolments
    it needs (`<prefix>_people`, `<prefix>_enrolments`)."""

    def __init__(self, prefix: str) -> None:
        self.awards = f"{prefix}_awards"
        self.people = f"{prefix}_people"
        self.enrolments = f"{prefix}_enrolments"
        self.tables = (self.awards, self.people, self.enrolments)

    def create(self, connection: sqlite3.Connection) -> None:
        for statement in (
            f"CREATE TABLE IF NOT EXISTS {self.people}"
            " (trainee_id TEXT PRIMARY KEY, person_ref TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.enrolments} (trainee_id TEXT NOT NULL,"
            " cohort_id TEXT NOT NULL, programme_code TEXT NOT NULL, position INTEGER NOT NULL,"
            " PRIMARY KEY (trainee_id, cohort_id))",
            f"CREATE TABLE IF NOT EXISTS {self.awards} (person_ref TEXT NOT NULL,"
            " fact_key TEXT NOT NULL UNIQUE, action TEXT NOT NULL, cohort_id TEXT,"
            " programme_code TEXT, occurred_on TEXT NOT NULL, month TEXT NOT NULL,"
            " xp INTEGER NOT NULL, position INTEGER NOT NULL, rules_version TEXT NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {self.awards}_by_day"
            f" ON {self.awards} (person_ref, action, occurred_on)",
        ):
            connection.execute(statement)

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> Award | None:
        """Record what the event changes; returns the award it earned, if it is a new fact."""
        trainee = event.originator_id.hex
        if isinstance(event, Trainee.Registered):
            connection.execute(
                f"INSERT INTO {self.people} (trainee_id, person_ref) VALUES (?, ?)",
                (trainee, event.person_ref),
            )
            return None
        if isinstance(event, Trainee.Enrolled):
            connection.execute(
                f"INSERT INTO {self.enrolments} VALUES (?, ?, ?, ?)",
                (trainee, event.cohort_id, event.programme_code, position),
            )
            return None
        person = self._person_ref(connection, trainee)
        fact = fact_of(event, person) if person is not None else None
        if person is None or fact is None:
            return None
        earned_today = self._earned_today(connection, person, fact, event.occurred_on)
        if earned_today is None:
            return None
        cohort_id, programme_code = self._enrolment(connection, trainee, fact.cohort_id)
        award = Award(
            person_ref=person,
            fact_key=fact.key,
            action=fact.action,
            cohort_id=cohort_id,
            programme_code=programme_code,
            occurred_on=event.occurred_on,
            xp=xp_within_cap(fact.action, earned_today),
            position=position,
        )
        self._record(connection, award)
        return award

    def _person_ref(self, connection: sqlite3.Connection, trainee: str) -> str | None:
        row = connection.execute(
            f"SELECT person_ref FROM {self.people} WHERE trainee_id = ?", (trainee,)
        ).fetchone()
        return None if row is None else str(row[0])

    def _enrolment(
        self, connection: sqlite3.Connection, trainee: str, cohort_id: str | None
    ) -> tuple[str | None, str | None]:
        """(cohort, programme) of the fact; a fact without a cohort (a coaching goal)
        counts towards the person's latest enrolment recorded before it, if any."""
        if cohort_id is not None:
            row = connection.execute(
                f"SELECT cohort_id, programme_code FROM {self.enrolments}"
                " WHERE trainee_id = ? AND cohort_id = ?",
                (trainee, cohort_id),
            ).fetchone()
            return cohort_id, None if row is None else str(row[1])
        row = connection.execute(
            f"SELECT cohort_id, programme_code FROM {self.enrolments}"
            " WHERE trainee_id = ? ORDER BY position DESC LIMIT 1",
            (trainee,),
        ).fetchone()
        return (None, None) if row is None else (str(row[0]), str(row[1]))

    def _earned_today(
        self, connection: sqlite3.Connection, person: str, fact: Fact, day: date
    ) -> int | None:
        """The XP the fact's action already earned the person that day; None when the
        fact itself was already awarded (it never earns twice)."""
        spent, earned = connection.execute(
            f"SELECT (SELECT 1 FROM {self.awards} WHERE fact_key = ?),"
            f" (SELECT COALESCE(SUM(xp), 0) FROM {self.awards}"
            "  WHERE person_ref = ? AND action = ? AND occurred_on = ?)",
            (fact.key, person, fact.action.value, day.isoformat()),
        ).fetchone()
        return None if spent else int(earned)

    def _record(self, connection: sqlite3.Connection, award: Award) -> None:
        connection.execute(
            f"INSERT INTO {self.awards} (person_ref, fact_key, action, cohort_id,"
            " programme_code, occurred_on, month, xp, position, rules_version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                award.person_ref,
                award.fact_key,
                award.action.value,
                award.cohort_id,
                award.programme_code,
                award.occurred_on.isoformat(),
                award.month,
                award.xp,
                award.position,
                RULES_VERSION,
            ),
        )


class Gamification:
    """XP awards (`xp_awards`) and each person's total and level (`xp_totals`)."""

    name = "gamification"
    version = 1
    event_classes = LEDGER_EVENTS

    def __init__(self) -> None:
        self.ledger = AwardLedger("xp")
        self.tables = (*self.ledger.tables, "xp_totals")

    def create(self, connection: sqlite3.Connection) -> None:
        self.ledger.create(connection)
        connection.execute(
            "CREATE TABLE IF NOT EXISTS xp_totals (person_ref TEXT PRIMARY KEY,"
            " xp INTEGER NOT NULL, level INTEGER NOT NULL)"
        )

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        award = self.ledger.apply(connection, event, position)
        if isinstance(event, Trainee.Registered):
            connection.execute(
                "INSERT INTO xp_totals (person_ref, xp, level) VALUES (?, 0, ?)",
                (event.person_ref, level_for(0)),
            )
        elif award is not None and award.xp > 0:
            row = connection.execute(
                "SELECT xp FROM xp_totals WHERE person_ref = ?", (award.person_ref,)
            ).fetchone()
            total = int(row[0]) + award.xp
            connection.execute(
                "UPDATE xp_totals SET xp = ?, level = ? WHERE person_ref = ?",
                (total, level_for(total), award.person_ref),
            )


def xp_of(connection: sqlite3.Connection, person_ref: str) -> tuple[int, int] | None:
    """(XP, level) of a person, from `xp_totals`; None for someone never registered."""
    row = connection.execute(
        "SELECT xp, level FROM xp_totals WHERE person_ref = ?", (person_ref,)
    ).fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


def xp_and_level(views: ViewStore, person_ref: str) -> tuple[int, int]:
    """`xp_of` for readers of the views: (0, 1) for someone with no total yet."""
    rows = views.query("SELECT xp, level FROM xp_totals WHERE person_ref = ?", (person_ref,))
    return (int(rows[0][0]), int(rows[0][1])) if rows else (0, 1)
