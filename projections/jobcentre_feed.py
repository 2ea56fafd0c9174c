"""What each job centre may follow about the people it referred: a feed of entries in log order.

An entry is written when something the centre cares about happens to a person it
referred who consents, at that moment, to share with it: enrolled (or, when the
consent comes later, each enrolment still running at that moment), a progress
milestone (25, 50, 75, 100% of the path's steps), a certification passed, left
(with the reason), hired or entered further training, the six-month follow-up.
Nothing is written while the consent is withdrawn. When it is withdrawn, a
`consent_withdrawn` entry lists the ids of the earlier entries the centre should
forget (and names nobody), and those entries are served without the person, cohort or
details from then on, for good: a consent given again starts afresh with new entries
(`enrolled` for each running enrolment) and never shows the forgotten ones again
(`feed_page` hides every entry below a later notice of the same person, so the rule
needs no state beyond the entries themselves and a rebuild gives the same answer).

Entry ids follow the log: `position × 10 + n` for the n-th entry an event gives
(a passed certification gives a milestone and a certification). The runner
commits a batch's entries with its position and never past a missing position
(projections/runner.py), so an id below the feed's position is final: a cursor
that moves to the last id served never skips an entry committed late.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from domain.learning import (
    AssessmentSubmitted,
    CertificationResultRecorded,
    ModuleCompleted,
    SessionAttended,
    SimulationAttempted,
)
from domain.placement import FollowUpRecorded, FurtherTrainingEntered, Hired
from domain.programme import Programme
from domain.trainee import Trainee
from domain.values import ConsentScope, LeftReason
from projections.learner_paths import step_done_by
from projections.outcomes import recorded_text
from projections.store import ViewStore

NAME = "jobcentre_feed"
PER_EVENT = 10  # entry id = position × PER_EVENT + n
MILESTONES = (25, 50, 75, 100)
SMALL_CELL = 5  # summary counts under this are not shown

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS jobcentre_feed_people (trainee_id TEXT PRIMARY KEY,"
    " person_ref TEXT NOT NULL, referred_by TEXT, consenting BOOLEAN NOT NULL DEFAULT FALSE)",
    "CREATE TABLE IF NOT EXISTS jobcentre_feed_steps (cohort_id TEXT NOT NULL,"
    " step TEXT NOT NULL, PRIMARY KEY (cohort_id, step))",
    "CREATE TABLE IF NOT EXISTS jobcentre_feed_done (trainee_id TEXT NOT NULL,"
    " cohort_id TEXT NOT NULL, step TEXT NOT NULL, PRIMARY KEY (trainee_id, cohort_id, step))",
    "CREATE TABLE IF NOT EXISTS jobcentre_feed_enrolments (trainee_id TEXT NOT NULL,"
    " cohort_id TEXT NOT NULL, programme_code TEXT NOT NULL, status TEXT NOT NULL,"
    " milestone INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (trainee_id, cohort_id))",
    "CREATE TABLE IF NOT EXISTS jobcentre_feed_entries (id INTEGER PRIMARY KEY,"
    " jobcentre TEXT NOT NULL, trainee_id TEXT NOT NULL, kind TEXT NOT NULL,"
    " cohort_id TEXT, occurred_on TEXT NOT NULL, recorded_at TEXT NOT NULL, details TEXT)",
    "CREATE INDEX IF NOT EXISTS jobcentre_feed_by_centre ON jobcentre_feed_entries (jobcentre, id)",
    "CREATE INDEX IF NOT EXISTS jobcentre_feed_by_person ON jobcentre_feed_entries (trainee_id)",
)

# Enrolment statuses, as the summary counts them.
IN_TRAINING, COMPLETED, LEFT_EARLY, IN_WORK = "in_training", "completed", "left_early", "in_work"
STATUSES = (IN_TRAINING, COMPLETED, LEFT_EARLY, IN_WORK)
STEP_FACTS = (
    AssessmentSubmitted,
    ModuleCompleted,
    SessionAttended,
    SimulationAttempted,
    CertificationResultRecorded,
)


class JobcentreFeed:
    """Applies events to the feed tables; the runner supplies the transaction."""

    name = NAME
    version = 1
    event_classes = (
        Programme.PathDefined,
        Trainee.Registered,
        Trainee.ConsentGiven,
        Trainee.ConsentWithdrawn,
        Trainee.Enrolled,
        Trainee.Left,
        *STEP_FACTS,
        Hired,
        FurtherTrainingEntered,
        FollowUpRecorded,
    )
    tables = (
        "jobcentre_feed_people",
        "jobcentre_feed_steps",
        "jobcentre_feed_done",
        "jobcentre_feed_enrolments",
        "jobcentre_feed_entries",
    )

    def create(self, connection: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            connection.execute(statement)

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        if isinstance(event, Programme.PathDefined):
            connection.execute(
                "DELETE FROM jobcentre_feed_steps WHERE cohort_id = ?", (event.cohort_id,)
            )
            connection.executemany(
                "INSERT INTO jobcentre_feed_steps VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(event.cohort_id, f"{s.kind.value}:{s.step_id}") for s in event.steps],
            )
            return
        if isinstance(event, Trainee.Registered):
            connection.execute(
                "INSERT INTO jobcentre_feed_people (trainee_id, person_ref, referred_by)"
                " VALUES (?, ?, ?)",
                (event.originator_id.hex, event.person_ref, event.referred_by),
            )
            return
        Entries(connection, event, position).apply()


class Entries:
    """The entries one event gives, numbered in the order they are written."""

    def __init__(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        self.connection, self.event, self.position = connection, event, position
        self.trainee_id = event.originator_id.hex
        self.written = 0

    def apply(self) -> None:
        event = self.event
        if isinstance(event, Trainee.ConsentGiven | Trainee.ConsentWithdrawn):
            if event.scope == ConsentScope.SHARE_WITH_JOBCENTRE:
                self._consent(isinstance(event, Trainee.ConsentGiven))
        elif isinstance(event, Trainee.Enrolled):
            self.connection.execute(
                "INSERT INTO jobcentre_feed_enrolments (trainee_id, cohort_id, programme_code,"
                " status) VALUES (?, ?, ?, ?) ON CONFLICT (trainee_id, cohort_id)"
                " DO UPDATE SET status = excluded.status,"
                " milestone = 0",
                (self.trainee_id, event.cohort_id, event.programme_code, IN_TRAINING),
            )
            self._write("enrolled", event.cohort_id, {"programme": event.programme_code})
        elif isinstance(event, Trainee.Left):
            status = COMPLETED if event.reason == LeftReason.COMPLETED else LEFT_EARLY
            self._status(event.cohort_id, status)
            details = {"reason": event.reason.value}
            if event.final_result is not None:
                details["final_result"] = event.final_result.value
            self._write("left", event.cohort_id, details)
        elif isinstance(event, STEP_FACTS):
            self._step_done(event)
        elif isinstance(event, Hired):
            self._in_work()
            self._write(
                "hired",
                None,
                {
                    "employer": event.employer_ref,
                    "contract": event.contract.value,
                    "starts_on": event.starts_on.isoformat(),
                },
            )
        elif isinstance(event, FurtherTrainingEntered):
            self._in_work()
            self._write(
                "entered_training",
                None,
                {"course": event.course, "starts_on": event.starts_on.isoformat()},
            )
        elif isinstance(event, FollowUpRecorded):
            self._write("six_month_outcome", event.cohort_id, {"status": event.status.value})

    def _consent(self, given: bool) -> None:
        person = self._person()
        if person is None or person["consenting"] == given:
            return
        self.connection.execute(
            "UPDATE jobcentre_feed_people SET consenting = ? WHERE trainee_id = ?",
            (given, self.trainee_id),
        )
        if given:
            # What the centre may now know starts with where the person is: each enrolment
            # still running is announced (a person often consents after enrolling).
            for row in self.connection.execute(
                "SELECT cohort_id, programme_code FROM jobcentre_feed_enrolments"
                " WHERE trainee_id = ? AND status = ? ORDER BY cohort_id",
                (self.trainee_id, IN_TRAINING),
            ).fetchall():
                self._write("enrolled", row[0], {"programme": row[1]})
        elif person["referred_by"]:
            earlier = [
                row[0]
                for row in self.connection.execute(
                    "SELECT id FROM jobcentre_feed_entries WHERE trainee_id = ?"
                    " AND kind != 'consent_withdrawn' ORDER BY id",  # notices name nobody
                    (self.trainee_id,),
                )
            ]
            # Written whatever the (now withdrawn) consent: it names nobody, and tells the
            # centre's system which entries to forget.
            self._write("consent_withdrawn", None, {"forget": earlier}, always=True)

    def _step_done(self, event: Any) -> None:
        step = step_done_by(event)
        if step is None:
            return
        key = f"{step[0].value}:{step[1]}"
        cohort_id = event.cohort_id
        inserted = self.connection.execute(
            "INSERT INTO jobcentre_feed_done VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (self.trainee_id, cohort_id, key),
        ).rowcount
        if inserted:
            self._milestone(cohort_id)
        if isinstance(event, CertificationResultRecorded) and event.passed:
            details = {"scheme": event.scheme.value, "exam": event.exam}
            if event.level:
                details["level"] = event.level
            self._write("certified", cohort_id, details)

    def _milestone(self, cohort_id: str) -> None:
        row = self.connection.execute(
            "SELECT e.milestone,"
            " (SELECT count(*) FROM jobcentre_feed_steps s WHERE s.cohort_id = e.cohort_id),"
            " (SELECT count(*) FROM jobcentre_feed_done d JOIN jobcentre_feed_steps s"
            "   ON s.cohort_id = d.cohort_id AND s.step = d.step"
            "   WHERE d.trainee_id = e.trainee_id AND d.cohort_id = e.cohort_id)"
            " FROM jobcentre_feed_enrolments e WHERE e.trainee_id = ? AND e.cohort_id = ?",
            (self.trainee_id, cohort_id),
        ).fetchone()
        if row is None or not row[1]:
            return
        reached, steps, done = row
        crossed = [m for m in MILESTONES if m > reached and done * 100 >= m * steps]
        if not crossed:
            return
        self.connection.execute(
            "UPDATE jobcentre_feed_enrolments SET milestone = ? WHERE trainee_id = ?"
            " AND cohort_id = ?",
            (crossed[-1], self.trainee_id, cohort_id),
        )
        # One entry for the highest milestone crossed: 0 → 50% at once is one step forward.
        self._write("progress", cohort_id, {"percent": crossed[-1], "steps_done": done,
                                             "steps": steps})  # fmt: skip

    def _status(self, cohort_id: str, status: str) -> None:
        self.connection.execute(
            "UPDATE jobcentre_feed_enrolments SET status = ?"
            " WHERE trainee_id = ? AND cohort_id = ?",
            (status, self.trainee_id, cohort_id),
        )

    def _in_work(self) -> None:
        """A hire or further training puts the person's enrolments that ended in work."""
        self.connection.execute(
            "UPDATE jobcentre_feed_enrolments SET status = ? WHERE trainee_id = ?"
            " AND status IN (?, ?)",
            (IN_WORK, self.trainee_id, COMPLETED, LEFT_EARLY),
        )

    def _person(self) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.connection.execute(
            "SELECT referred_by, consenting FROM jobcentre_feed_people WHERE trainee_id = ?",
            (self.trainee_id,),
        ).fetchone()
        return row

    def _write(
        self,
        kind: str,
        cohort_id: str | None,
        details: dict[str, Any],
        *,
        always: bool = False,
    ) -> None:
        person = self._person()
        if person is None or not person["referred_by"]:
            return
        if not (always or person["consenting"]):
            return
        self.connection.execute(
            "INSERT INTO jobcentre_feed_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.position * PER_EVENT + self.written,
                person["referred_by"],
                self.trainee_id,
                kind,
                cohort_id,
                self.event.occurred_on.isoformat(),
                recorded_text(self.event.timestamp),
                json.dumps(details, sort_keys=True),
            ),
        )
        self.written += 1


