"""Feeds projections from the log: each batch of events and the new position in one transaction."""

from __future__ import annotations

import sqlite3
from typing import Any, Protocol

from eventsourcing.utils import get_topic

from domain.application import Tremplin
from projections.store import ViewStore, advance

BATCH = 2000


class Projection(Protocol):
    """A read model: its tables, and how each event it follows changes them.

    `apply` must only touch the projection's own tables, with portable SQL
    (SQLite now, PostgreSQL later): no INSERT OR REPLACE, no AUTOINCREMENT,
    upserts as INSERT … ON CONFLICT … DO UPDATE.
    """

    @property
    def name(self) -> str: ...
    @property
    def event_classes(self) -> tuple[type, ...]: ...
    @property
    def tables(self) -> tuple[str, ...]: ...

    def create(self, connection: sqlite3.Connection) -> None: ...
    def apply(self, connection: sqlite3.Connection, event: Any, position: int) -> None: ...


def prepare(store: ViewStore, projection: Projection) -> None:
    with store.transaction() as connection:
        projection.create(connection)


def catch_up(app: Tremplin, store: ViewStore, projection: Projection) -> int:
    """Apply every event after the projection's position; returns how many were applied.

    A crash between batches resumes at the last committed position; a crash
    inside a batch rolls the whole batch back, rows and position together.
    """
    topics = [get_topic(cls) for cls in projection.event_classes]
    applied = 0
    head = app.recorder.max_notification_id() or 0
    while (position := store.position(projection.name)) < head:
        notifications = app.recorder.select_notifications(
            position + 1, BATCH, stop=head, topics=topics
        )
        last = notifications[-1].id if len(notifications) == BATCH else head
        with store.transaction() as connection:
            for notification in notifications:
                event = app.mapper.to_domain_event(notification)
                projection.apply(connection, event, notification.id)
            advance(connection, projection.name, last)
        applied += len(notifications)
    return applied
