"""Leaderboards per cohort, per programme and per month, ranked by XP.

Scopes: `cohort:<id>`, `programme:<code>`, and their months `cohort:<id>:<YYYY-MM>`,
`programme:<code>:<YYYY-MM>` (the month the XP was earned, on the occurred
clock: seasons are windows over the awards, never resets). Every enrolled
trainee is on their cohort's and programme's all-time boards from enrolment on,
with 0 XP; a month board lists who earned XP that month.

Competition ranking: equal XP, equal rank, and the next rank skips
(120, 120, 100, 0 → 1, 1, 3, 4). Among equals, who reached that XP first (the
lower log position) comes first. A rank is 1 + the number of people with more XP,
summed from `leaderboard_counts` (one row per scope and XP value), so no request
scans a board.

Display follows the trainee's latest leaderboard consent: by name (their full
name, asked from their registration only then), by pseudonym, or hidden (absent
from what is shown, still counted in others' ranks). Without any consent, an
anonymous handle that reveals nothing (`Apprenant·e 7f3a`) and no reference.
Only what is shown is stored: the name only while they choose to appear by it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.application import Tremplin
from domain.trainee import Trainee
from domain.values import ConsentScope, LeaderboardDisplay
from projections.gamification import LEDGER_EVENTS, Award, AwardLedger
from projections.store import ViewStore
from projections.xp_rules import level_for

FullNameLookup = Callable[[UUID], "str | None"]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS leaderboard_people (person_ref TEXT PRIMARY KEY,"
    " trainee_id TEXT NOT NULL UNIQUE, handle TEXT NOT NULL, display TEXT NOT NULL,"
    " display_name TEXT NOT NULL, xp INTEGER NOT NULL, level INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS leaderboard_scores (scope TEXT NOT NULL,"
    " person_ref TEXT NOT NULL, xp INTEGER NOT NULL, reached_position INTEGER NOT NULL,"
    " PRIMARY KEY (scope, person_ref))",
    "CREATE INDEX IF NOT EXISTS leaderboard_scores_in_order"
    " ON leaderboard_scores (scope, xp DESC, reached_position)",
    "CREATE TABLE IF NOT EXISTS leaderboard_counts (scope TEXT NOT NULL, xp INTEGER NOT NULL,"
    " people INTEGER NOT NULL, PRIMARY KEY (scope, xp))",
)


def cohort_scope(cohort_id: str, month: str | None = None) -> str:
    return f"cohort:{cohort_id}" + (f":{month}" if month else "")


def programme_scope(programme_code: str, month: str | None = None) -> str:
    return f"programme:{programme_code}" + (f":{month}" if month else "")


class Display(StrEnum):
    ANONYMOUS = "anonymous"  # no consent recorded: a handle, no reference
    NAME = "name"
    PSEUDONYM = "pseudonym"
    HIDDEN = "hidden"  # chose to hide, or withdrew their consent


def anonymous_handle(trainee: UUID, registered_at: datetime) -> str:
    """A stable handle from the registration's recorded time, which nobody outside
    the log knows: it cannot be traced back from a person reference."""
    digest = hashlib.sha256(f"{trainee.hex}/{registered_at.isoformat()}".encode()).hexdigest()
    return f"Apprenant·e {digest[:4]}"


def display_of(
    event: Any, handle: str, full_name_of: FullNameLookup | None
) -> tuple[Display, str] | None:
    """How a consent event shows the person (display, name shown); None for other scopes."""
    if event.scope is not ConsentScope.LEADERBOARD:
        return None
    if isinstance(event, Trainee.ConsentWithdrawn) or event.display is LeaderboardDisplay.HIDDEN:
        return Display.HIDDEN, handle
    if event.display is LeaderboardDisplay.PSEUDONYM:
        return Display.PSEUDONYM, str(event.pseudonym)
    name = full_name_of(event.originator_id) if full_name_of else None
    return Display.NAME, name or event.pseudonym or handle


def full_names_from_log(app: Tremplin) -> FullNameLookup:
    """Reads a trainee's full name from their registration (the first event of their record)."""

    def full_name_of(trainee: UUID) -> str | None:
        for event in app.events.get(trainee, lte=1):
            if isinstance(event, Trainee.Registered):
                return event.personal.full_name
        return None

    return full_name_of