@dataclass(frozen=True)
class FeedEntry:
    id: int  # the cursor: pass it as `after` to read what follows
    kind: str  # enrolled | progress | certified | left | hired | entered_training |
    #            six_month_outcome | consent_withdrawn
    occurred_on: date
    recorded_at: datetime
    # None if the person withdrew consent after the entry was written, whatever they
    # consent to since (and in consent_withdrawn)
    person: str | None
    cohort: str | None
    details: dict[str, Any] | None  # None when person is (a notice keeps its ids to forget)


def feed_page(store: ViewStore, jobcentre: str, after: int, limit: int) -> list[FeedEntry]:
    """Up to `limit` entries of the centre after the id `after`, in log order."""
    rows = store.query(
        "SELECT e.id, e.kind, e.occurred_on, e.recorded_at, e.cohort_id, e.details,"
        " p.person_ref, p.consenting,"
        # Forgotten: a later notice of the same person told the centre to forget it (each
        # notice lists every earlier entry of theirs); a consent given since changes nothing.
        " EXISTS (SELECT 1 FROM jobcentre_feed_entries w WHERE w.trainee_id = e.trainee_id"
        "  AND w.kind = 'consent_withdrawn' AND w.id > e.id) AS forgotten"
        " FROM jobcentre_feed_entries e"
        " JOIN jobcentre_feed_people p ON p.trainee_id = e.trainee_id"
        " WHERE e.jobcentre = ? AND e.id > ? ORDER BY e.id LIMIT ?",
        (jobcentre, after, limit),
    )
    return [_entry(row) for row in rows]


