"""The platform's log on SQLite: eventsourcing's recorder, with bulk writes and reads.

eventsourcing inserts a save's events one statement at a time to learn each
row id; here one `executemany` writes them all. SQLite admits one writer at a
time and we never delete, so the rows of one insert take consecutive ids
ending at `last_insert_rowid()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

_CHUNK = 500  # stays well under SQLite's limit on bound parameters


class TremplinSQLiteRecorder(SQLiteApplicationRecorder):
    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **_: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        c.executemany(
            self.insert_events_statement,
            [
                (_key(s.originator_id), s.originator_version, s.topic, s.state)
                for s in stored_events
            ],
        )
        c.execute("SELECT last_insert_rowid()")
        last = int(c.fetchone()[0])
        return list(range(last - len(stored_events) + 1, last + 1))

    def select_events_of(self, originator_ids: Iterable[UUID]) -> list[StoredEvent]:
        """All events of the given aggregates, by aggregate and version: one query per 500 ids."""
        keys = [_key(i) for i in originator_ids]
        found: list[StoredEvent] = []
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                c.execute(
                    f"SELECT * FROM {self.events_table_name} "
                    f"WHERE originator_id IN ({','.join('?' * len(chunk))}) "
                    "ORDER BY originator_id, originator_version",
                    chunk,
                )
                found.extend(
                    StoredEvent(
                        originator_id=self.convert_originator_id(row["originator_id"]),
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=row["state"],
                    )
                    for row in c.fetchall()
                )
        return found


def _key(originator_id: UUID | str) -> str:
    return originator_id.hex if isinstance(originator_id, UUID) else originator_id
