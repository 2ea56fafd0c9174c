"""Feeds projections from the log: each batch of events and the new position in one transaction.

Exactly once: a batch's rows and its position commit together, and the position
moves by compare-and-set, so a crash resumes where the last commit left off and
two runners never apply the same batch twice. A position missing from the log
(a transaction that took a number, then rolled back) is only passed once it has
stayed missing for a grace period: a late commit below the head is never skipped.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.application import Tremplin
from projections.store import ViewStore, advance, built_version, ensure_position, reset

BATCH = 2000
GAP_GRACE_SECONDS = 5.0


class Projection(Protocol):
    """A read model: its tables, and how each event it follows changes them.

    `apply` must only touch the projection's own tables, with portable SQL
    (SQLite now, PostgreSQL later): no INSERT OR REPLACE, no AUTOINCREMENT,
    upserts as INSERT … ON CONFLICT … DO UPDATE.
    """

    @property
    def name(self) -> str: ...
    @property
    def version(self) -> int:
        """What its rows mean: bumped when `apply` or the tables change, so that a view
        built by the code before is rebuilt from the log at the next start."""
        ...

    @property
    def event_classes(self) -> tuple[type, ...]: ...
    @property
    def tables(self) -> tuple[str, ...]: ...

    def create(self, connection: sqlite3.Connection) -> None: ...
    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None: ...


@dataclass(frozen=True)
class Notice:
    """Published after a committed batch: what changed, never the state itself."""

    projection: str
    first: int
    last: int
    changed: tuple[str, ...]  # ids of the aggregates whose events were applied


@dataclass
class GapWatch:
    """When each missing position was first seen; a gap is passed after the grace period."""

    grace_seconds: float = GAP_GRACE_SECONDS
    clock: Callable[[], float] = time.monotonic
    first_seen: dict[int, float] = field(default_factory=dict)
    passed: list[int] = field(default_factory=list)

    def may_pass(self, position: int) -> bool:
        seen = self.first_seen.setdefault(position, self.clock())
        if self.clock() - seen < self.grace_seconds:
            return False
        del self.first_seen[position]
        self.passed.append(position)
        return True


def contiguous(
    notifications: Sequence[Notification], after: int, gaps: GapWatch
) -> tuple[list[Notification], int]:
    """The notifications that may be applied now, and the position they reach.

    Stops before a missing position unless it has been missing for the grace
    period (then it is passed, and remembered in `gaps.passed`).
    """
    usable: list[Notification] = []
    expected = after + 1
    for notification in notifications:
        while expected < notification.id:
            if not gaps.may_pass(expected):
                return usable, expected - 1
            expected += 1
        usable.append(notification)
        expected = notification.id + 1
    return usable, expected - 1


def prepare(store: ViewStore, projection: Projection) -> None:
    """Create the projection's tables. A view built by another version of its code is
    dropped first, and the next catch-up rebuilds it from the log: its rows were made by
    other rules, and a view older than versions (a position, no version) is version 1."""
    with store.transaction() as connection:
        built = built_version(connection, projection.name)
        if built is not None and built != projection.version:
            reset(connection, projection.name, projection.tables)
        projection.create(connection)
        connection.execute(
            "INSERT INTO projection_versions (name, version) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET version = excluded.version",
            (projection.name, projection.version),
        )


def catch_up(
    app: Tremplin,
    store: ViewStore,
    projection: Projection,
    *,
    gaps: GapWatch | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> list[Notice]:
    """Apply every event after the projection's position, batch by batch."""
    gaps = gaps or GapWatch()
    topics = {get_topic(cls) for cls in projection.event_classes}
    notices: list[Notice] = []
    head = app.recorder.max_notification_id() or 0
    while (position := store.position(projection.name)) < head:
        page = app.recorder.select_notifications(position + 1, BATCH, stop=head)
        usable, reached = contiguous(page, position, gaps)
        if reached == position:
            break  # waiting for a late commit below the head
        changed: set[str] = set()
        with store.transaction() as connection:
            # The write lock is ours now: if another runner took this batch, stop here.
            ensure_position(connection, projection.name, position)
            for notification in usable:
                if notification.topic in topics:
                    event = app.mapper.to_domain_event(notification)
                    projection.apply(connection, event, notification.id)
                    changed.add(event.originator_id.hex)
            advance(connection, projection.name, position, reached)
        notices.append(Notice(projection.name, position + 1, reached, tuple(sorted(changed))))
        if on_batch:
            on_batch(reached - position)
    return notices