def _entry(row: sqlite3.Row) -> FeedEntry:
    notice = row["kind"] == "consent_withdrawn"  # names nobody; its details are ids to forget
    shown = bool(row["consenting"]) and not row["forgotten"] and not notice
    details = json.loads(row["details"]) if row["details"] else None
    return FeedEntry(
        id=row["id"],
        kind=row["kind"],
        occurred_on=date.fromisoformat(row["occurred_on"]),
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
        person=row["person_ref"] if shown else None,
        cohort=row["cohort_id"] if shown else None,
        details=details if shown or notice else None,
    )


@dataclass(frozen=True)
class CohortCounts:
    cohort: str
    programme: str
    counts: dict[str, int | None]  # status → people; None: fewer than SMALL_CELL, not shown


def summary(store: ViewStore, jobcentre: str) -> list[CohortCounts]:
    """People the centre referred who consent, per cohort and status; small cells hidden."""
    rows = store.query(
        "SELECT e.cohort_id, e.programme_code, e.status, count(*) AS people"
        " FROM jobcentre_feed_enrolments e JOIN jobcentre_feed_people p"
        " ON p.trainee_id = e.trainee_id WHERE p.referred_by = ? AND p.consenting"
        " GROUP BY e.cohort_id, e.programme_code, e.status ORDER BY e.cohort_id",
        (jobcentre,),
    )
    cohorts: dict[tuple[str, str], dict[str, int]] = {}
    for row in rows:
        cohorts.setdefault((row["cohort_id"], row["programme_code"]), {})[row["status"]] = row[
            "people"
        ]
    return [
        CohortCounts(cohort, programme, {s: _shown(counts.get(s, 0)) for s in STATUSES})
        for (cohort, programme), counts in cohorts.items()
    ]


def _shown(count: int) -> int | None:
    """Zero is shown (nobody is nobody); 1 to 4 people are not: they could be named."""
    return count if count == 0 or count >= SMALL_CELL else None
