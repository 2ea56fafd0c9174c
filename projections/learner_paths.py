"""Learner paths: per person and enrolment, the cohort's required steps done and to do,
the progress, the next step, and a timeline of what the person did.

No personal data: rows hold references, ids, dates, scores and reasons only.
Facts that can get a step done are kept whether or not a path lists them yet,
so a path defined (or redefined) after the facts still finds them. Facts of
the person rather than of one cohort (coaching sessions, goals) are stored
with cohort id '' and placed in enrolments when read (see `path_of`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.coaching import CoachingSessionHeld, GoalAchieved, GoalSet
from domain.learning import (
    AssessmentSubmitted,
    CertificationResultRecorded,
    ModuleCompleted,
    ModuleStarted,
    SeriousGamePlayed,
    SessionAttended,
    SimulationAttempted,
)
from domain.programme import Programme, StepKind
from domain.trainee import Trainee
from domain.values import FinalResult, LeftReason
from projections.store import ViewStore

PEOPLE_CACHED = 100_000  # person references kept in memory; beyond that, start over
PERSON_WIDE = ""  # the cohort id of a fact that belongs to the person, not to one enrolment
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS learner_path_people (trainee_id TEXT PRIMARY KEY,"
    " person_ref TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS learner_path_enrolments (person_ref TEXT NOT NULL,"
    " cohort_id TEXT NOT NULL, programme_code TEXT NOT NULL, enrolled_on TEXT NOT NULL,"
    " left_on TEXT, PRIMARY KEY (person_ref, cohort_id))",
    "CREATE TABLE IF NOT EXISTS learner_path_steps (cohort_id TEXT NOT NULL,"
    " step_id TEXT NOT NULL, position_in_path INTEGER NOT NULL, kind TEXT NOT NULL,"
    " title TEXT NOT NULL, due_on TEXT, weight REAL, PRIMARY KEY (cohort_id, step_id))",
    "CREATE TABLE IF NOT EXISTS learner_path_progress (person_ref TEXT NOT NULL,"
    " cohort_id TEXT NOT NULL, kind TEXT NOT NULL, step_id TEXT NOT NULL,"
    " done_on TEXT NOT NULL, position INTEGER NOT NULL,"
    " PRIMARY KEY (person_ref, cohort_id, kind, step_id))",
    "CREATE TABLE IF NOT EXISTS learner_path_timeline (person_ref TEXT NOT NULL,"
    " cohort_id TEXT NOT NULL, occurred_on TEXT NOT NULL, kind TEXT NOT NULL,"
    " label TEXT NOT NULL, position INTEGER NOT NULL, words TEXT,"
    " PRIMARY KEY (person_ref, cohort_id, position))",
)
# The first time a fact was recorded as done wins: its day, and its position in the log.
DONE = (
    "INSERT INTO learner_path_progress (person_ref, cohort_id, kind, step_id, done_on, position)"
    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_ref, cohort_id, kind, step_id)"
    " DO UPDATE SET done_on = excluded.done_on, position = excluded.position"
    " WHERE excluded.done_on < learner_path_progress.done_on"
)
TIMELINE = (
    "INSERT INTO learner_path_timeline (person_ref, cohort_id, occurred_on, kind, label, position,"
    " words) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def N_(message: str) -> str:  # noqa: N802 — the name `make i18n` looks for (babel.cfg)
    """Marks an English timeline text for the catalogues; the pages translate it."""
    return message


# A timeline text: an English msgid with %(name)s placeholders, and its values (a value may
# itself be such a text). The view keeps it beside the English label, so a page shows the
# timeline in its own language (`say`); the label stays the English for the API.
Words = dict[str, Any]  # {"text": msgid, "values": {name: str | float | Words}}
Fact = tuple[str, Words, tuple[StepKind, str] | None]  # timeline kind, text, the step it does
LEFT_BECAUSE = {
    LeftReason.COMPLETED: N_("Left %(cohort)s: completed%(result)s"),
    LeftReason.DROPPED_OUT: N_("Left %(cohort)s: dropped_out%(result)s"),
    LeftReason.FOUND_WORK: N_("Left %(cohort)s: found_work%(result)s"),
    LeftReason.OTHER: N_("Left %(cohort)s: other%(result)s"),
}
RESULTS = {
    FinalResult.DISTINCTION: N_(" (distinction)"),
    FinalResult.PASS: N_(" (pass)"),
    FinalResult.FAIL: N_(" (fail)"),
}


def _words(text: str, **values: Any) -> Words:
    return {"text": text, "values": values}


def _score(score: float | None) -> Words:
    return (
        _words(N_(", not marked"))
        if score is None
        else _words(N_(", score %(score)s"), score=score)
    )


def say(words: Words, translate: Callable[[str], str] | None = None, decimal: str = ".") -> str:
    """A timeline text in a language: `translate` gives a msgid's translation (English
    without it), `decimal` is that language's decimal mark (scores: 64, 72.5 or 72,5)."""

    def value(found: Any) -> str:
        if isinstance(found, dict):
            return say(found, translate, decimal)
        if isinstance(found, float | int):
            return f"{found:g}".replace(".", decimal)
        return str(found)

    text = translate(words["text"]) if translate else words["text"]
    values = {name: value(found) for name, found in words["values"].items()}
    return text % values if values else text


