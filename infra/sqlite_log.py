"""The platform's log on SQLite: eventsourcing's recorder, with bulk writes and reads,
and a hash chain that makes any later edit of a stored event visible.

eventsourcing inserts a save's events one statement at a time to learn each
row id; here one `executemany` writes them all. SQLite admits one writer at a
time and we never delete, so the rows of one insert take consecutive ids
ending at `last_insert_rowid()`.

Each event's link is SHA-256 over the previous link and the event as stored
(position, aggregate, version, topic, bytes), written in the same transaction
as the event. `infra.audit_chain.verify` recomputes the chain.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

_CHUNK = 500  # stays well under SQLite's limit on bound parameters
CHAIN_TABLE = "event_chain"
GENESIS = bytes(32)  # the link before the first event


def link(previous: bytes, position: int, originator_id: str, version: int, topic: str,
         state: bytes) -> bytes:  # fmt: skip
    """The next link of the chain: what a later edit of this event, or of any before it,
    cannot keep unchanged."""
    digest = hashlib.sha256(previous)
    digest.update(f"{position}\x00{originator_id}\x00{version}\x00{topic}\x00".encode())
    digest.update(state)
    return digest.digest()


class TremplinSQLiteRecorder(SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE}"
            " (position INTEGER PRIMARY KEY, link BLOB NOT NULL)",
        ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **_: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        rows = [
            (_key(s.originator_id), s.originator_version, s.topic, s.state) for s in stored_events
        ]
        c.executemany(self.insert_events_statement, rows)
        c.execute("SELECT last_insert_rowid()")
        last = int(c.fetchone()[0])
        first = last - len(stored_events) + 1
        previous = self._link_before(c, first)
        links = []
        for position, row in enumerate(rows, start=first):
            previous = link(previous, position, *row)
            links.append((position, previous))
        c.executemany(f"INSERT INTO {CHAIN_TABLE} (position, link) VALUES (?, ?)", links)
        return list(range(first, last + 1))

    def _link_before(self, c: SQLiteCursor, position: int) -> bytes:
        """The link of the event before `position`; a log older than the chain is
        chained first, from its beginning (once, at its first write)."""
        c.execute(f"SELECT position, link FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1")
        found = c.fetchone()
        chained, previous = (int(found[0]), bytes(found[1])) if found else (0, GENESIS)
        if chained >= position - 1:
            return previous
        c.execute(
            f"SELECT rowid, originator_id, originator_version, topic, state"
            f" FROM {self.events_table_name} WHERE rowid > ? AND rowid < ? ORDER BY rowid",
            (chained, position),
        )
        links = []
        for row in c.fetchall():
            previous = link(previous, int(row[0]), row[1], int(row[2]), row[3], bytes(row[4]))
            links.append((int(row[0]), previous))
        c.executemany(f"INSERT INTO {CHAIN_TABLE} (position, link) VALUES (?, ?)", links)
        return previous

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
