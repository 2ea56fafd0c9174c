"""Coaching, as a trainee sees it: their mentor, the next session planned, the last one
held, and their goals set and achieved, with the days.

No personal data: a goal shows its id and category, never the trainee's own words
(those stay in the event's personal field); a session shows its mentor's
reference, length and topics, never the mentor's note.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.coaching import (
    CoachingSessionHeld,
    CoachingSessionPlanned,
    GoalAchieved,
    GoalSet,
    MentorAssigned,
)
from domain.trainee import Trainee
from projections.store import ViewStore

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS coaching_people (trainee_id TEXT PRIMARY KEY,"
    " person_ref TEXT NOT NULL UNIQUE, mentor_ref TEXT)",
    # one plan per person, day and mentor: planning it again changes nothing
    "CREATE TABLE IF NOT EXISTS coaching_planned (person_ref TEXT NOT NULL,"
    " planned_for TEXT NOT NULL, mentor_ref TEXT NOT NULL, planned_on TEXT NOT NULL,"
    " position INTEGER NOT NULL, PRIMARY KEY (person_ref, planned_for, mentor_ref))",
    "CREATE TABLE IF NOT EXISTS coaching_held (person_ref TEXT NOT NULL,"
    " held_on TEXT NOT NULL, mentor_ref TEXT NOT NULL, duration_minutes INTEGER NOT NULL,"
    " topics TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (person_ref, position))",
    "CREATE INDEX IF NOT EXISTS coaching_held_by_day ON coaching_held (person_ref, held_on)",
    "CREATE TABLE IF NOT EXISTS coaching_goals (person_ref TEXT NOT NULL,"
    " goal_id TEXT NOT NULL, category TEXT NOT NULL, set_on TEXT NOT NULL, achieved_on TEXT,"
    " PRIMARY KEY (person_ref, goal_id))",
)


class CoachingPlans:
    """Applies coaching events to the `coaching_*` tables; the runner supplies the transaction."""

    name = "coaching"
    version = 1
    event_classes = (
        Trainee.Registered,
        MentorAssigned,
        CoachingSessionPlanned,
        CoachingSessionHeld,
        GoalSet,
        GoalAchieved,
    )
    tables = ("coaching_people", "coaching_planned", "coaching_held", "coaching_goals")

    def create(self, connection: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            connection.execute(statement)

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        if isinstance(event, Trainee.Registered):
            connection.execute(
                "INSERT INTO coaching_people (trainee_id, person_ref) VALUES (?, ?)",
                (event.originator_id.hex, event.person_ref),
            )
            return
        person = _person(connection, event)
        if isinstance(event, MentorAssigned):
            connection.execute(
                "UPDATE coaching_people SET mentor_ref = ? WHERE person_ref = ?",
                (event.mentor_ref, person),
            )
        elif isinstance(event, CoachingSessionPlanned):
            connection.execute(
                "INSERT INTO coaching_planned (person_ref, planned_for, mentor_ref, planned_on,"
                " position) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (person_ref, planned_for, mentor_ref) DO NOTHING",
                (person, event.on.isoformat(), event.mentor_ref, _day(event), position),
            )
        elif isinstance(event, CoachingSessionHeld):
            connection.execute(
                "INSERT INTO coaching_held (person_ref, held_on, mentor_ref, duration_minutes,"
                " topics, position) VALUES (?, ?, ?, ?, ?, ?)",
                (person, _day(event), event.mentor_ref, event.duration_minutes,
                 json.dumps(list(event.topics), ensure_ascii=False), position),
            )  # fmt: skip
        elif isinstance(event, GoalSet):
            connection.execute(
                "INSERT INTO coaching_goals (person_ref, goal_id, category, set_on)"
                " VALUES (?, ?, ?, ?)",
                (person, event.goal_id, event.category, _day(event)),
            )
        elif isinstance(event, GoalAchieved):
            connection.execute(
                "UPDATE coaching_goals SET achieved_on = ? WHERE person_ref = ? AND goal_id = ?",
                (_day(event), person, event.goal_id),
            )


def _person(connection: sqlite3.Connection, event: Any) -> str:
    row = connection.execute(
        "SELECT person_ref FROM coaching_people WHERE trainee_id = ?",
        (event.originator_id.hex,),
    ).fetchone()
    if row is None:
        raise RuntimeError(f"coaching: trainee {event.originator_id} was never registered")
    return str(row[0])


def _day(event: Any) -> str:
    return str(event.occurred_on.isoformat())


@dataclass(frozen=True)
class PlannedSession:
    on: date
    mentor_ref: str


@dataclass(frozen=True)
class HeldSession:
    on: date
    mentor_ref: str
    duration_minutes: int
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Goal:
    goal_id: str
    category: str  # cv, interview, certification, job_search, mobility…
    set_on: date
    achieved_on: date | None  # None while it is still a goal


@dataclass(frozen=True)
class CoachingView:
    person_ref: str
    mentor_ref: str | None  # the mentor assigned last
    next_session: PlannedSession | None  # the earliest planned from today on, not yet held
    last_session: HeldSession | None  # the latest held (by day, then as recorded)
    goals: list[Goal]  # by the day they were set, then id

    @property
    def open_goals(self) -> list[Goal]:
        return [goal for goal in self.goals if goal.achieved_on is None]

    @property
    def achieved_goals(self) -> list[Goal]:
        return [goal for goal in self.goals if goal.achieved_on is not None]


def coaching_of(views: ViewStore, person_ref: str, today: date) -> CoachingView:
    """The person's coaching as of `today`; empty for someone with none (or unknown).

    A plan counts as held (and is no longer "next") once a session is held on its day,
    with whichever mentor.
    """
    people = views.query(
        "SELECT mentor_ref FROM coaching_people WHERE person_ref = ?", (person_ref,)
    )
    planned = views.query(
        "SELECT planned_for, mentor_ref FROM coaching_planned p WHERE person_ref = ?"
        " AND planned_for >= ? AND NOT EXISTS (SELECT 1 FROM coaching_held h"
        " WHERE h.person_ref = p.person_ref AND h.held_on = p.planned_for)"
        " ORDER BY planned_for, position LIMIT 1",
        (person_ref, today.isoformat()),
    )
    held = views.query(
        "SELECT held_on, mentor_ref, duration_minutes, topics FROM coaching_held"
        " WHERE person_ref = ? ORDER BY held_on DESC, position DESC LIMIT 1",
        (person_ref,),
    )
    goals = views.query(
        "SELECT goal_id, category, set_on, achieved_on FROM coaching_goals"
        " WHERE person_ref = ? ORDER BY set_on, goal_id",
        (person_ref,),
    )
    return CoachingView(
        person_ref=person_ref,
        mentor_ref=people[0]["mentor_ref"] if people else None,
        next_session=_planned(planned[0]) if planned else None,
        last_session=_held(held[0]) if held else None,
        goals=[_goal(row) for row in goals],
    )


def _planned(row: sqlite3.Row) -> PlannedSession:
    return PlannedSession(date.fromisoformat(row["planned_for"]), row["mentor_ref"])


def _held(row: sqlite3.Row) -> HeldSession:
    return HeldSession(
        on=date.fromisoformat(row["held_on"]),
        mentor_ref=row["mentor_ref"],
        duration_minutes=int(row["duration_minutes"]),
        topics=tuple(json.loads(row["topics"])),
    )


def _goal(row: sqlite3.Row) -> Goal:
    achieved = row["achieved_on"]
    return Goal(
        goal_id=row["goal_id"],
        category=row["category"],
        set_on=date.fromisoformat(row["set_on"]),
        achieved_on=date.fromisoformat(achieved) if achieved else None,
    )