def _fact(event: Any) -> Fact:
    """What a fact shows in the timeline, and which step it gets done."""
    if isinstance(event, AssessmentSubmitted):
        how = (
            N_("Assessment %(id)s credited from an earlier attempt%(score)s")
            if event.credited
            else N_("Assessment %(id)s submitted%(score)s")
        )
        words = _words(how, id=event.assessment_id, score=_score(event.score))
        return "assessment", words, (StepKind.ASSESSMENT, event.assessment_id)
    if isinstance(event, ModuleStarted):
        return "module_started", _words(N_("Module %(id)s started"), id=event.module_id), None
    if isinstance(event, ModuleCompleted):
        text = N_("Module %(id)s completed%(score)s")
        words = _words(text, id=event.module_id, score=_score(event.score))
        return "module_completed", words, (StepKind.MODULE, event.module_id)
    if isinstance(event, SessionAttended):
        words = _words(N_("Session %(id)s attended"), id=event.session_id)
        return "session", words, (StepKind.SESSION, event.session_id)
    if isinstance(event, SimulationAttempted):
        text = N_("Job simulation %(id)s%(score)s")
        words = _words(text, id=event.simulation_id, score=_score(event.score))
        return "simulation", words, (StepKind.SIMULATION, event.simulation_id)
    if isinstance(event, SeriousGamePlayed):
        text = N_("Serious game %(id)s%(score)s")
        return "serious_game", _words(text, id=event.game_id, score=_score(event.score)), None
    if isinstance(event, CertificationResultRecorded):
        level = f", {event.level}" if event.level else ""
        text = (
            N_("Certification %(exam)s%(score)s%(level)s: passed")
            if event.passed
            else N_("Certification %(exam)s%(score)s%(level)s: not passed")
        )
        words = _words(text, exam=event.exam, score=_score(event.score), level=level)
        step = (StepKind.CERTIFICATION, event.exam) if event.passed else None
        return "certification", words, step
    if isinstance(event, CoachingSessionHeld):
        topics = _words(N_(": %(topics)s"), topics=", ".join(event.topics)) if event.topics else ""
        text = N_("Coaching session with %(mentor)s, %(minutes)s min%(topics)s")
        words = _words(
            text, mentor=event.mentor_ref, minutes=str(event.duration_minutes), topics=topics
        )
        return "coaching_session", words, None
    if isinstance(event, GoalSet):
        text = N_("Goal %(id)s set (%(category)s)")
        return "goal_set", _words(text, id=event.goal_id, category=event.category), None
    assert isinstance(event, GoalAchieved)
    return "goal_achieved", _words(N_("Goal %(id)s achieved"), id=event.goal_id), None


def _timeline_row(
    person: str, cohort_id: str, day: str, kind: str, words: Words, position: int
) -> tuple[Any, ...]:
    return (
        person,
        cohort_id,
        day,
        kind,
        say(words),
        position,
        json.dumps(words, ensure_ascii=False),
    )


def step_done_by(event: Any) -> tuple[StepKind, str] | None:
    """The path step a fact gets done (a module completed, a certification passed…), if any:
    one rule for the learner paths and for the job centres' progress milestones."""
    return _fact(event)[2]


def _enrolled(connection: sqlite3.Connection, event: Any, position: int, person: str) -> None:
    day = event.occurred_on.isoformat()
    connection.execute(
        "INSERT INTO learner_path_enrolments (person_ref, cohort_id, programme_code,"
        " enrolled_on) VALUES (?, ?, ?, ?)",
        (person, event.cohort_id, event.programme_code, day),
    )
    words = _words(N_("Enrolled in %(cohort)s"), cohort=event.cohort_id)
    connection.execute(
        TIMELINE, _timeline_row(person, event.cohort_id, day, "enrolled", words, position)
    )


