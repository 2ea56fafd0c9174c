"""The cohort wall: posts and questions with their replies, and the achievements of
cohort members who share them (badges, passed certifications, hires).

People appear as on the leaderboard: by the name or pseudonym they chose there,
otherwise by the anonymous handle (`Apprenant·e 7f3a`), never by a name they did
not choose to show. An achievement is kept only if its person shares their
achievements on the wall when it happens, and shown only while they still do
(withdrawing the consent hides them at once). It goes on the wall of every
cohort the person was enrolled in by then (a hire often comes after leaving);
a certification, only on its own cohort's. Hidden posts stay, flagged.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import groupby
from typing import Any

from domain.badges import Badge
from domain.learning import CertificationResultRecorded
from domain.placement import Hired
from domain.trainee import Trainee
from domain.values import ConsentScope
from domain.wall import PostKind, WallPost
from projections.leaderboard import FullNameLookup, anonymous_handle, display_of
from projections.store import ViewStore

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS wall_people (trainee_id TEXT PRIMARY KEY,"
    " person_ref TEXT NOT NULL UNIQUE, handle TEXT NOT NULL, display_name TEXT NOT NULL,"
    " shares BOOLEAN NOT NULL DEFAULT FALSE)",
    "CREATE TABLE IF NOT EXISTS wall_members (person_ref TEXT NOT NULL,"
    " cohort_id TEXT NOT NULL, PRIMARY KEY (person_ref, cohort_id))",
    "CREATE TABLE IF NOT EXISTS wall_posts (post_key TEXT PRIMARY KEY,"
    " post_id TEXT NOT NULL UNIQUE, cohort_id TEXT NOT NULL, author_ref TEXT NOT NULL,"
    " kind TEXT NOT NULL, text TEXT NOT NULL, occurred_on TEXT NOT NULL,"
    " position INTEGER NOT NULL, reports INTEGER NOT NULL DEFAULT 0,"
    " hidden BOOLEAN NOT NULL DEFAULT FALSE)",
    "CREATE INDEX IF NOT EXISTS wall_posts_newest_first"
    " ON wall_posts (cohort_id, occurred_on DESC, position DESC)",
    "CREATE TABLE IF NOT EXISTS wall_replies (post_key TEXT NOT NULL, reply_id TEXT NOT NULL,"
    " author_ref TEXT NOT NULL, text TEXT NOT NULL, occurred_on TEXT NOT NULL,"
    " position INTEGER NOT NULL, helpful BOOLEAN NOT NULL DEFAULT FALSE,"
    " PRIMARY KEY (post_key, reply_id))",
    "CREATE TABLE IF NOT EXISTS wall_achievements (cohort_id TEXT NOT NULL,"
    " position INTEGER NOT NULL, person_ref TEXT NOT NULL, kind TEXT NOT NULL,"
    " detail TEXT NOT NULL, occurred_on TEXT NOT NULL, PRIMARY KEY (cohort_id, position))",
    "CREATE INDEX IF NOT EXISTS wall_achievements_newest_first"
    " ON wall_achievements (cohort_id, occurred_on DESC, position DESC)",
)
POST_FLAGS = {
    WallPost.Reported: "reports = reports + 1",
    WallPost.Hidden: "hidden = TRUE",
    WallPost.Unhidden: "hidden = FALSE",
}


class AchievementKind(StrEnum):
    BADGE = "badge"  # detail: the badge id ("first-module")
    CERTIFICATION = "certification"  # detail: the exam, with its level if it has one
    HIRED = "hired"  # detail: the contract type ("cdi")


class Wall:
    """Applies events to the `wall_*` tables; `full_name_of` as for the leaderboard."""

    name = "wall"
    version = 1
    event_classes = (
        Trainee.Registered,
        Trainee.Enrolled,
        Trainee.ConsentGiven,
        Trainee.ConsentWithdrawn,
        Badge.Awarded,
        CertificationResultRecorded,
        Hired,
        WallPost.Posted,
        WallPost.Replied,
        WallPost.ReplyFoundHelpful,
        *POST_FLAGS,
    )
    tables = ("wall_people", "wall_members", "wall_posts", "wall_replies", "wall_achievements")

    def __init__(self, full_name_of: FullNameLookup | None = None) -> None:
        self.full_name_of = full_name_of

    def create(self, connection: sqlite3.Connection) -> None:
        for statement in SCHEMA:
            connection.execute(statement)

    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None:
        if isinstance(event, WallPost.Posted | WallPost.Replied | WallPost.ReplyFoundHelpful):
            _write_post(connection, event, position)
        elif type(event) in POST_FLAGS:
            connection.execute(
                f"UPDATE wall_posts SET {POST_FLAGS[type(event)]} WHERE post_key = ?",
                (event.originator_id.hex,),
            )
        elif isinstance(event, Trainee.Registered):
            handle = anonymous_handle(event.originator_id, event.timestamp)
            connection.execute(
                "INSERT INTO wall_people (trainee_id, person_ref, handle, display_name)"
                " VALUES (?, ?, ?, ?)",
                (event.originator_id.hex, event.person_ref, handle, handle),
            )
        elif isinstance(event, Trainee.Enrolled):
            connection.execute(
                "INSERT INTO wall_members (person_ref, cohort_id) VALUES (?, ?)",
                (_person_of(connection, event.originator_id.hex), event.cohort_id),
            )
        elif isinstance(event, Trainee.ConsentGiven | Trainee.ConsentWithdrawn):
            self._consent(connection, event)
        else:
            _achieve(connection, event, position)

    def _consent(self, connection: sqlite3.Connection, event: Any) -> None:
        trainee = event.originator_id.hex
        if event.scope is ConsentScope.SHARE_ON_WALL:
            shares = isinstance(event, Trainee.ConsentGiven)
            connection.execute(
                "UPDATE wall_people SET shares = ? WHERE trainee_id = ?", (shares, trainee)
            )
            return
        (handle,) = connection.execute(
            "SELECT handle FROM wall_people WHERE trainee_id = ?", (trainee,)
        ).fetchone()
        shown = display_of(event, str(handle), self.full_name_of)
        if shown is not None:
            connection.execute(
                "UPDATE wall_people SET display_name = ? WHERE trainee_id = ?", (shown[1], trainee)
            )


def _write_post(connection: sqlite3.Connection, event: Any, position: int) -> None:
    post_key, day = event.originator_id.hex, event.occurred_on.isoformat()
    if isinstance(event, WallPost.Posted):
        connection.execute(
            "INSERT INTO wall_posts (post_key, post_id, cohort_id, author_ref, kind, text,"
            " occurred_on, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                *(post_key, event.post_id, event.cohort_id, event.author_ref),
                *(event.kind.value, event.personal.text, day, position),
            ),
        )
    elif isinstance(event, WallPost.Replied):
        connection.execute(
            "INSERT INTO wall_replies (post_key, reply_id, author_ref, text, occurred_on,"
            " position) VALUES (?, ?, ?, ?, ?, ?)",
            (post_key, event.reply_id, event.author_ref, event.personal.text, day, position),
        )
    else:
        connection.execute(
            "UPDATE wall_replies SET helpful = TRUE WHERE post_key = ? AND reply_id = ?",
            (post_key, event.reply_id),
        )


def _achieve(connection: sqlite3.Connection, event: Any, position: int) -> None:
    """An achievement on the walls it belongs to, if its person shares achievements now."""
    achievement = _achievement(event)
    if achievement is None:
        return
    if isinstance(event, Badge.Awarded):
        sharing = "person_ref = ?", event.person_ref
    else:
        sharing = "trainee_id = ?", event.originator_id.hex
    row = connection.execute(
        f"SELECT person_ref FROM wall_people WHERE {sharing[0]} AND shares", (sharing[1],)
    ).fetchone()
    if row is None:
        return
    person = str(row[0])
    if isinstance(event, CertificationResultRecorded):
        cohorts = [event.cohort_id]
    else:
        members = "SELECT cohort_id FROM wall_members WHERE person_ref = ?"
        cohorts = [str(cohort) for (cohort,) in connection.execute(members, (person,))]
    kind, detail = achievement
    day = event.occurred_on.isoformat()
    connection.executemany(
        "INSERT INTO wall_achievements (cohort_id, position, person_ref, kind, detail,"
        " occurred_on) VALUES (?, ?, ?, ?, ?, ?)",
        [(cohort, position, person, kind.value, detail, day) for cohort in cohorts],
    )


def _achievement(event: Any) -> tuple[AchievementKind, str] | None:
    """What the event achieved, as the wall shows it; None for a failed exam."""
    if isinstance(event, Badge.Awarded):
        return AchievementKind.BADGE, event.badge_id
    if isinstance(event, Hired):
        return AchievementKind.HIRED, event.contract.value
    if not event.passed:
        return None
    level = f" ({event.level})" if event.level else ""
    return AchievementKind.CERTIFICATION, f"{event.exam}{level}"


def _person_of(connection: sqlite3.Connection, trainee: str) -> str:
    row = connection.execute(
        "SELECT person_ref FROM wall_people WHERE trainee_id = ?", (trainee,)
    ).fetchone()
    return str(row[0])


@dataclass(frozen=True)
class ReplyView:
    reply_id: str
    author: str  # as they chose to appear on the leaderboard, else their anonymous handle
    author_ref: str  # to tell one's own replies from others': never shown
    text: str
    occurred_on: date
    helpful: bool  # the asker said it helped them


@dataclass(frozen=True)
class PostView:
    post_id: str
    cohort_id: str
    kind: PostKind
    author: str  # as for a reply
    author_ref: str  # never shown
    text: str
    occurred_on: date
    position: int  # in the log: orders the posts of one day
    replies: tuple[ReplyView, ...]  # oldest first
    reports: int
    hidden: bool


@dataclass(frozen=True)
class AchievementView:
    kind: AchievementKind
    person: str  # as for a post's author
    detail: str  # see AchievementKind
    occurred_on: date
    position: int


WallEntry = PostView | AchievementView


@dataclass(frozen=True)
class WallDay:
    day: date
    entries: tuple[WallEntry, ...]  # newest first


@dataclass(frozen=True)
class WallView:
    cohort_id: str
    entries: tuple[WallEntry, ...]  # posts and achievements, newest first

    @property
    def days(self) -> tuple[WallDay, ...]:
        """The entries day by day, newest day first."""
        grouped = groupby(self.entries, key=lambda entry: entry.occurred_on)
        return tuple(WallDay(day, tuple(entries)) for day, entries in grouped)


_POSTS = (
    "SELECT p.post_key, p.post_id, p.cohort_id, p.kind, w.display_name, p.author_ref, p.text,"
    " p.occurred_on, p.position, p.reports, p.hidden"
    " FROM wall_posts p JOIN wall_people w ON w.person_ref = p.author_ref "
)
_NEWEST_FIRST = " ORDER BY occurred_on DESC, position DESC LIMIT ?"


def wall_of(
    views: ViewStore, cohort_id: str, *, include_hidden: bool = False, limit: int = 50
) -> WallView:
    """The `limit` newest entries of a cohort's wall; hidden posts only for staff who ask."""
    shown = "" if include_hidden else " AND NOT p.hidden"
    posts = _posts(views, f"WHERE p.cohort_id = ?{shown}{_NEWEST_FIRST}", (cohort_id, limit))
    achievements = [
        AchievementView(
            AchievementKind(row["kind"]),
            str(row["display_name"]),
            str(row["detail"]),
            date.fromisoformat(row["occurred_on"]),
            int(row["position"]),
        )
        for row in views.query(
            "SELECT a.kind, w.display_name, a.detail, a.occurred_on, a.position"
            " FROM wall_achievements a JOIN wall_people w ON w.person_ref = a.person_ref"
            f" WHERE a.cohort_id = ? AND w.shares{_NEWEST_FIRST}",
            (cohort_id, limit),
        )
    ]
    entries: list[WallEntry] = [*posts, *achievements]
    entries.sort(key=lambda entry: (entry.occurred_on, entry.position), reverse=True)
    return WallView(cohort_id, tuple(entries[:limit]))