class Leaderboard:
    """Scores per scope, their per-XP counts, and how each person is shown.

    Keeps its own award ledger (`leaderboard_xp_*`, the gamification rules) to follow
    the log and rebuild on its own. `full_name_of` is asked only when someone chooses
    to appear by name; without it they appear under their pseudonym or handle.
    """

    name = "leaderboard"
    version = 1
    event_classes = (*LEDGER_EVENTS, Trainee.ConsentGiven, Trainee.ConsentWithdrawn)

    def __init__(self, full_name_of: FullNameLookup | None = None) -> None:
        self.ledger = AwardLedger("leaderboard_xp")
        self.full_name_of = full_name_of
        self.tables = (
            *self.ledger.tables,
            "leaderboard_people",
            "leaderboard_scores",
            "leaderboard_counts",
        )

    def create(self, connection: sqlite3.Connection) -> None:
        self.ledger.create(connection)
        for statement in SCHEMA:
            connection.execute(statement)

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        award = self.ledger.apply(connection, event, position)
        if award is not None and award.xp > 0:
            self._earn(connection, award)
        elif isinstance(event, Trainee.Registered):
            handle = anonymous_handle(event.originator_id, event.timestamp)
            connection.execute(
                "INSERT INTO leaderboard_people VALUES (?, ?, ?, ?, ?, 0, ?)",
                (event.person_ref, event.originator_id.hex, handle, Display.ANONYMOUS, handle, 1),
            )
        elif isinstance(event, Trainee.Enrolled):
            person = _person_of(connection, event.originator_id.hex)
            for scope in (cohort_scope(event.cohort_id), programme_scope(event.programme_code)):
                _join(connection, scope, person, position)
        elif isinstance(event, Trainee.ConsentGiven | Trainee.ConsentWithdrawn):
            self._show(connection, event)

    def _earn(self, connection: sqlite3.Connection, award: Award) -> None:
        boards = []  # (scope, whether it is an all-time board)
        if award.cohort_id is not None:
            boards += [(cohort_scope(award.cohort_id), True)]
            boards += [(cohort_scope(award.cohort_id, award.month), False)]
        if award.programme_code is not None:
            boards += [(programme_scope(award.programme_code), True)]
            boards += [(programme_scope(award.programme_code, award.month), False)]
        for scope, all_time in boards:
            _add_xp(connection, scope, all_time, award.person_ref, award.xp, award.position)
        total, level = connection.execute(
            "UPDATE leaderboard_people SET xp = xp + ? WHERE person_ref = ? RETURNING xp, level",
            (award.xp, award.person_ref),
        ).fetchone()
        if level_for(total) != level:
            connection.execute(
                "UPDATE leaderboard_people SET level = ? WHERE person_ref = ?",
                (level_for(total), award.person_ref),
            )

    def _show(self, connection: sqlite3.Connection, event: Any) -> None:
        trainee = event.originator_id.hex
        row = connection.execute(
            "SELECT handle FROM leaderboard_people WHERE trainee_id = ?", (trainee,)
        ).fetchone()
        shown = display_of(event, str(row[0]), self.full_name_of)
        if shown is not None:
            connection.execute(
                "UPDATE leaderboard_people SET display = ?, display_name = ? WHERE trainee_id = ?",
                (shown[0].value, shown[1], trainee),
            )


def _person_of(connection: sqlite3.Connection, trainee: str) -> str:
    row = connection.execute(
        "SELECT person_ref FROM leaderboard_people WHERE trainee_id = ?", (trainee,)
    ).fetchone()
    return str(row[0])


def _join(connection: sqlite3.Connection, scope: str, person: str, position: int) -> None:
    """Put a person on a board with 0 XP, unless already there (a second cohort of a programme)."""
    joined = connection.execute(
        "INSERT INTO leaderboard_scores (scope, person_ref, xp, reached_position)"
        " VALUES (?, ?, 0, ?) ON CONFLICT (scope, person_ref) DO NOTHING",
        (scope, person, position),
    ).rowcount
    if joined:
        _move_count(connection, scope, None, 0)


def _add_xp(
    connection: sqlite3.Connection,
    scope: str,
    all_time: bool,
    person: str,
    xp: int,
    position: int,
) -> None:
    """Adds XP to a person's score on a board (joining it if needed) and moves the counts.

    Only all-time boards hold 0 XP scores (from enrolment), so a month board's score
    that comes back equal to `xp` was just inserted."""
    (new_xp,) = connection.execute(
        "INSERT INTO leaderboard_scores (scope, person_ref, xp, reached_position)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (scope, person_ref) DO UPDATE"
        " SET xp = leaderboard_scores.xp + excluded.xp,"
        " reached_position = excluded.reached_position RETURNING xp",
        (scope, person, xp, position),
    ).fetchone()
    old_xp = int(new_xp) - xp
    _move_count(connection, scope, old_xp if old_xp > 0 or all_time else None, int(new_xp))