def _left(connection: sqlite3.Connection, event: Any, position: int, person: str) -> None:
    day = event.occurred_on.isoformat()
    connection.execute(
        "UPDATE learner_path_enrolments SET left_on = ? WHERE person_ref = ? AND cohort_id = ?",
        (day, person, event.cohort_id),
    )
    result = _words(RESULTS[event.final_result]) if event.final_result else ""
    words = _words(LEFT_BECAUSE[event.reason], cohort=event.cohort_id, result=result)
    connection.execute(
        TIMELINE, _timeline_row(person, event.cohort_id, day, "left", words, position)
    )


def _did(connection: sqlite3.Connection, event: Any, position: int, person: str) -> None:
    day = event.occurred_on.isoformat()
    cohort_id = getattr(event, "cohort_id", PERSON_WIDE)  # coaching and goals: the person's
    kind, words, step = _fact(event)
    connection.execute(TIMELINE, _timeline_row(person, cohort_id, day, kind, words, position))
    if step is not None:
        connection.execute(DONE, (person, cohort_id, step[0].value, step[1], day, position))


def _path_defined(connection: sqlite3.Connection, event: Any) -> None:
    connection.execute("DELETE FROM learner_path_steps WHERE cohort_id = ?", (event.cohort_id,))
    connection.executemany(
        "INSERT INTO learner_path_steps (cohort_id, step_id, position_in_path, kind, title,"
        " due_on, weight) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (event.cohort_id, s.step_id, number, s.kind.value, s.title,
             s.due_on.isoformat() if s.due_on else None, s.weight)
            for number, s in enumerate(event.steps, start=1)
        ],
    )  # fmt: skip


FACTS = (  # what a person did: each shows in the timeline, some get a step done
    AssessmentSubmitted,
    ModuleStarted,
    ModuleCompleted,
    SessionAttended,
    SimulationAttempted,
    SeriousGamePlayed,
    CertificationResultRecorded,
    CoachingSessionHeld,
    GoalSet,
    GoalAchieved,
)
Handler = Callable[[sqlite3.Connection, Any, int, str], None]  # and the person's reference
PERSON_HANDLERS: dict[type, Handler] = {
    Trainee.Enrolled: _enrolled,
    Trainee.Left: _left,
    **dict.fromkeys(FACTS, _did),
}