def post(views: ViewStore, post_id: str) -> PostView | None:
    """One post with its replies, hidden or not (its `hidden` flag says)."""
    found = _posts(views, "WHERE p.post_id = ?", (post_id,))
    return found[0] if found else None


def _posts(views: ViewStore, where: str, params: tuple[object, ...]) -> list[PostView]:
    rows = views.query(_POSTS + where, params)
    replies = _replies(views, [str(row["post_key"]) for row in rows])
    return [
        PostView(
            post_id=str(row["post_id"]),
            cohort_id=str(row["cohort_id"]),
            kind=PostKind(row["kind"]),
            author=str(row["display_name"]),
            author_ref=str(row["author_ref"]),
            text=str(row["text"]),
            occurred_on=date.fromisoformat(row["occurred_on"]),
            position=int(row["position"]),
            replies=tuple(replies.get(str(row["post_key"]), ())),
            reports=int(row["reports"]),
            hidden=bool(row["hidden"]),
        )
        for row in rows
    ]


def _replies(views: ViewStore, post_keys: list[str]) -> dict[str, list[ReplyView]]:
    if not post_keys:
        return {}
    found: dict[str, list[ReplyView]] = {}
    for row in views.query(
        "SELECT r.post_key, r.reply_id, w.display_name, r.author_ref, r.text, r.occurred_on,"
        " r.helpful FROM wall_replies r JOIN wall_people w ON w.person_ref = r.author_ref"
        f" WHERE r.post_key IN ({', '.join('?' for _ in post_keys)})"
        " ORDER BY r.occurred_on, r.position",
        tuple(post_keys),
    ):
        found.setdefault(str(row["post_key"]), []).append(
            ReplyView(
                reply_id=str(row["reply_id"]),
                author=str(row["display_name"]),
                author_ref=str(row["author_ref"]),
                text=str(row["text"]),
                occurred_on=date.fromisoformat(row["occurred_on"]),
                helpful=bool(row["helpful"]),
            )
        )
    return found