def _move_count(connection: sqlite3.Connection, scope: str, old: int | None, new: int) -> None:
    """One person more at XP `new` on a board, one fewer at `old` (None: they just
    joined); a count that falls to 0 goes. One statement for both rows."""
    moves = [(scope, new, 1)] if old is None else [(scope, new, 1), (scope, old, -1)]
    values = ", ".join("(?, ?, ?)" for _ in moves)
    counts = connection.execute(
        f"INSERT INTO leaderboard_counts (scope, xp, people) VALUES {values}"
        " ON CONFLICT (scope, xp) DO UPDATE SET people = leaderboard_counts.people"
        " + excluded.people RETURNING xp, people",
        [value for move in moves for value in move],
    ).fetchall()
    for emptied, people in counts:
        if people == 0:
            connection.execute(
                "DELETE FROM leaderboard_counts WHERE scope = ? AND xp = ?", (scope, emptied)
            )


@dataclass(frozen=True)
class Entry:
    rank: int
    xp: int
    display_name: str
    person: str | None  # their reference when they chose to appear, else None
    level: int


_ENTRIES = (
    "SELECT 1 + COALESCE((SELECT SUM(c.people) FROM leaderboard_counts c"
    " WHERE c.scope = s.scope AND c.xp > s.xp), 0) AS rank,"
    " s.xp, p.display, p.display_name, p.person_ref, p.level"
    " FROM leaderboard_scores s JOIN leaderboard_people p ON p.person_ref = s.person_ref"
    " WHERE s.scope = ? AND p.display <> 'hidden'"
)
_ORDER = " ORDER BY s.xp DESC, s.reached_position LIMIT ?"  # positions differ in a scope
_BEFORE_REVERSED = " ORDER BY s.xp, s.reached_position DESC LIMIT ?"


def top(store: ViewStore, scope: str, limit: int) -> list[Entry]:
    """The first `limit` shown entries of a board, in display order."""
    return _entries(store.query(_ENTRIES + _ORDER, (scope, limit)))


def rank_of(store: ViewStore, scope: str, person_ref: str) -> int | None:
    """A person's rank on a board (hidden or not); None when they are not on it."""
    rows = store.query(
        "SELECT 1 + COALESCE((SELECT SUM(c.people) FROM leaderboard_counts c"
        " WHERE c.scope = s.scope AND c.xp > s.xp), 0) FROM leaderboard_scores s"
        " WHERE s.scope = ? AND s.person_ref = ?",
        (scope, person_ref),
    )
    return int(rows[0][0]) if rows else None


def around(store: ViewStore, scope: str, person_ref: str, n: int) -> list[Entry]:
    """Up to `n` shown entries above the person and `n` below, with theirs between
    (unless they are hidden), in display order; empty when they are not on the board."""
    me = store.query(
        "SELECT xp, reached_position FROM leaderboard_scores WHERE scope = ? AND person_ref = ?",
        (scope, person_ref),
    )
    if not me:
        return []
    xp, reached = int(me[0][0]), int(me[0][1])
    # Each side in two index ranges (equal XP, then the XP beyond), nearest first:
    # one OR over both would walk the board from its far end.
    tied_above = _ENTRIES + " AND s.xp = ? AND s.reached_position < ?" + _BEFORE_REVERSED
    tied_below = _ENTRIES + " AND s.xp = ? AND s.reached_position > ?" + _ORDER
    above = store.query(tied_above, (scope, xp, reached, n))
    above += store.query(_ENTRIES + " AND s.xp > ?" + _BEFORE_REVERSED, (scope, xp, n))
    below = store.query(tied_below, (scope, xp, reached, n))
    below += store.query(_ENTRIES + " AND s.xp < ?" + _ORDER, (scope, xp, n))
    mine = store.query(_ENTRIES + " AND s.person_ref = ?", (scope, person_ref))
    return _entries([*reversed(above[:n]), *mine, *below[:n]])


def _entries(rows: list[sqlite3.Row]) -> list[Entry]:
    return [
        Entry(
            rank=int(row["rank"]),
            xp=int(row["xp"]),
            display_name=str(row["display_name"]),
            person=None if row["display"] == Display.ANONYMOUS else str(row["person_ref"]),
            level=int(row["level"]),
        )
        for row in rows
    ]