class LearnerPaths:
    """Applies events to the learner path tables; the runner supplies the transaction."""

    name = "learner_paths"
    version = 2  # 2: timeline entries keep their words, to be said in the reader's language
    event_classes = (Programme.PathDefined, Trainee.Registered, *PERSON_HANDLERS)
    tables = (
        "learner_path_people",
        "learner_path_enrolments",
        "learner_path_steps",
        "learner_path_progress",
        "learner_path_timeline",
    )

    def __init__(self) -> None:
        # trainee id -> person reference: a fact that never changes, so a cache stays
        # right across rolled-back batches and rebuilds
        self._people: dict[UUID, str] = {}

    def create(self, connection: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            connection.execute(statement)

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        if isinstance(event, Programme.PathDefined):
            _path_defined(connection, event)
        elif isinstance(event, Trainee.Registered):
            connection.execute(
                "INSERT INTO learner_path_people (trainee_id, person_ref) VALUES (?, ?)",
                (event.originator_id.hex, event.person_ref),
            )
            self._people[event.originator_id] = event.person_ref
        elif handler := PERSON_HANDLERS.get(type(event)):
            handler(connection, event, position, self._person(connection, event.originator_id))

    def _person(self, connection: sqlite3.Connection, trainee_id: UUID) -> str:
        if trainee_id not in self._people:
            row = connection.execute(
                "SELECT person_ref FROM learner_path_people WHERE trainee_id = ?",
                (trainee_id.hex,),
            ).fetchone()
            if row is None:
                raise RuntimeError(f"learner_paths: trainee {trainee_id} was never registered")
            if len(self._people) >= PEOPLE_CACHED:
                self._people.clear()
            self._people[trainee_id] = row[0]
        return self._people[trainee_id]


@dataclass(frozen=True)
class StepProgress:
    step_id: str
    kind: str
    title: str
    due_on: date | None
    weight: float | None
    done: bool
    done_on: date | None  # the first day it was done, in this enrolment


@dataclass(frozen=True)
class TimelineEntry:
    occurred_on: date
    kind: str
    label: str
    position: int  # in the log: where an auditor finds the fact


@dataclass(frozen=True)
class EnrolmentPath:
    cohort_id: str
    programme_code: str
    enrolled_on: date
    left_on: date | None
    steps: list[StepProgress]  # in path order
    done: int
    remaining: int
    progress: float | None  # steps done over the path's steps, in %, 1 decimal; None: no steps
    next_step: StepProgress | None  # the first step not done, in path order; none once left
    timeline: list[TimelineEntry]  # by day, then by log position


def path_of(
    store: ViewStore,
    person_ref: str,
    translate: Callable[[str], str] | None = None,
    decimal: str = ".",
) -> list[EnrolmentPath]:
    """The person's enrolments, by enrolment day, each with its path and its timeline.

    A person-wide fact (coaching, goals) shows in every enrolment running on its
    day; on a day none runs, in the latest enrolment begun by then (or the first).
    The timeline's labels are English, or in the language of `translate` (see `say`).
    """
    enrolments = store.query(
        "SELECT cohort_id, programme_code, enrolled_on, left_on FROM learner_path_enrolments"
        " WHERE person_ref = ? ORDER BY enrolled_on, cohort_id",
        (person_ref,),
    )
    steps: dict[str, list[StepProgress]] = {}
    for row in store.query(
        "SELECT s.cohort_id, s.step_id, s.kind, s.title, s.due_on, s.weight, p.done_on"
        " FROM learner_path_enrolments e JOIN learner_path_steps s ON s.cohort_id = e.cohort_id"
        " LEFT JOIN learner_path_progress p ON p.person_ref = e.person_ref"
        " AND p.cohort_id = s.cohort_id AND p.kind = s.kind AND p.step_id = s.step_id"
        " WHERE e.person_ref = ? ORDER BY s.cohort_id, s.position_in_path",
        (person_ref,),
    ):
        cohort_id, step_id, kind, title, due_on, weight, done_on = tuple(row)
        step = StepProgress(
            step_id, kind, title, _day(due_on), weight, done_on is not None, _day(done_on)
        )
        steps.setdefault(cohort_id, []).append(step)
    timeline = _timeline(store, person_ref, enrolments, translate, decimal)
    return [_enrolment_path(row, steps, timeline) for row in enrolments]


def _enrolment_path(
    row: sqlite3.Row,
    steps: dict[str, list[StepProgress]],
    timeline: dict[str, list[TimelineEntry]],
) -> EnrolmentPath:
    path = steps.get(row["cohort_id"], [])
    done = sum(step.done for step in path)
    return EnrolmentPath(
        cohort_id=row["cohort_id"],
        programme_code=row["programme_code"],
        enrolled_on=date.fromisoformat(row["enrolled_on"]),
        left_on=_day(row["left_on"]),
        steps=path,
        done=done,
        remaining=len(path) - done,
        progress=round(100 * done / len(path), 1) if path else None,
        next_step=None if row["left_on"] else next((s for s in path if not s.done), None),
        timeline=timeline.get(row["cohort_id"], []),
    )


def _timeline(
    store: ViewStore,
    person_ref: str,
    enrolments: list[sqlite3.Row],
    translate: Callable[[str], str] | None,
    decimal: str,
) -> dict[str, list[TimelineEntry]]:
    spans = [(r["cohort_id"], r["enrolled_on"], r["left_on"]) for r in enrolments]
    entries: dict[str, list[TimelineEntry]] = {}
    for row in store.query(
        "SELECT cohort_id, occurred_on, kind, label, position, words FROM learner_path_timeline"
        " WHERE person_ref = ? ORDER BY occurred_on, position",
        (person_ref,),
    ):
        cohort_id, day, kind, label, position, words = tuple(row)
        if words is not None and translate is not None:
            label = say(json.loads(words), translate, decimal)
        home = [cohort_id] if cohort_id != PERSON_WIDE else _enrolments_on(day, spans)
        for cohort in home:
            entries.setdefault(cohort, []).append(
                TimelineEntry(date.fromisoformat(day), kind, label, position)
            )
    return entries


def _enrolments_on(day: str, spans: list[tuple[str, str, str | None]]) -> list[str]:
    """Where a person-wide fact belongs; `spans` are (cohort, enrolled, left) ISO days."""
    running = [c for c, start, end in spans if start <= day and (end is None or day <= end)]
    if running or not spans:
        return running
    begun = [c for c, start, _ in spans if start <= day]
    return [begun[-1] if begun else spans[0][0]]


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
